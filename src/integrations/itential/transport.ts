import type { Log } from '../../core/kit/log';
import { UpstreamError } from '../../core/operations/problem';
import { HttpTransport, type RawRequest, type RawResponse } from '../shared/http-transport';
import type { TransportFailure } from '../shared/transport-failure';
import type { ItentialTuning } from './config';
import { SYSTEM_ID } from './definition';

export interface ItentialRequest extends Omit<RawRequest, 'write'> {
  /** What the bot was doing, for error messages: "read the job". */
  action: string;
  /** A request that changes state once (jobs/start): a lost answer makes the outcome ambiguous. */
  oneShot: boolean;
}

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
  private readonly http: HttpTransport;

  private readonly maxResponseBytes: number;

  constructor(baseUrl: string, tuning: ItentialTuning, log: Log) {
    this.maxResponseBytes = tuning.maxResponseBytes;
    this.http = new HttpTransport({
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
    throw this.failure(result.failure, req);
  }

  private failure(failure: TransportFailure, req: ItentialRequest): UpstreamError {
    const { code } = failure;
    const base = { system: SYSTEM_ID, action: req.action };
    if (failure.reason === 'too_large') {
      return new UpstreamError({
        ...base,
        kind: 'bad_response',
        message: `Itential's answer was larger than the ${Math.round(this.maxResponseBytes / 1024)} KiB the bot accepts`,
        hint: 'An unexpectedly large answer usually means a proxy or the wrong endpoint; check ITENTIAL_BASE_URL.',
        retryable: false,
        ambiguous: req.oneShot,
      });
    }
    if (failure.reason === 'timed_out') {
      return new UpstreamError({
        ...base,
        kind: 'timeout',
        code: 'timeout',
        message: `Itential at ${this.host} did not answer within ${failure.timeoutMs / 1000} s`,
        hint: req.oneShot
          ? 'The request may still have taken effect: check Itential before trying again.'
          : 'Itential is slow or unreachable; this is usually temporary, try again shortly.',
        retryable: true,
        ambiguous: failure.ambiguous,
      });
    }
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
      ambiguous: failure.ambiguous,
    });
  }
}
