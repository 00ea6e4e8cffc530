import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { loopbackServer } from '../loopback-server';
import type { AddressInfo } from 'node:net';
import { conditionOfId, isObject, type Json, parseCondition } from './conditions';
import { type ErrorStyle, errorBody, GrpcError, httpStatusOf } from './grpc-error';
import { type FakeTarget, type StoreSeed, ZitadelStore } from './store';

/** RPC names, for faults and for reading recorded requests. */
export type Rpc =
  | 'SetExecution'
  | 'ListExecutions'
  | 'ListTargets'
  | 'ListExecutionMethods'
  | 'ListExecutionServices'
  | 'ListExecutionFunctions';

export type TokenKind = 'ok' | 'no-audience' | 'read-only';

export interface FakeZitadelOptions {
  /** The service user's PAT that passes; default `fake-zitadel-pat-7f3a9c`. */
  token?: string;
  /** More tokens: `no-audience` → 16 "Token is invalid", `read-only` → 7 on writes. */
  tokens?: Record<string, TokenKind>;
  /** Which error form the instance serves. Default REST (numeric code). */
  errorStyle?: ErrorStyle;
  /** The instance feature `actions`; when false, target and execution calls fail. Default true. */
  actionsEnabled?: boolean;
  /** The code a disabled `actions` feature answers with. Default 3 (INVALID_ARGUMENT, HTTP 400). */
  featureOffCode?: number;
  seed?: Partial<StoreSeed>;
}

/** What the next call of an RPC gets instead of (or before) its normal answer. */
export type Fault =
  /** `afterApplying` runs the call first, then fails it (a deadline that passed after the write landed). */
  | { kind: 'grpc'; code: number; message?: string; errorId?: string; afterApplying?: boolean }
  | { kind: 'http'; status: number; body: string; contentType?: string }
  | { kind: 'delay'; ms: number }
  /** Closes the connection without an answer; `afterApplying` runs the call first (an answer lost on the way). */
  | { kind: 'reset'; afterApplying?: boolean };

export interface RecordedRequest {
  rpc?: Rpc;
  method: string;
  path: string;
  body: unknown;
  /** Whether an Authorization header came, and the org header; the token itself is not kept. */
  authorized: boolean;
  orgId?: string;
  status: number;
}

const ROUTES: Record<string, Rpc> = {
  'PUT /v2/actions/executions': 'SetExecution',
  'POST /v2/actions/executions/search': 'ListExecutions',
  'POST /v2/actions/targets/search': 'ListTargets',
  'GET /v2/actions/executions/methods': 'ListExecutionMethods',
  'GET /v2/actions/executions/services': 'ListExecutionServices',
  'GET /v2/actions/executions/functions': 'ListExecutionFunctions',
};
const KNOWN_PATHS = new Set(Object.keys(ROUTES).map((r) => r.slice(r.indexOf(' ') + 1)));
const FEATURE_GATED = new Set<Rpc>(['SetExecution', 'ListExecutions', 'ListTargets']);
const WRITES = new Set<Rpc>(['SetExecution']);

export const DEFAULT_SEED: StoreSeed = {
  methods: [
    '/zitadel.session.v2.SessionService/ListSessions',
    '/zitadel.session.v2.SessionService/CreateSession',
    '/zitadel.user.v2.UserService/AddHumanUser',
    '/zitadel.management.v1.ManagementService/ResetPasswordComplexityPolicyToDefault',
  ],
  services: ['zitadel.session.v2.SessionService', 'zitadel.user.v2.UserService'],
  functions: ['preaccesstoken', 'preuserinfo', 'presamlresponse'],
  targets: [],
  executions: [],
};

/**
 * A loopback fake of Zitadel's Actions v2 REST API (grpc-gateway routes): Bearer auth, the
 * method/service/function lists, target and execution search with pagination and filters, and
 * SetExecution's validation and replace semantics. Errors come in REST or Connect form.
 */
