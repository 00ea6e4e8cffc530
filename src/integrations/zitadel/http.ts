import type { z } from 'zod';
import type { Log } from '../../core/kit/log';
import { HttpTransport } from '../shared/http-transport';
import { parseJson } from '../shared/json';
import { Redactor } from '../shared/redaction';
import { CallPolicy } from '../shared/retry-policy';
import { firstIssue } from '../shared/zod-issue';
import type { ZitadelConfig } from './config';
import { SYSTEM_ID } from './definition';
import {
  badResponse,
  type CallContext,
  errorFromResponse,
  MAX_RESPONSE_BYTES,
  transportError,
} from './errors';

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
  private readonly calls: CallPolicy;

  constructor(
    readonly config: ZitadelConfig,
    log: Log,
  ) {
    this.redactor = new Redactor([config.token]);
    this.transport = new HttpTransport({
      system: SYSTEM_ID,
      baseUrl: config.baseUrl,
      headers: {
        Authorization: `Bearer ${config.token}`,
        ...(config.orgId ? { 'x-zitadel-orgid': config.orgId } : {}),
      },
      timeoutMs: config.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      log,
    });
    this.calls = new CallPolicy(config.retry, (err) => err.retryable, {
      log,
      message: 'retrying a Zitadel read',
    });
  }

  /** A read is retried on transient codes and network errors, a bounded number of times; a write is sent once. */
  send<T>(spec: CallSpec<T>): Promise<T> {
    return this.calls.run({ write: spec.write === true }, () => this.attempt(spec));
  }

  private async attempt<T>(spec: CallSpec<T>): Promise<T> {
    const result = await this.transport.send({
      method: spec.method,
      path: spec.path,
      json: spec.body,
      write: spec.write === true,
    });
    if (!result.ok) throw transportError(result.failure, spec, this.config, this.redactor);
    const { status, text } = result.response;
    if (status < 200 || status >= 300) throw errorFromResponse(status, text, spec, this.redactor);
    return this.parse(text, spec);
  }

  private parse<T>(text: string, spec: CallSpec<T>): T {
    const json = parseJson(text);
    if (json === undefined) throw badResponse(spec, 'the answer is not JSON');
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success)
      throw badResponse(spec, firstIssue(parsed.error, 'body') ?? 'body: unexpected shape');
    return parsed.data;
  }
}
