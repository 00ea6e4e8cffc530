import type { Log } from '../../core/kit/log';
import { HttpTransport, type QueryParams } from '../shared/http-transport';
import { parseJson } from '../shared/json';
import type { Redactor } from '../shared/redaction';
import { CallPolicy } from '../shared/retry-policy';
import type { HttpSettings } from './config';
import { SYSTEM_ID } from './definition';
import {
  badResponse,
  type ErrorContext,
  harnessRedactor,
  httpError,
  isNgFailure,
  transportError,
} from './errors';

export interface HarnessRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: QueryParams;
  body?: unknown;
  context: ErrorContext;
  /** A read whose answer is optional: one attempt, no backoff. */
  once?: boolean;
}

export interface HarnessResponse {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body. */
  data: unknown;
}

export interface HarnessHttpOptions {
  baseUrl: string;
  apiKey: string;
  accountId: string;
  settings: HttpSettings;
  log: Log;
}

/**
 * Sends one request to Harness with the key and account, and turns every failure into an UpstreamError.
 * GETs are retried with backoff while the error says it is transient; writes are sent exactly once.
 */
export class HarnessHttp {
  private readonly transport: HttpTransport;
  private readonly calls: CallPolicy;
  private readonly redactor: Redactor;

  constructor(options: HarnessHttpOptions) {
    const { settings } = options;
    this.redactor = harnessRedactor(options.apiKey);
    this.transport = new HttpTransport({
      system: SYSTEM_ID,
      baseUrl: options.baseUrl,
      headers: {
        'x-api-key': options.apiKey,
        'Harness-Account': options.accountId,
        Accept: 'application/json, application/vnd.goa.error',
      },
      params: { accountIdentifier: options.accountId },
      timeoutMs: settings.timeoutMs,
      maxResponseBytes: settings.maxResponseBytes,
      log: options.log,
    });
    this.calls = new CallPolicy(
      {
        maxAttempts: settings.readRetries + 1,
        initialDelayMs: settings.backoffInitialMs,
        maxDelayMs: settings.backoffMaxMs,
      },
      (err) => err.retryable,
      { log: options.log, message: 'retrying a Harness read' },
    );
  }

  async send(request: HarnessRequest): Promise<HarnessResponse> {
    return this.calls.run({ write: request.method !== 'GET', once: request.once }, () =>
      this.attempt(request),
    );
  }

  private async attempt(request: HarnessRequest): Promise<HarnessResponse> {
    const write = request.method !== 'GET';
    const result = await this.transport.send({
      method: request.method,
      path: request.path,
      params: request.query,
      json: request.body,
      write,
    });
    if (!result.ok) throw transportError(request.context, result.failure, this.transport.host);
    const { status, text, contentType, headers } = result.response;
    // An empty body is a valid `null`; text that is not JSON stays undefined.
    const data = text.trim() === '' ? null : parseJson(text);
    // The pipeline service can wrap a failure in a 2xx envelope (`status: ERROR`).
    if (status < 200 || status >= 300 || isNgFailure(data)) {
      throw httpError(request.context, { status, contentType, text, write }, this.redactor);
    }
    if (data === undefined) throw badResponse(request.context, status, text, contentType);
    return { status, headers, data };
  }
}
