import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { loopbackServer } from '../loopback-server';
import type { AddressInfo } from 'node:net';
import { SlackApiError } from './api-error';
import { isJsonObject, type JsonObject } from './json';
import { FaultQueue, type Fault } from './faults';
import { TierEnforcer, type TierSettings } from './tiers';
import type { FakeResponse, ResponseContext, TriggerGrant } from './grants';
import type { FakeEphemeral, FakeMessage } from './message-store';
import { chatMethods } from './methods/chat';
import type { MethodHandler } from './methods/context';
import { directoryMethods } from './methods/directory';
import { checkedView, viewMethods } from './methods/views';
import { parseApiRequest, readBody } from './request-body';
import { applyResponse } from './response-url';
import { SlackState } from './state';
import type { FakeView } from './view-store';
import { waitFor } from './wait-for';
import {
  botIdentity,
  defaultWorkspace,
  type FakeChannel,
  type FakeUser,
  type TokenIdentity,
  type WorkspaceSeed,
} from './workspace';

export interface FakeSlackOptions {
  /** Replaces parts of the default workspace (see workspace.ts). */
  workspace?: Partial<WorkspaceSeed>;
  /** trigger_id lifetime on the fake's trigger clock (see ageTriggers); default 3000 ms like Slack. */
  triggerTtlMs?: number;
  /** response_url posts allowed; default 5. */
  responseUrlUses?: number;
  /** response_url lifetime; default 30 minutes. */
  responseUrlTtlMs?: number;
  /** false → views.publish answers `not_enabled`. Default true. */
  homeTabEnabled?: boolean;
  /** Enforce Slack's rate limits (e.g. SLACK_TIERS): over them a call gets 429 + Retry-After. Default: none. */
  tiers?: TierSettings;
}

/** One Web API request as the fake saw it; `status`/`response` are filled once it is answered. */
export interface FakeCall {
  method: string;
  /** Arguments with `blocks`, `view`, `attachments` and `metadata` JSON-decoded; the token is left out. */
  params: JsonObject;
  token?: string;
  contentType: string;
  at: number;
  /** HTTP status answered; 0 for a reset connection or while still pending. */
  status: number;
  response?: JsonObject;
  fault?: Fault['kind'];
}

const METHODS: Record<string, MethodHandler> = { ...directoryMethods, ...chatMethods, ...viewMethods };
const JSON_TYPE = 'application/json; charset=utf-8';
const CONNECTIONS_OPEN = 'apps.connections.open';

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function problemOf(error: unknown): string {
  if (!(error instanceof SlackApiError)) throw error;
  const metadata = error.extra.response_metadata;
  const messages =
    isJsonObject(metadata) && Array.isArray(metadata.messages) ? metadata.messages.join('; ') : '';
  return messages ? `${error.code}: ${messages}` : error.code;
}

/**
 * A loopback fake of the Slack Web API (POST /api/<method>) and of response_urls (POST /response/<id>),
 * answering the way Slack does: HTTP 200 with `{ok:false, error}` for failures, 429 only for rate limits.
 */
