import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import {
  elementValue,
  findElement,
  stateValues,
  type ElementInput,
  type FakeSlack,
  type FakeView,
  type JsonObject,
} from '../fakes/slack';
import { newEventId } from '../fakes/slack/ids';
import type { EnvelopeType, FakeSocketMode } from '../fakes/slack/socket-mode';
import { slackSignature } from './slack-signature';

/** Slack shows an error to the user when a command or interaction is not acknowledged within this. */
export const ACK_DEADLINE_MS = 3000;

const FORM = 'application/x-www-form-urlencoded';
const VERIFICATION_TOKEN = 'deprecated-verification-token';

/** HTTP mode: signed POSTs to the bot's endpoint. */
export interface HttpDriverOptions {
  /** The bot's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  signingSecret: string;
  /** Default `/slack/events`. */
  path?: string;
}

/** Socket Mode: envelopes over the bot's connection to the fake; the ack's payload is the answer. */
export interface SocketDriverOptions {
  socket: FakeSocketMode;
}

export type DriverOptions = (HttpDriverOptions | SocketDriverOptions) & {
  /** Mints trigger_ids and response_urls, and learns what happened to views. */
  fake: FakeSlack;
};

/** How to send a request, beyond what Slack normally does; for security and retry tests. */
export interface SendOptions {
  /**
   * `X-Slack-Retry-Num` (and `X-Slack-Retry-Reason`, default `http_timeout`); in Socket Mode the envelope's
   * `retry_attempt` and `retry_reason`. The signature and header options apply to HTTP mode only.
   */
  retryNum?: number;
  retryReason?: string;
  /** Socket Mode: the socket fails just as the ack arrives, so Slack redelivers the envelope. */
  loseAck?: boolean;
  /** `forged` signs with another secret; `missing` sends no signature header. Default `valid`. */
  signature?: 'valid' | 'forged' | 'missing';
  /** Added to now for `X-Slack-Request-Timestamp`: -301 is stale, 3600 is in the future. */
  timestampOffsetSec?: number;
  /** Replaces the exact content type Slack sends. */
  contentType?: string;
}

export interface DriverResponse {
  status: number;
  /** Parsed JSON when the answer was JSON, otherwise the text (`''` for an empty ack). */
  body: unknown;
  text: string;
  headers: IncomingHttpHeaders;
  /** From sending the request to reading the whole answer: the ack latency Slack sees. */
  latencyMs: number;
}

export interface CommandOptions extends SendOptions {
  userId: string;
  channelId: string;
  userName?: string;
  channelName?: string;
  teamId?: string;
  /** Default `/ops`. */
  command?: string;
}

export interface CommandResponse extends DriverResponse {
  triggerId: string;
  responseUrl: string;
}

export interface BlockActionOptions extends SendOptions {
  user: string;
  actionId: string;
  /** Found from the blocks when left out. */
  blockId?: string;
  /** An action on a message: the fake's current copy of it is sent along. */
  channelId?: string;
  messageTs?: string;
  /** An action inside a modal or the Home tab (a view recorded by the fake). */
  view?: FakeView;
  /** What the user picked or typed; a button sends its own value when this is left out. */
  value?: ElementInput;
  /** Input the user has entered into the view so far, by block_id (as for viewSubmission). */
  viewValues?: Record<string, ElementInput>;
}

export interface InteractionResponse extends DriverResponse {
  triggerId: string;
  /** Only for actions on messages. */
  responseUrl?: string;
}

export interface SubmissionResponse extends DriverResponse {
  triggerId: string;
  /** The `state.values` that were sent. */
  values: FakeView['state']['values'];
  /** What Slack would show instead of applying the ack (invalid view, bad `errors` keys, push limit). */
  viewProblem?: string;
}

export interface BlockSuggestionOptions extends SendOptions {
  user: string;
  blockId: string;
  actionId: string;
  /** What the user typed. */
  value: string;
  view?: FakeView;
  channelId?: string;
}

export interface EventOptions extends SendOptions {
  /** Reuse an id to send a retry of the same delivery. */
  eventId?: string;
}

export interface EventResponse extends DriverResponse {
  eventId: string;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!contentType?.includes('json') || text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** What Slack sends, in both of its forms: an HTTP body, or a Socket Mode envelope's payload. */
interface Delivery {
  type: EnvelopeType;
  payload: JsonObject;
  body: string;
  contentType: string;
}

/** Acts as Slack towards a bot, in HTTP mode (signed requests) or Socket Mode: commands, interactions, events. */
export class SlackDriver {
  private readonly agent = new Agent({ keepAliveTimeout: 2000 });
  private readonly url: string;

  constructor(private readonly options: DriverOptions) {
    this.url = 'baseUrl' in options ? `${options.baseUrl}${options.path ?? '/slack/events'}` : '';
  }

  private get team() {
    const { teamId, teamDomain } = this.options.fake.workspace;
    return { id: teamId, domain: teamDomain };
  }

  private userOf(id: string): JsonObject {
    const name = this.options.fake.user(id)?.name ?? id;
    return { id, username: name, name, team_id: this.team.id };
  }

