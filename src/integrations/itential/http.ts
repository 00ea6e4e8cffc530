import type { z } from 'zod';
import type { Clock } from '../../core/kit/clock';
import type { Log } from '../../core/kit/log';
import { HttpTransport, type RawRequest, type RawResponse } from '../shared/http-transport';
import { parseJson } from '../shared/json';
import type { Redactor } from '../shared/redaction';
import { CallPolicy } from '../shared/retry-policy';
import { firstIssue } from '../shared/zod-issue';
import { Authenticator, type Credential, credentialVariables } from './auth';
import type { ItentialConfig, ItentialTuning } from './config';
import { SYSTEM_ID } from './definition';
import { badResponse, type FailureContext, jsonBody, statusError, transportError } from './errors';
import { itentialRedactor } from './redaction';
import { type UpstreamError } from '../../core/errors';

export interface ItentialRequest extends Omit<RawRequest, 'write'> {
  /** What the bot was doing, for error messages: "read the job". */
  action: string;
  /** A request that changes state once (jobs/start): a lost answer makes the outcome ambiguous. */
  oneShot: boolean;
}

/** Sends one HTTP request to Itential and returns whatever status came back; only transport failures throw. */
export class Transport {
  private readonly http: HttpTransport;

  private readonly maxResponseBytes: number;

  constructor(baseUrl: string, tuning: ItentialTuning, log: Log) {
    this.maxResponseBytes = tuning.maxResponseBytes;
    this.http = new HttpTransport({
      system: SYSTEM_ID,
      baseUrl,
      timeoutMs: tuning.requestTimeoutMs,
      maxResponseBytes: tuning.maxResponseBytes,
      log,
    });
  }

  private get host(): string {
    return this.http.host;
  }

  async send(req: ItentialRequest): Promise<RawResponse> {
    const result = await this.http.send({ ...req, write: req.oneShot });
    if (result.ok) return result.response;
    throw transportError(result.failure, req, this.host, this.maxResponseBytes);
  }
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  params?: Record<string, string | number>;
  json?: unknown;
  /** Verb phrase for errors: "read the job". */
  action: string;
  /** What a 404 means: "job 65f0…". */
  subject?: string;
  timeoutMs?: number;
  /** Retry transient failures with backoff. Only for requests that are safe to repeat. */
  retry: boolean;
  /** Never repeated, and a lost answer is reported as ambiguous (jobs/start). */
  oneShot?: boolean;
  /** A non-2xx answer the caller interprets itself (its JSON body), instead of an error. */
  acceptError?: (status: number, body: unknown) => boolean;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
}

const isTransient = (err: UpstreamError) =>
  err.retryable &&
  (err.kind === 'network' || err.kind === 'timeout' || [502, 503, 504].includes(err.httpStatus ?? 0));

function zodSummary(error: z.ZodError): string {
  const issue = firstIssue(error, 'the body');
  return issue ? `an unexpected shape (${issue})` : 'an unexpected shape';
}

/** Authenticated, retried, size-limited and schema-checked requests to Itential. */
export class ItentialClient {
  private readonly transport: Transport;
  private readonly auth: Authenticator;
  private readonly calls: CallPolicy;
  private readonly credentialHint: string;
  readonly redactor: Redactor;

  constructor(
    private readonly config: ItentialConfig,
    clock: Clock,
    log: Log,
  ) {
    const { tuning } = config;
    this.redactor = itentialRedactor(config.auth);
    this.transport = new Transport(config.baseUrl, tuning, log);
    this.auth = new Authenticator(
      config.auth,
      this.transport,
      this.redactor,
      clock,
      tuning.requestTimeoutMs,
      tuning.tokenRefreshMarginMs,
    );
    this.credentialHint = credentialVariables(config.auth);
    this.calls = new CallPolicy(
      { maxAttempts: tuning.readAttempts, initialDelayMs: tuning.retryInitialDelayMs, maxDelayMs: 2_000 },
      isTransient,
      { log, message: 'retrying an Itential read' },
    );
  }

  async request<T>(req: ApiRequest, schema: z.ZodType<T>): Promise<T> {
    return (await this.send(req, schema)).data;
  }

  send<T>(req: ApiRequest, schema: z.ZodType<T>): Promise<ApiResponse<T>> {
    return this.calls.run({ write: req.oneShot === true, once: !req.retry }, () => this.once(req, schema));
  }

  private async once<T>(req: ApiRequest, schema: z.ZodType<T>): Promise<ApiResponse<T>> {
    const ctx: FailureContext = {
      action: req.action,
      subject: req.subject,
      oneShot: req.oneShot === true,
      credentialHint: this.credentialHint,
      redactor: this.redactor,
    };
    const timeoutMs = req.timeoutMs ?? this.config.tuning.requestTimeoutMs;
    const used = await this.auth.current(timeoutMs);
    let res = await this.transport.send(this.withCredential(req, used, timeoutMs));
    if (this.staleToken(res, req)) {
      const fresh = await this.auth.renew(used, timeoutMs);
      if (fresh) res = await this.transport.send(this.withCredential(req, fresh, timeoutMs));
    }
    const ok = res.status >= 200 && res.status < 300;
    if (!ok && !(req.acceptError && this.accepts(req.acceptError, res))) throw statusError(res, ctx);
    const parsed = schema.safeParse(jsonBody(res, ctx));
    if (!parsed.success) throw badResponse(zodSummary(parsed.error), ctx);
    return { status: res.status, data: parsed.data };
  }

  /**
   * A 401, or (reads only) an empty 200, which Itential may send for an expired token. A start that
   * got an empty 200 is not repeated: it may have run.
   */
  private staleToken(res: RawResponse, req: ApiRequest): boolean {
    if (res.status === 401) return true;
    return !req.oneShot && res.status === 200 && res.text.trim() === '';
  }

  private accepts(acceptError: NonNullable<ApiRequest['acceptError']>, res: RawResponse): boolean {
    const body = parseJson(res.text);
    return body !== undefined && acceptError(res.status, body);
  }

  private withCredential(req: ApiRequest, credential: Credential, timeoutMs: number): ItentialRequest {
    return {
      method: req.method,
      path: req.path,
      params: { ...req.params, ...credential.params },
      json: req.json,
      headers: credential.headers,
      timeoutMs,
      action: req.action,
      oneShot: req.oneShot === true,
    };
  }
}
