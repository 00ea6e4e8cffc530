import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { FakeSlack, FakeView, JsonObject } from '../fakes/slack';
import type { Harness } from '../support/flightdeck-harness';
import { slackSignature } from '../support/slack-signature';
import { storeBackends, type StoreBackend } from '../support/stores';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

/** A request exactly as given: nothing is added, so every header can be left out or falsified. */
export interface RawRequest {
  method?: string;
  path?: string;
  headers: Record<string, string>;
  /** A stream goes out chunked, without a content length. */
  body?: string | Buffer | Readable;
}

export interface RawResponse {
  status: number;
  text: string;
}

export const nowSec = () => Math.floor(Date.now() / 1000);

/** Slack's signing, written out here rather than borrowed from the code under test. */
export function signedHeaders(
  secret: string,
  body: string | Buffer,
  contentType: string,
  timestampSec = nowSec(),
): Record<string, string> {
  const timestamp = String(timestampSec);
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}

/** Sends hand-built requests to the bot; for what the driver does not do (replays, other methods and paths). */
export class RawSlack {
  private readonly agent = new Agent({ keepAliveTimeout: 1000 });

  constructor(private readonly baseUrl: string) {}

  async send(req: RawRequest): Promise<RawResponse> {
    const res = await request(`${this.baseUrl}${req.path ?? '/slack/events'}`, {
      method: (req.method ?? 'POST') as 'POST',
      headers: req.headers,
      body: req.body,
      dispatcher: this.agent,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    return { status: res.statusCode, text: await res.body.text() };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

export function rawSlackFor(h: Harness): RawSlack {
  return new RawSlack(`http://127.0.0.1:${String(h.bot.port)}`);
}

function common(fake: FakeSlack, user: string): JsonObject {
  const { teamId, teamDomain, appId } = fake.workspace;
  return {
    user: { id: user, username: user, name: user, team_id: teamId },
    api_app_id: appId,
    token: 'deprecated-verification-token',
    team: { id: teamId, domain: teamDomain },
    enterprise: null,
    is_enterprise_install: false,
  };
}

/** A slash command body as Slack form-encodes it, with a fresh trigger_id and response_url from the fake. */
export function commandBody(fake: FakeSlack, text: string, user: string, channel: string): string {
  const { teamId, teamDomain, appId } = fake.workspace;
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: teamId,
    team_domain: teamDomain,
    channel_id: channel,
    channel_name: fake.channel(channel)?.name ?? 'directmessage',
    user_id: user,
    user_name: user,
    command: '/ops',
    text,
    api_app_id: appId,
    is_enterprise_install: 'false',
    response_url: fake.issueResponseUrl({ channelId: channel, userId: user }),
    trigger_id: fake.issueTriggerId({ userId: user, channelId: channel }),
  }).toString();
}

export function interactionBody(payload: JsonObject): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A view_submission of `view` with `values` as its state (any shape: the fuzz test sends broken ones). */
export function submissionPayload(
  fake: FakeSlack,
  view: FakeView,
  user: string,
  values: unknown,
): JsonObject {
  return {
    type: 'view_submission',
    ...common(fake, user),
    trigger_id: fake.issueTriggerId({ userId: user, viewId: view.id }),
    view: { ...(view as unknown as JsonObject), state: { values } as JsonObject },
    response_urls: [],
  };
}

export function suggestionPayload(
  fake: FakeSlack,
  view: FakeView,
  user: string,
  fields: { blockId: string; actionId: string; value: string },
): JsonObject {
  return {
    type: 'block_suggestion',
    ...common(fake, user),
    container: { type: 'view', view_id: view.id },
    action_id: fields.actionId,
    block_id: fields.blockId,
    value: fields.value,
    view: view as unknown as JsonObject,
  };
}

export function blockActionPayload(
  fake: FakeSlack,
  user: string,
  channel: string,
  actions: unknown[],
  extra: JsonObject = {},
): JsonObject {
  return {
    type: 'block_actions',
    ...common(fake, user),
    trigger_id: fake.issueTriggerId({ userId: user, channelId: channel }),
    container: { type: 'message', channel_id: channel, message_ts: '1700000000.000100', is_ephemeral: false },
    channel: { id: channel, name: fake.channel(channel)?.name ?? channel },
    actions: actions as JsonObject[],
    ...extra,
  };
}

export function eventBody(fake: FakeSlack, eventId: string, event: JsonObject): string {
  const { teamId, appId, botUserId } = fake.workspace;
  const now = nowSec();
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: appId,
    event: { event_ts: `${now}.000100`, ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: now,
    authorizations: [{ team_id: teamId, user_id: botUserId, is_bot: true, is_enterprise_install: false }],
  });
}

/** What a handler could have done: Slack Web API calls, response_url posts, and requests Bolt let through. */
export async function sideEffects(h: Harness) {
  const counted = await h.bot.metrics.slackRequests.get();
  return {
    slackCalls: h.slack.calls().length,
    responseUrlPosts: h.slack.responses().length,
    handled: counted.values.reduce((sum, v) => sum + v.value, 0),
  };
}

/** These suites test the HTTP edge, which no store changes: SQLite is enough and keeps them fast. */
export function sqliteBackend(): StoreBackend {
  const backend = storeBackends().find((b) => b.name === 'sqlite');
  if (!backend) throw new Error('no SQLite store backend');
  return backend;
}