export class FakeSlack {
  private readonly state: SlackState;
  private readonly faults = new FaultQueue();
  private readonly recorded: FakeCall[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tiers?: TierEnforcer;
  /** Socket Mode: the app-level token and where apps.connections.open gets each new WebSocket URL. */
  private socketMode?: { appToken: string; openUrl: () => string };

  private constructor(
    private readonly server: Server,
    readonly url: string,
    seed: WorkspaceSeed,
    options: FakeSlackOptions,
  ) {
    this.state = new SlackState(seed, {
      triggerTtlMs: options.triggerTtlMs ?? 3000,
      responseUrlUses: options.responseUrlUses ?? 5,
      responseUrlTtlMs: options.responseUrlTtlMs ?? 30 * 60_000,
      homeTabEnabled: options.homeTabEnabled ?? true,
    });
    this.tiers = options.tiers && new TierEnforcer(options.tiers);
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const server = loopbackServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeSlack(
      server,
      `http://127.0.0.1:${port}`,
      { ...defaultWorkspace(), ...options.workspace },
      options,
    );
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((error: unknown) => {
        console.error('fake slack failed', error);
        if (!res.headersSent) res.writeHead(500).end(String(error));
      });
    });
    return fake;
  }

  /** For `clientOptions.slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  get workspace(): WorkspaceSeed {
    return this.state.seed;
  }

  get botToken(): string {
    return this.state.seed.botToken;
  }

  // ---- grants the driver hands to the bot -------------------------------------------------------

  issueTriggerId(grant: Omit<TriggerGrant, 'used' | 'issuedAt'>): string {
    return this.state.triggers.issue(grant);
  }

  /** Makes every trigger_id issued so far `ms` older; nothing else ages them (see Triggers). */
  ageTriggers(ms: number): void {
    this.state.triggers.age(ms);
  }

  issueResponseUrl(context: ResponseContext): string {
    return `${this.url}/response/${this.state.responseUrls.issue(context)}`;
  }

  /**
   * Turns on Socket Mode: `apps.connections.open` with `appToken` (an `xapp-` token, in the Authorization
   * header as Slack requires) answers with a fresh URL from `openUrl`.
   */
  enableSocketMode(appToken: string, openUrl: () => string): void {
    this.socketMode = { appToken, openUrl };
  }

  // ---- faults ---------------------------------------------------------------------------------

  /**
   * The next `times` calls of `method` (or of any method, with `*`) get `fault`; with `channel`, only calls
   * naming that channel (a user's IM is `D` and the user id without its `U`).
   */
  inject(method: string, fault: Fault, times = 1, channel?: string): void {
    this.faults.add(method, fault, times, channel);
  }

  pendingFaults(method: string): number {
    return this.faults.pending(method);
  }

  // ---- workspace changes ----------------------------------------------------------------------

  addChannel(channel: FakeChannel): void {
    this.state.channels.set(channel.id, structuredClone(channel));
  }

  updateChannel(id: string, patch: Partial<Omit<FakeChannel, 'id'>>): void {
    const channel = this.state.channels.get(id);
    if (!channel) throw new Error(`fake slack: no channel ${id}`);
    Object.assign(channel, patch);
  }

  addUser(user: FakeUser): void {
    this.state.users.set(user.id, structuredClone(user));
  }

  setUsergroup(id: string, users: string[]): void {
    this.state.usergroups.set(id, [...users]);
  }

  /** Another valid token; unset fields default to the bot's identity. */
  addToken(identity: Partial<TokenIdentity> & { token: string }): void {
    this.state.tokens.set(identity.token, { ...botIdentity(this.state.seed), ...identity });
  }

  /** A message written by a person (so the bot cannot update or delete it). */
  postAsUser(message: { channel: string; user: string; text: string; threadTs?: string }): FakeMessage {
    return this.state.messages.add({
      ...message,
      ts: this.state.clock.next(),
      replyBroadcast: false,
      edits: 0,
    });
  }

  // ---- what Slack does with answers to interactions (used by the driver) ----------------------

  /** Stores the input state a user submitted into the view. */
  recordViewState(viewId: string, values: FakeView['state']['values']): void {
    this.state.views.setState(viewId, values);
  }

  /**
   * Applies the bot's answer to a view_submission as Slack would: no `response_action` closes the view,
   * `update` / `push` / `clear` change the stack, `errors` keeps it open. Returns what Slack would
   * show as an error (invalid view, unknown block ids in `errors`, push limit), or undefined.
   */
  applySubmissionAck(viewId: string, ack: unknown): string | undefined {
    const action = isJsonObject(ack) ? ack.response_action : undefined;
    if (!isJsonObject(ack) || action === undefined) {
      this.state.views.close(viewId);
      return undefined;
    }
    try {
      switch (action) {
        case 'errors':
          return this.errorsProblem(viewId, ack.errors);
        case 'update':
          this.state.views.update(viewId, checkedView(ack.view, 'modal'));
          return undefined;
        case 'push': {
          const owner = this.state.views.owner(viewId) ?? '';
          const pushed = this.state.views.push(owner, checkedView(ack.view, 'modal'), viewId);
          return pushed ? undefined : 'push_limit_reached';
        }
        case 'clear':
          this.state.views.clearStack(viewId);
          return undefined;
        default:
          return `unknown response_action ${JSON.stringify(action)}`;
      }
    } catch (error) {
      return problemOf(error);
    }
  }

  private errorsProblem(viewId: string, errors: unknown): string | undefined {
    if (!isJsonObject(errors) || Object.keys(errors).length === 0)
      return 'errors must name at least one block_id';
    const inputs = new Set(
      (this.state.views.get(viewId)?.blocks ?? []).filter((b) => b.type === 'input').map((b) => b.block_id),
    );
    const unknown = Object.keys(errors).filter((id) => !inputs.has(id));
    return unknown.length > 0
      ? `errors name block_ids that are not input blocks: ${unknown.join(', ')}`
      : undefined;
  }

  /** The user closed the modal (view_closed): it and everything above it go away. */
  closeView(viewId: string): void {
    this.state.views.close(viewId);
  }

  // ---- observation ----------------------------------------------------------------------------

  user(id: string): FakeUser | undefined {
    return this.state.users.get(id);
  }

  channel(id: string): FakeChannel | undefined {
    return this.state.channels.get(id);
  }

  calls(method?: string): FakeCall[] {
    return this.recorded.filter((c) => method === undefined || c.method === method);
  }

  /** The first answered call of `method` matching `predicate`, earlier ones included. */
  waitForCall(
    method: string,
    predicate: (call: FakeCall) => boolean = () => true,
    timeoutMs = 2000,
  ): Promise<FakeCall> {
    return waitFor(
      () => this.recorded.find((c) => c.method === method && c.status !== 0 && predicate(c)),
      timeoutMs,
      () => `a matching ${method} call (seen: ${this.recorded.map((c) => c.method).join(', ') || 'none'})`,
    );
  }

  /** Messages shown in a channel (or a user's DM, by user id), oldest first: no thread replies but broadcast ones. */
  messages(channel: string): FakeMessage[] {
    return this.state.messages.topLevel(this.channelKey(channel));
  }

  /** Replies in the thread under `ts`, oldest first (the parent is not included). */
  thread(channel: string, ts: string): FakeMessage[] {
    return this.state.messages.replies(this.channelKey(channel), ts);
  }

  /** The message as it is now, after updates; undefined once deleted. */
  message(channel: string, ts: string): FakeMessage | undefined {
    return this.state.messages.get(this.channelKey(channel), ts);
  }

  ephemerals(channel?: string, user?: string): FakeEphemeral[] {
    return this.state.messages.ephemerals.filter(
      (e) => (channel === undefined || e.channel === channel) && (user === undefined || e.user === user),
    );
  }

  /** Every modal opened or pushed, in order, with its current content (closed ones included). */
  openedViews(): FakeView[] {
    return this.state.views.modals();
  }

  view(viewId: string): FakeView | undefined {
    return this.state.views.get(viewId);
  }

  viewOwner(viewId: string): string | undefined {
    return this.state.views.owner(viewId);
  }

  isViewOpen(viewId: string): boolean {
    return this.state.views.isOpen(viewId);
  }

  /** The user's open modal stack, bottom first. */
  openStack(userId: string): FakeView[] {
    return this.state.views.openStack(userId);
  }

  homeView(userId: string): FakeView | undefined {
    return this.state.views.home(userId);
  }

  /** Posts to response_urls; pass a URL or its id to see one. */
  responses(urlOrId?: string): FakeResponse[] {
    const id = urlOrId?.split('/').at(-1);
    return this.state.responseUrls.received.filter((r) => id === undefined || r.id === id);
  }

  /** Back to the seeded workspace: calls, messages, views, grants and faults are forgotten. */
  reset(): void {
    this.recorded.length = 0;
    this.faults.clear();
    this.state.reset();
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private channelKey(channel: string): string {
    return this.state.users.has(channel) ? `D${channel.slice(1)}` : channel;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    if (req.method === 'POST' && url.pathname.startsWith('/response/')) {
      this.respondToResponseUrl(url.pathname.slice('/response/'.length), raw, res);
      return;
    }
    const method = /^\/api\/([\w.]+)$/.exec(url.pathname)?.[1];
    if (!method) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    let params: JsonObject | undefined;
    try {
      params = parseApiRequest(url, raw, contentType).params;
    } catch {
      params = undefined;
    }
    const token = bearer(req) ?? (typeof params?.token === 'string' ? params.token : undefined);
    delete params?.token;
    const call: FakeCall = { method, params: params ?? {}, token, contentType, at: Date.now(), status: 0 };
    this.recorded.push(call);
    const fault = this.faults.take(method, typeof params?.channel === 'string' ? params.channel : undefined);
    if (fault) call.fault = fault.kind;
    if (fault?.kind === 'delay') await this.sleep(fault.ms);
    if (res.destroyed) return;
    switch (fault?.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'rate_limited':
        this.send(
          res,
          call,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(fault.retryAfterSec) },
        );
        return;
      case 'http':
        call.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'text/plain' }).end(fault.body ?? 'fake slack fault');
        return;
      case 'error':
        this.send(res, call, 200, { ok: false, error: fault.error, ...fault.extra });
        return;
      case 'answer_lost':
        call.response = this.answer(method, params, token);
        req.socket.destroy();
        return;
      default: {
        const limited = this.overTier(method, params, token);
        if (limited !== undefined) {
          call.fault = 'rate_limited';
          this.send(res, call, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited) });
          return;
        }
        this.send(res, call, 200, this.answer(method, params, token));
      }
    }
  }

  /** Retry-After in seconds when the call is over its tier in its workspace; undefined when it may go. */
  private overTier(
    method: string,
    params: JsonObject | undefined,
    token: string | undefined,
  ): number | undefined {
    const identity = token === undefined ? undefined : this.state.tokens.get(token);
    if (!this.tiers || !identity) return undefined;
    const channel = typeof params?.channel === 'string' ? params.channel : undefined;
    return this.tiers.admit(method, identity.teamId, channel);
  }

  /** `params` is undefined when a JSON body did not parse. */
  private answer(method: string, params: JsonObject | undefined, token: string | undefined): JsonObject {
    try {
      const handler = METHODS[method];
      if (method === CONNECTIONS_OPEN) return { ok: true, url: this.openConnection(token) };
      if (!handler) throw new SlackApiError('unknown_method');
      if (!params) throw new SlackApiError('invalid_json');
      if (!token) throw new SlackApiError('not_authed');
      if (token === this.socketMode?.appToken) throw new SlackApiError('not_allowed_token_type');
      const identity = this.state.tokens.get(token);
      if (!identity) throw new SlackApiError('invalid_auth');
      return { ok: true, ...handler({ params, identity, state: this.state }) };
    } catch (error) {
      if (error instanceof SlackApiError) return { ok: false, error: error.code, ...error.extra };
      throw error;
    }
  }

  /** Slack hands out Socket Mode URLs only for an app-level token; a bot or user token is the wrong type. */
  private openConnection(token: string | undefined): string {
    if (!token) throw new SlackApiError('not_authed');
    if (this.state.tokens.has(token)) throw new SlackApiError('not_allowed_token_type');
    if (!this.socketMode || token !== this.socketMode.appToken) throw new SlackApiError('invalid_auth');
    return this.socketMode.openUrl();
  }

  private send(
    res: ServerResponse,
    call: FakeCall,
    status: number,
    body: JsonObject,
    headers: Record<string, string> = {},
  ): void {
    call.status = status;
    call.response = body;
    res.writeHead(status, { 'content-type': JSON_TYPE, ...headers }).end(JSON.stringify(body));
  }

  private respondToResponseUrl(id: string, raw: string, res: ServerResponse): void {
    const body = safeJson(raw);
    const record: FakeResponse = { id, at: Date.now(), status: 404, body: isJsonObject(body) ? body : {} };
    this.state.responseUrls.received.push(record);
    const context = this.state.responseUrls.use(id);
    if (!context) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('expired_url');
      return;
    }
    try {
      applyResponse(this.state, context, record.body);
      record.status = 200;
      res.writeHead(200, { 'content-type': JSON_TYPE }).end(JSON.stringify({ ok: true }));
    } catch (error) {
      record.status = 400;
      const code = error instanceof SlackApiError ? error.code : 'invalid_payload';
      res.writeHead(400, { 'content-type': JSON_TYPE }).end(JSON.stringify({ ok: false, error: code }));
    }
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
