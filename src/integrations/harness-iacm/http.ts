import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { Log } from '../../core/log';
import { isUpstreamError } from '../../core/problem';
import type { HttpSettings } from './config';
import type { Redactor } from '../shared/redaction';
import {
  badResponse,
  type ErrorContext,
  harnessRedactor,
  httpError,
  isNgFailure,
  transportError,
} from './errors';

/** Axios's own timeout, and the abort of the whole-request deadline. */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

export type Query = Record<string, string | number | boolean | undefined>;

export interface HarnessRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Query;
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
  private readonly axios: AxiosInstance;
  private readonly readPolicy: RetryPolicy;
  private readonly redactor: Redactor;
  private readonly host: string;

  constructor(private readonly options: HarnessHttpOptions) {
    const { settings } = options;
    this.redactor = harnessRedactor(options.apiKey);
    this.host = new URL(options.baseUrl).host;
    this.axios = axios.create({
      baseURL: options.baseUrl,
      timeout: settings.timeoutMs,
      maxContentLength: settings.maxResponseBytes,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      headers: {
        'x-api-key': options.apiKey,
        'Harness-Account': options.accountId,
        Accept: 'application/json, application/vnd.goa.error',
      },
    });
    this.readPolicy = retry(
      handleWhen((err) => isUpstreamError(err) && err.retryable),
      {
        maxAttempts: settings.readRetries,
        backoff: new ExponentialBackoff({
          initialDelay: settings.backoffInitialMs,
          maxDelay: settings.backoffMaxMs,
        }),
      },
    );
    this.readPolicy.onRetry((event) => {
      const reason =
        'error' in event && isUpstreamError(event.error) ? event.error.message : 'transient answer';
      options.log.warn(
        { delayMs: Math.round(event.delay), attempt: event.attempt, reason },
        'retrying a Harness read',
      );
    });
  }

  async send(request: HarnessRequest): Promise<HarnessResponse> {
    if (request.method !== 'GET' || request.once) return this.attempt(request);
    return this.readPolicy.execute(() => this.attempt(request));
  }

  private async attempt(request: HarnessRequest): Promise<HarnessResponse> {
    const { settings } = this.options;
    const write = request.method !== 'GET';
    const started = Date.now();
    let response;
    try {
      response = await this.axios.request<string>({
        method: request.method,
        url: request.path,
        params: { accountIdentifier: this.options.accountId, ...request.query },
        data: request.body,
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (err) {
      const code = isAxiosError(err) ? err.code : undefined;
      const timedOut = code !== undefined && TIMEOUT_CODES.has(code);
      const failure = transportError(request.context, {
        code: timedOut ? undefined : code,
        timedOut,
        tooLarge: err instanceof Error && err.message.includes('maxContentLength'),
        timeoutMs: settings.timeoutMs,
        host: this.host,
        write,
      });
      this.options.log.debug(
        { method: request.method, path: request.path, code, ms: Date.now() - started },
        'Harness request failed',
      );
      throw failure;
    }
    const text = typeof response.data === 'string' ? response.data : '';
    const contentType = String(response.headers['content-type'] ?? '');
    this.options.log.debug(
      { method: request.method, path: request.path, status: response.status, ms: Date.now() - started },
      'Harness request',
    );
    let data: unknown;
    try {
      data = text.trim() === '' ? null : JSON.parse(text);
    } catch {
      data = undefined;
    }
    // The pipeline service can wrap a failure in a 2xx envelope (`status: ERROR`).
    if (response.status < 200 || response.status >= 300 || isNgFailure(data)) {
      throw httpError(request.context, { status: response.status, contentType, text, write }, this.redactor);
    }
    if (data === undefined) throw badResponse(request.context, response.status, text, contentType);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
    return { status: response.status, headers, data };
  }
}