export class FakeZitadel {
  readonly store: ZitadelStore;
  readonly token: string;
  errorStyle: ErrorStyle;
  actionsEnabled: boolean;
  featureOffCode: number;
  private readonly tokens: Map<string, TokenKind>;
  private readonly faults = new Map<Rpc | '*', Fault[]>();
  private readonly recorded: RecordedRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    options: FakeZitadelOptions,
  ) {
    this.token = options.token ?? 'fake-zitadel-pat-7f3a9c';
    this.tokens = new Map([[this.token, 'ok'], ...Object.entries(options.tokens ?? {})]);
    this.errorStyle = options.errorStyle ?? 'rest';
    this.actionsEnabled = options.actionsEnabled ?? true;
    this.featureOffCode = options.featureOffCode ?? 3;
    this.store = new ZitadelStore({ ...DEFAULT_SEED, ...options.seed });
  }

  static async start(options: FakeZitadelOptions = {}): Promise<FakeZitadel> {
    const server = loopbackServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeZitadel(server, `http://127.0.0.1:${port}`, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((error: unknown) => {
        console.error('fake zitadel failed', error);
        if (!res.headersSent) res.writeHead(500).end(String(error));
      });
    });
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- seeding and changes behind the bot's back ----------------------------------------------

  addTarget(target: { id?: string; name: string; endpoint?: string; type?: FakeTarget['type'] }): string {
    return this.store.addTarget(target).id;
  }

  removeTarget(id: string): void {
    this.store.targets.delete(id);
    for (const execution of this.store.executions.values())
      execution.targets = execution.targets.filter((t) => t !== id);
  }

  /** Sets a condition's targets as another admin would (no validation); `[]` removes them. */
  setTargets(condition: Json, targets: string[]): void {
    this.store.put(condition, targets);
  }

  /** The condition's current target ids (`[]` when it has none). */
  targetsOf(condition: Json): string[] {
    return [...(this.store.executions.get(parseCondition(condition).id)?.targets ?? [])];
  }

  /** Every execution as ListExecutions would show it. */
  executions(): { condition: Json; targets: string[] }[] {
    return [...this.store.executions.values()].map((e) => ({
      condition: conditionOfId(e.id),
      targets: [...e.targets],
    }));
  }

  // ---- faults and recording -------------------------------------------------------------------

  /** The next `times` calls of `rpc` (or of any RPC, with `*`) get `fault`. */
  inject(rpc: Rpc | '*', fault: Fault, times = 1): void {
    const queue = this.faults.get(rpc) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(rpc, queue);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  requests(rpc?: Rpc): RecordedRequest[] {
    return this.recorded.filter((r) => rpc === undefined || r.rpc === rpc);
  }

  clearRequests(): void {
    this.recorded.length = 0;
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private takeFault(rpc: Rpc): Fault | undefined {
    return this.faults.get(rpc)?.shift() ?? this.faults.get('*')?.shift();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const rpc = ROUTES[`${method} ${path}`];
    const text = await readBody(req);
    let body: unknown = undefined;
    const record: RecordedRequest = {
      ...(rpc ? { rpc } : {}),
      method,
      path,
      body: undefined,
      authorized: req.headers.authorization !== undefined,
      ...(typeof req.headers['x-zitadel-orgid'] === 'string'
        ? { orgId: req.headers['x-zitadel-orgid'] }
        : {}),
      status: 0,
    };
    this.recorded.push(record);
    const send = (status: number, payload: unknown) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    const fail = (error: GrpcError) => send(httpStatusOf(error.code), errorBody(error, this.errorStyle));
    try {
      body = text === '' ? {} : JSON.parse(text);
      record.body = body;
    } catch {
      fail(new GrpcError(3, 'proto: syntax error (line 1:1): unexpected token'));
      return;
    }
    if (!rpc) {
      if (KNOWN_PATHS.has(path)) fail(new GrpcError(12, 'Method Not Allowed'));
      else fail(new GrpcError(5, 'Not Found'));
      return;
    }
    const fault = this.takeFault(rpc);
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'reset') {
      if (fault.afterApplying) this.tryAnswer(rpc, req, body);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'http') {
      record.status = fault.status;
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'text/html' }).end(fault.body);
      return;
    }
    if (fault?.kind === 'grpc') {
      if (fault.afterApplying) this.tryAnswer(rpc, req, body);
      fail(new GrpcError(fault.code, fault.message ?? `injected fault ${fault.code}`, fault.errorId));
      return;
    }
    const answer = this.tryAnswer(rpc, req, body);
    if (answer instanceof GrpcError) fail(answer);
    else send(200, answer);
  }

  private tryAnswer(rpc: Rpc, req: IncomingMessage, body: unknown): Json | GrpcError {
    try {
      this.authorize(rpc, req);
      if (FEATURE_GATED.has(rpc) && !this.actionsEnabled) {
        throw new GrpcError(
          this.featureOffCode,
          'Actions are not enabled on this instance (feature flag "actions")',
          'ACTION-8o6pvqfjhs',
        );
      }
      return this.answer(rpc, isObject(body) ? body : {});
    } catch (error) {
      if (error instanceof GrpcError) return error;
      throw error;
    }
  }

  private authorize(rpc: Rpc, req: IncomingMessage): void {
    const header = req.headers.authorization;
    if (!header) throw new GrpcError(16, 'auth header missing', 'AUTH-7fs1e');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const kind = token ? this.tokens.get(token) : undefined;
    if (!kind || kind === 'no-audience') throw new GrpcError(16, 'Token is invalid', 'AUTH-7fs1e');
    if (kind === 'read-only' && WRITES.has(rpc))
      throw new GrpcError(7, 'No matching permissions found', 'AUTH-5mWD2');
  }

  private answer(rpc: Rpc, body: Json): Json {
    switch (rpc) {
      case 'SetExecution':
        return this.store.setExecution(body);
      case 'ListExecutions':
        return this.store.listExecutions(body);
      case 'ListTargets':
        return this.store.listTargets(body);
      case 'ListExecutionMethods':
        return { methods: this.store.methods };
      case 'ListExecutionServices':
        return { services: this.store.services };
      case 'ListExecutionFunctions':
        return { functions: this.store.functions };
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
