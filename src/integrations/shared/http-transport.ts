import { channel } from 'node:diagnostics_channel';
import axios, { type AxiosInstance } from 'axios';
import type { Log } from '../../core/kit/log';
import { classifyFailure, type TransportFailure } from './transport-failure';

export type QueryParams = Record<string, string | number | boolean | undefined>;

/** One finished exchange, published for metrics: no path, parameters or body, only what is safe to label. */
export interface UpstreamExchange {
  system: string;
  /** The HTTP status, or why no answer came back (`timed_out`, `not_sent`, …). */
  status: string;
  /** A transport failure or an HTTP status of 400 or more. */
  failed: boolean;
  seconds: number;
}

/**
 * Where every upstream exchange is published. A diagnostics channel keeps the integrations free of the
 * metrics module: whoever wants the numbers subscribes (src/observability/metrics.ts).
 */
export const UPSTREAM_EXCHANGES = 'flightdeck:upstream-exchange';
const exchanges = channel(UPSTREAM_EXCHANGES);

export interface TransportOptions {
  /** The integration's id (`itential`, …), the `system` label of its metrics. */
  system: string;
  baseUrl: string;
  /** Sent with every request (auth, Accept); a request's own headers win. */
  headers?: Record<string, string>;
  /** Query parameters every request carries (an account id); a request's own params win. */
  params?: QueryParams;
  /** The deadline for a whole exchange, connect to last byte, unless a request sets its own. */
  timeoutMs: number;
  maxResponseBytes: number;
  /** Default 1 MiB: every body the bot sends is far smaller. */
  maxRequestBytes?: number;
  log: Log;
}

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  params?: QueryParams;
  /** A JSON body. */
  json?: unknown;
  /** A form-encoded body (OAuth token requests). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Changes something upstream that a lost answer leaves in doubt: its failures may be `ambiguous`. */
  write: boolean;
}

/** Whatever status came back, redirects included: each system reads its own error bodies. */
export interface RawResponse {
  status: number;
  text: string;
  contentType: string;
  /** String-valued headers, names in lower case. */
  headers: Record<string, string>;
}

export type TransportResult = { ok: true; response: RawResponse } | { ok: false; failure: TransportFailure };

const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

/** One HTTP exchange with an upstream API: limits and deadline, no redirects, the body left as text. */
export class HttpTransport {
  private readonly http: AxiosInstance;
  readonly host: string;

  constructor(private readonly options: TransportOptions) {
    this.host = new URL(options.baseUrl).host;
    this.http = axios.create({
      baseURL: options.baseUrl,
      responseType: 'text',
      // The body is parsed by the caller: upstreams answer with bare strings, and proxies with HTML.
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // A redirect means a login page or a wrong base URL; following it would hide that.
      maxRedirects: 0,
      maxContentLength: options.maxResponseBytes,
      maxBodyLength: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      headers: { Accept: 'application/json', ...options.headers },
    });
  }

  async send(request: RawRequest): Promise<TransportResult> {
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const started = Date.now();
    const where = { method: request.method, path: request.path };
    try {
      const res = await this.http.request<unknown>({
        method: request.method,
        url: request.path,
        params: { ...this.options.params, ...request.params },
        data: request.form ? new URLSearchParams(request.form).toString() : request.json,
        headers: {
          ...(request.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
          ...request.headers,
        },
        timeout: timeoutMs,
        // axios' own timeout only covers an idle socket; this bounds the whole exchange.
        signal: AbortSignal.timeout(timeoutMs),
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (typeof value === 'string') headers[name.toLowerCase()] = value;
      }
      this.options.log.debug({ ...where, status: res.status, ms: Date.now() - started }, 'upstream request');
      this.publish(String(res.status), res.status >= 400, started);
      return {
        ok: true,
        response: {
          status: res.status,
          text: typeof res.data === 'string' ? res.data : '',
          contentType: headers['content-type'] ?? '',
          headers,
        },
      };
    } catch (err) {
      const failure = classifyFailure(err, request.write, timeoutMs);
      this.options.log.debug(
        { ...where, reason: failure.reason, code: failure.code, ms: Date.now() - started },
        'upstream request failed',
      );
      this.publish(failure.reason, true, started);
      return { ok: false, failure };
    }
  }

  private publish(status: string, failed: boolean, started: number): void {
    if (!exchanges.hasSubscribers) return;
    const exchange: UpstreamExchange = {
      system: this.options.system,
      status,
      failed,
      seconds: (Date.now() - started) / 1000,
    };
    exchanges.publish(exchange);
  }
}
