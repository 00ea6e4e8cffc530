import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { UpstreamError } from '../../core/problem';
import { SYSTEM_ID } from './system';

export interface RawRequest {
  method: 'GET' | 'POST';
  path: string;
  params?: Record<string, string | number>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** What the bot was doing, for error messages: "read the job". */
  action: string;
  /** A request that changes state once (jobs/start): a lost answer makes the outcome ambiguous. */
  oneShot: boolean;
}

export interface RawResponse {
  status: number;
  text: string;
  contentType: string;
  location?: string;
}

/** Errors raised before anything reached Itential: retrying or reporting them never risks a duplicate. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: 'Nothing accepted the connection: check ITENTIAL_BASE_URL and that Itential is running.',
  ENOTFOUND: 'The host name did not resolve: check ITENTIAL_BASE_URL.',
  EAI_AGAIN: 'DNS did not answer; this is usually temporary.',
  EHOSTUNREACH: 'The host is unreachable from the bot: check the network path and ITENTIAL_BASE_URL.',
  ENETUNREACH: 'The network is unreachable from the bot: check the network path and ITENTIAL_BASE_URL.',
};

const TLS_HINT =
  "Itential's TLS certificate was not accepted: check ITENTIAL_BASE_URL, or give Node the CA (NODE_EXTRA_CA_CERTS).";

/** Sends one HTTP request to Itential and returns whatever status came back; only transport failures throw. */
export class Transport {
  private readonly http: AxiosInstance;
  readonly host: string;

  constructor(
    baseUrl: string,
    private readonly maxResponseBytes: number,
  ) {
    this.host = new URL(baseUrl).host;
    this.http = axios.create({
      baseURL: baseUrl,
      responseType: 'text',
      // The body is parsed by the caller: Itential answers /login with a bare string and proxies with HTML.
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // A redirect here means a login page or a wrong scheme; following it would hide that.
      maxRedirects: 0,
      maxContentLength: maxResponseBytes,
      maxBodyLength: 1024 * 1024,
    });
  }

  async send(req: RawRequest): Promise<RawResponse> {
    try {
      const res = await this.http.request<string>({
        method: req.method,
        url: req.path,
        params: req.params,
        data: req.form ? new URLSearchParams(req.form).toString() : req.json,
        headers: {
          Accept: 'application/json',
          ...(req.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
          ...req.headers,
        },
        timeout: req.timeoutMs,
        // axios' own timeout only covers idle sockets; this bounds the whole exchange.
        signal: AbortSignal.timeout(req.timeoutMs),
      });
      const header = (name: string) => {
        const value: unknown = res.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      return {
        status: res.status,
        text: typeof res.data === 'string' ? res.data : '',
        contentType: header('content-type') ?? '',
        location: header('location'),
      };
    } catch (err) {
      throw this.failure(err, req);
    }
  }

  private failure(err: unknown, req: RawRequest): UpstreamError {
    const code = isAxiosError(err) ? err.code : undefined;
    const message = err instanceof Error ? err.message : String(err);
    const base = { system: SYSTEM_ID, action: req.action };
    if (message.startsWith('maxContentLength')) {
      return new UpstreamError({
        ...base,
        kind: 'bad_response',
        message: `Itential's answer was larger than the ${Math.round(this.maxResponseBytes / 1024)} KiB the bot accepts`,
        hint: 'An unexpectedly large answer usually means a proxy or the wrong endpoint; check ITENTIAL_BASE_URL.',
        retryable: false,
        ambiguous: req.oneShot,
      });
    }
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED';
    if (timedOut) {
      return new UpstreamError({
        ...base,
        kind: 'timeout',
        code: 'timeout',
        message: `Itential at ${this.host} did not answer within ${req.timeoutMs / 1000} s`,
        hint: req.oneShot
          ? 'The request may still have taken effect: check Itential before trying again.'
          : 'Itential is slow or unreachable; this is usually temporary, try again shortly.',
        retryable: true,
        ambiguous: req.oneShot,
      });
    }
    const notSent = code !== undefined && NOT_SENT.has(code);
    const tls =
      code !== undefined && (code.includes('CERT') || code.includes('TLS') || code.includes('SIGNATURE'));
    return new UpstreamError({
      ...base,
      kind: 'network',
      code,
      message: `Itential at ${this.host} could not be reached (${code ?? 'network error'})`,
      hint:
        (code && NETWORK_HINTS[code]) ??
        (tls
          ? TLS_HINT
          : req.oneShot
            ? 'The connection dropped after the request was sent; it may have taken effect: check Itential before trying again.'
            : 'The connection dropped; this is usually temporary, try again shortly.'),
      retryable: !tls,
      ambiguous: req.oneShot && !notSent,
    });
  }
}