  private common(user: string): JsonObject {
    const { appId } = this.options.fake.workspace;
    return {
      user: this.userOf(user),
      api_app_id: appId,
      token: VERIFICATION_TOKEN,
      team: this.team,
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  /** POSTs a body exactly as given, signed per `options` (HTTP mode). */
  async send(body: string, contentType: string, options: SendOptions = {}): Promise<DriverResponse> {
    if (!('signingSecret' in this.options)) throw new Error('slack driver: raw requests need HTTP mode');
    const timestamp = String(Math.floor(Date.now() / 1000) + (options.timestampOffsetSec ?? 0));
    const secret =
      options.signature === 'forged' ? `${this.options.signingSecret}-forged` : this.options.signingSecret;
    const signature = slackSignature(secret, timestamp, body);
    const headers: Record<string, string> = {
      'content-type': options.contentType ?? contentType,
      'x-slack-request-timestamp': timestamp,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...(options.signature === 'missing' ? {} : { 'x-slack-signature': signature }),
      ...(options.retryNum === undefined
        ? {}
        : {
            'x-slack-retry-num': String(options.retryNum),
            'x-slack-retry-reason': options.retryReason ?? 'http_timeout',
          }),
    };
    const started = performance.now();
    const res = await request(this.url, { method: 'POST', headers, body, dispatcher: this.agent });
    const text = await res.body.text();
    const latencyMs = performance.now() - started;
    const type = res.headers['content-type'];
    return {
      status: res.statusCode,
      body: parseBody(text, Array.isArray(type) ? type[0] : type),
      text,
      headers: res.headers,
      latencyMs,
    };
  }

  private async deliver(delivery: Delivery, options: SendOptions): Promise<DriverResponse> {
    if (!('socket' in this.options)) return this.send(delivery.body, delivery.contentType, options);
    const ack = await this.options.socket.deliver(delivery.type, delivery.payload, {
      retryAttempt: options.retryNum,
      retryReason: options.retryReason,
      loseAck: options.loseAck,
    });
    // A bare ack reads like HTTP mode's empty 200, so one assertion serves both modes.
    const bare = Object.keys(ack.payload).length === 0;
    return {
      status: 200,
      body: bare ? '' : ack.payload,
      text: bare ? '' : JSON.stringify(ack.payload),
      headers: {},
      latencyMs: ack.latencyMs,
    };
  }

  private interaction(payload: JsonObject, options: SendOptions): Promise<DriverResponse> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.deliver({ type: 'interactive', payload, body, contentType: FORM }, options);
  }

  /** A slash command, form-encoded the way Slack sends it. */
  async command(text: string, options: CommandOptions): Promise<CommandResponse> {
    const { fake } = this.options;
    const triggerId = fake.issueTriggerId({ userId: options.userId, channelId: options.channelId });
    const responseUrl = fake.issueResponseUrl({ channelId: options.channelId, userId: options.userId });
    const fields = {
      token: VERIFICATION_TOKEN,
      team_id: options.teamId ?? this.team.id,
      team_domain: this.team.domain,
      channel_id: options.channelId,
      channel_name: options.channelName ?? fake.channel(options.channelId)?.name ?? 'directmessage',
      user_id: options.userId,
      user_name: options.userName ?? fake.user(options.userId)?.name ?? options.userId,
      command: options.command ?? '/ops',
      text,
      api_app_id: fake.workspace.appId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    };
    const body = new URLSearchParams(fields).toString();
    const delivery: Delivery = { type: 'slash_commands', payload: fields, body, contentType: FORM };
    return { ...(await this.deliver(delivery, options)), triggerId, responseUrl };
  }

  /** A click or selection (`block_actions`) on a message or in a view. */
  async blockAction(options: BlockActionOptions): Promise<InteractionResponse> {
    const { fake } = this.options;
    const view = options.view ? (fake.view(options.view.id) ?? options.view) : undefined;
    const message =
      options.channelId && options.messageTs ? fake.message(options.channelId, options.messageTs) : undefined;
    const blocks = view?.blocks ?? message?.blocks ?? [];
    const found = findElement(blocks, options.actionId, options.blockId);
    if (!found && options.blockId === undefined) {
      throw new Error(`slack driver: no element with action_id ${options.actionId} to act on`);
    }
    const element = found?.element ?? { type: 'button', action_id: options.actionId };
    const triggerId = fake.issueTriggerId({
      userId: options.user,
      channelId: options.channelId,
      viewId: view?.id,
    });
    const responseUrl =
      options.channelId && !view
        ? fake.issueResponseUrl({
            channelId: options.channelId,
            userId: options.user,
            messageTs: options.messageTs,
          })
        : undefined;
    const action: JsonObject = {
      type: element.type,
      action_id: options.actionId,
      block_id: found?.blockId ?? options.blockId,
      ...(element.type === 'button' && element.text ? { text: element.text } : {}),
      ...elementValue(element, options.value ?? null),
      action_ts: String(Date.now() / 1000),
    };
    const state = { values: view ? stateValues(view.blocks, options.viewValues ?? {}) : {} };
    const payload: JsonObject = {
      type: 'block_actions',
      ...this.common(options.user),
      trigger_id: triggerId,
      container: view
        ? { type: 'view', view_id: view.id }
        : {
            type: 'message',
            message_ts: options.messageTs,
            channel_id: options.channelId,
            is_ephemeral: false,
          },
      ...(options.channelId
        ? { channel: { id: options.channelId, name: fake.channel(options.channelId)?.name } }
        : {}),
      ...(view ? { view: { ...view, state } } : {}),
      state,
      ...(options.messageTs
        ? {
            message: {
              type: 'message',
              ts: options.messageTs,
              text: message?.text ?? '',
              user: message?.user,
              ...(message?.botId ? { bot_id: message.botId } : {}),
              ...(message?.blocks ? { blocks: message.blocks } : {}),
              ...(message?.threadTs ? { thread_ts: message.threadTs } : {}),
            },
          }
        : {}),
      ...(responseUrl ? { response_url: responseUrl } : {}),
      actions: [action],
    };
    return { ...(await this.interaction(payload, options)), triggerId, responseUrl };
  }

  /**
   * Submits a modal the bot opened. `values` maps block_id → what the user entered; input blocks left
   * out are sent empty. The ack is then applied to the fake's view stack as Slack would.
   */
  async viewSubmission(
    view: FakeView,
    values: Record<string, ElementInput>,
    user?: string,
    options: SendOptions = {},
  ): Promise<SubmissionResponse> {
    const { fake } = this.options;
    const current = fake.view(view.id) ?? view;
    const userId = user ?? fake.viewOwner(view.id);
    if (!userId) throw new Error(`slack driver: who submits view ${view.id}?`);
    const state = stateValues(current.blocks, values);
    fake.recordViewState(view.id, state);
    const triggerId = fake.issueTriggerId({ userId, viewId: view.id });
    const payload: JsonObject = {
      type: 'view_submission',
      ...this.common(userId),
      trigger_id: triggerId,
      view: { ...current, state: { values: state } },
      response_urls: [],
    };
    const response = await this.interaction(payload, options);
    const viewProblem = response.status === 200 ? fake.applySubmissionAck(view.id, response.body) : undefined;
    return { ...response, triggerId, values: state, ...(viewProblem ? { viewProblem } : {}) };
  }

  /** The user closed the modal; Slack sends this only when the view has `notify_on_close`. */
  async viewClosed(
    view: FakeView,
    user?: string,
    options: SendOptions & { isCleared?: boolean } = {},
  ): Promise<DriverResponse> {
    const { fake } = this.options;
    const userId = user ?? fake.viewOwner(view.id);
    if (!userId) throw new Error(`slack driver: who closes view ${view.id}?`);
    const payload: JsonObject = {
      type: 'view_closed',
      ...this.common(userId),
      view: fake.view(view.id) ?? view,
      is_cleared: options.isCleared ?? false,
    };
    const response = await this.interaction(payload, options);
    fake.closeView(view.id);
    return response;
  }

  /** An external_select asking for options (`block_suggestion`); the answer's body holds them. */
  blockSuggestion(options: BlockSuggestionOptions): Promise<DriverResponse> {
    const view = options.view ? (this.options.fake.view(options.view.id) ?? options.view) : undefined;
    const payload: JsonObject = {
      type: 'block_suggestion',
      ...this.common(options.user),
      container: view
        ? { type: 'view', view_id: view.id }
        : { type: 'message', channel_id: options.channelId },
      action_id: options.actionId,
      block_id: options.blockId,
      value: options.value,
      ...(view ? { view } : {}),
      ...(options.channelId ? { channel: { id: options.channelId } } : {}),
    };
    return this.interaction(payload, options);
  }

  /** An Events API delivery (`event_callback`), JSON like Slack sends it. */
  async event(event: JsonObject, options: EventOptions = {}): Promise<EventResponse> {
    const { teamId, appId, botUserId } = this.options.fake.workspace;
    const eventId = options.eventId ?? newEventId();
    const now = Math.floor(Date.now() / 1000);
    const envelope = {
      token: VERIFICATION_TOKEN,
      team_id: teamId,
      api_app_id: appId,
      event: { event_ts: `${now}.000100`, ...event },
      type: 'event_callback',
      event_id: eventId,
      event_time: now,
      authorizations: [
        {
          enterprise_id: null,
          team_id: teamId,
          user_id: botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
    };
    const delivery: Delivery = {
      type: 'events_api',
      payload: envelope,
      body: JSON.stringify(envelope),
      contentType: 'application/json',
    };
    return { ...(await this.deliver(delivery, options)), eventId };
  }

  /** `app_home_opened` for the Home tab. */
  appHomeOpened(user: string, options: EventOptions = {}): Promise<EventResponse> {
    return this.event({ type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home' }, options);
  }

  /** Closes the keep-alive connections so nothing holds jest open; call before stopping the bot. */
  close(): Promise<void> {
    return this.agent.close();
  }
}
