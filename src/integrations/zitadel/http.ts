import type { RetryPolicy } from 'cockatiel';
import type { z } from 'zod';
import type { Log } from '../../core/kit/log';
import { UpstreamError } from '../../core/operations/problem';
import { HttpTransport } from '../shared/http-transport';
import { parseJson } from '../shared/json';
import { Redactor } from '../shared/redaction';
import { retryPolicy } from '../shared/retry-policy';
import type { TransportFailure } from '../shared/transport-failure';
import { firstIssue } from '../shared/zod-issue';
import type { ZitadelConfig } from './config';
import { type CallContext, errorFromResponse, SYSTEM } from './errors';

/** Lists of a few thousand targets or executions stay far below this. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

export interface CallSpec<T> extends CallContext {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  schema: z.ZodType<T>;
}

/** One HTTP exchange with Zitadel's REST (grpc-gateway) API: auth, limits, and every failure as an UpstreamError. */
export class ZitadelHttp {
  private readonly transport: HttpTransport;
  private readonly redactor: Redactor;
  private readonly readRetry: RetryPolicy;

  constructor(
    readonly config: ZitadelConfig,
    log: Log,
  ) {
    this.redactor = new Redactor([config.token]);
    this.transport = new HttpTransport({
      system: SYSTEM,
      baseUrl: config.baseUrl,
      headers: {
        Authorization: `Bearer ${config.token}`,
        ...(config.orgId ? { 'x-zitadel-orgid': config.orgId } : {}),
      },
      timeoutMs: config.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      log,
    });
    this.readRetry = retryPolicy(config.retry, (err) => err.retryable, {
      log,
      message: 'retrying a Zitadel read',
    });
  }

  /** A read: retried on transient codes and network errors, a bounded number of times. */
  read<T>(spec: CallSpec<T>): Promise<T> {
    return this.readRetry.execute(() => this.send(spec));
  }

  /** One attempt, no retry. */
  async send<T>(spec: CallSpec<T>): Promise<T> {
    const result = await this.transport.send({
      method: spec.method,
      path: spec.path,
      json: spec.body,
      write: spec.write === true,
    });
    if (!result.ok) throw this.transportError(result.failure, spec);
    const { status, text } = result.response;
    if (status < 200 || status >= 300) throw errorFromResponse(status, text, spec, this.redactor);
    return this.parse(text, spec);
  }

  private parse<T>(text: string, spec: CallSpec<T>): T {
    const json = parseJson(text);
    if (json === undefined) throw this.badResponse(spec, 'the answer is not JSON');
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success)
      throw this.badResponse(spec, firstIssue(parsed.error, 'body') ?? 'body: unexpected shape');
    return parsed.data;
  }

  private badResponse(spec: CallContext & { path: string }, what: string): UpstreamError {
    return new UpstreamError({
      system: SYSTEM,
      action: spec.action,
      kind: 'bad_response',
      message: `Zitadel answered ${spec.path} with something Flightdeck cannot read (${what}).`,
      hint: 'Zitadel’s API may have changed. Report it to the Flightdeck maintainers with the Zitadel version.',
      retryable: false,
    });
  }

  private transportError(failure: TransportFailure, spec: CallSpec<unknown>): UpstreamError {
    if (failure.reason === 'too_large') {
      return this.badResponse(spec, `the answer is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MB`);
    }
    const { code } = failure;
    const write = spec.write === true;
    const timedOut = failure.reason === 'timed_out';
    const notSent = failure.reason === 'not_sent';
    return new UpstreamError({
      system: SYSTEM,
      action: spec.action,
      kind: timedOut ? 'timeout' : 'network',
      message: timedOut
        ? `Zitadel did not answer within ${this.config.timeoutMs / 1000} s.`
        : `Could not reach Zitadel at ${this.config.baseUrl} (${code ?? this.redactor.clean(failure.detail)}).`,
      code,
      hint: notSent
        ? 'Check ZITADEL_BASE_URL and that Zitadel is reachable from Flightdeck.'
        : write
          ? 'The change may or may not have been applied. Check the execution in Zitadel (/ops zitadel executions) before trying again.'
          : 'Temporary network trouble; try again in a minute.',
      retryable: !write || notSent,
      ambiguous: failure.ambiguous,
    });
  }
}
