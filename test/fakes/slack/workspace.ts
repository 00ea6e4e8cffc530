export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  /** IANA zone, e.g. `Europe/Berlin`; users.info derives `tz_offset` and `tz_label` from it. */
  tz: string;
  email?: string;
  isBot?: boolean;
  deleted?: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isIm?: boolean;
  /** User ids in the channel, the bot user included when the bot is a member. */
  members: string[];
}

export interface TokenIdentity {
  token: string;
  userId: string;
  botId?: string;
  teamId: string;
  scopes: string[];
}

export interface WorkspaceSeed {
  teamId: string;
  teamDomain: string;
  teamName: string;
  appId: string;
  botUserId: string;
  botId: string;
  botToken: string;
  users: FakeUser[];
  channels: FakeChannel[];
  usergroups: Record<string, string[]>;
}

const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'im:write',
  'im:history',
  'users:read',
  'usergroups:read',
  'channels:read',
  'groups:read',
];

/** A small workspace with the cases tests usually need; every part can be replaced. */
export function defaultWorkspace(): WorkspaceSeed {
  return {
    teamId: 'T0FLIGHT',
    teamDomain: 'flightdeck-test',
    teamName: 'Flightdeck Test',
    appId: 'A0FLIGHT',
    botUserId: 'U0BOT',
    botId: 'B0BOT',
    botToken: 'xoxb-fake-flightdeck-token',
    users: [
      { id: 'U0BOT', name: 'flightdeck', realName: 'Flightdeck', tz: 'UTC', isBot: true },
      {
        id: 'U0ALICE',
        name: 'alice',
        realName: 'Alice Example',
        tz: 'Europe/Berlin',
        email: 'alice@example.com',
      },
      { id: 'U0BOB', name: 'bob', realName: 'Bob Example', tz: 'America/New_York', email: 'bob@example.com' },
      {
        id: 'U0CAROL',
        name: 'carol',
        realName: 'Carol Example',
        tz: 'Asia/Kolkata',
        email: 'carol@example.com',
      },
    ],
    channels: [
      {
        id: 'C0OPS',
        name: 'ops',
        isPrivate: false,
        isArchived: false,
        members: ['U0BOT', 'U0ALICE', 'U0BOB', 'U0CAROL'],
      },
      { id: 'C0PRIVATE', name: 'secret-ops', isPrivate: true, isArchived: false, members: ['U0ALICE'] },
      { id: 'C0RANDOM', name: 'random', isPrivate: false, isArchived: false, members: ['U0ALICE', 'U0BOB'] },
      { id: 'C0OLD', name: 'old-ops', isPrivate: false, isArchived: true, members: ['U0BOT', 'U0ALICE'] },
    ],
    usergroups: { S0APPROVERS: ['U0BOB'], S0ONCALL: ['U0ALICE', 'U0BOB'] },
  };
}

export function botIdentity(seed: WorkspaceSeed): TokenIdentity {
  return {
    token: seed.botToken,
    userId: seed.botUserId,
    botId: seed.botId,
    teamId: seed.teamId,
    scopes: BOT_SCOPES,
  };
}

function zoneName(tz: string, style: 'longOffset' | 'long', at: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style }).formatToParts(at);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** Seconds east of UTC now, as Slack's `tz_offset`. */
export function tzOffsetSeconds(tz: string, at = new Date()): number {
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(zoneName(tz, 'longOffset', at));
  if (!match) return 0;
  const [, sign, hours, minutes] = match;
  return (sign === '-' ? -1 : 1) * (Number(hours) * 3600 + Number(minutes) * 60);
}

export function tzLabel(tz: string, at = new Date()): string {
  return zoneName(tz, 'long', at);
}
