/**
 * Who may see what happened in a channel: its members, and Flightdeck admins. A run's parameters,
 * facts and errors belong to the channel it ran in, so every surface that shows runs asks here.
 */

/** The port through which the core learns channel membership (Slack implements it; a console could). */
export interface ChannelMembership {
  /** Whether `userId` is in `channelId`; throws MembershipUnavailable when the source cannot say. */
  isMember(userId: string, channelId: string): Promise<boolean>;
}

/** Membership could not be read: access is refused (fail closed) and `reason` says why, for people. */
export class MembershipUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'MembershipUnavailable';
  }
}

export type ChannelAccessVerdict =
  | { allowed: true; as: 'member' | 'admin' }
  | { allowed: false; why: 'not-member' | 'unknown'; reason: string };

export interface FilteredByAccess<T> {
  visible: T[];
  /** Items left out because the viewer is not in their channel. */
  notMember: number;
  /** Items left out because membership could not be read. */
  unknown: number;
}

export class ChannelAccess {
  private readonly admins: ReadonlySet<string>;

  constructor(
    private readonly membership: ChannelMembership,
    admins: readonly string[],
  ) {
    this.admins = new Set(admins);
  }

  isAdmin(userId: string): boolean {
    return this.admins.has(userId);
  }

  /** `here`: a channel the request came from, whose membership the surface has already vouched for. */
  async check(userId: string, channelId: string, here?: string): Promise<ChannelAccessVerdict> {
    if (channelId === here) return { allowed: true, as: 'member' };
    if (this.isAdmin(userId)) return { allowed: true, as: 'admin' };
    try {
      return (await this.membership.isMember(userId, channelId))
        ? { allowed: true, as: 'member' }
        : {
            allowed: false,
            why: 'not-member',
            reason: 'You are not a member of the channel it belongs to.',
          };
    } catch (err) {
      if (!(err instanceof MembershipUnavailable)) throw err;
      return { allowed: false, why: 'unknown', reason: err.reason };
    }
  }

  /** The items whose channel the viewer may see, each channel checked once. */
  async filter<T>(userId: string, items: T[], channelOf: (item: T) => string): Promise<FilteredByAccess<T>> {
    const channels = [...new Set(items.map(channelOf))];
    const verdicts = new Map(
      await Promise.all(channels.map(async (c) => [c, await this.check(userId, c)] as const)),
    );
    const result: FilteredByAccess<T> = { visible: [], notMember: 0, unknown: 0 };
    for (const item of items) {
      const verdict = verdicts.get(channelOf(item));
      if (verdict?.allowed) result.visible.push(item);
      else if (verdict?.why === 'unknown') result.unknown += 1;
      else result.notMember += 1;
    }
    return result;
  }
}
