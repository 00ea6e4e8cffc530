import { UpstreamError } from '../../core/operations/problem';
import type { TransportFailure } from '../shared/transport-failure';
import { type ErrorContext, SYSTEM_ID } from './errors';

/** A request that got no usable answer, in Harness's words. */
export function transportError(ctx: ErrorContext, failure: TransportFailure, host: string): UpstreamError {
  const base = { system: SYSTEM_ID, action: ctx.action };
  if (failure.reason === 'too_large') {
    return new UpstreamError({
      ...base,
      kind: 'bad_response',
      message: 'Harness sent a larger answer than Flightdeck accepts.',
      hint: 'Narrow the request (fewer items); report this to the Flightdeck maintainers if it keeps happening.',
      retryable: false,
    });
  }
  if (failure.reason === 'timed_out') {
    return new UpstreamError({
      ...base,
      kind: 'timeout',
      message: `Harness did not answer within ${Math.round(failure.timeoutMs / 1000)} s.`,
      hint: 'Harness is slow or unreachable. This is usually temporary: try again shortly.',
      retryable: true,
      ambiguous: failure.ambiguous,
    });
  }
  const code = failure.code ?? 'network error';
  const sent = failure.reason !== 'not_sent';
  return new UpstreamError({
    ...base,
    kind: 'network',
    code,
    message: sent
      ? `The connection to Harness (${host}) broke before it answered (${code}).`
      : `Could not reach Harness at ${host} (${code}).`,
    hint: sent
      ? 'This is usually temporary: try again shortly.'
      : 'Check HARNESS_BASE_URL and that Flightdeck can reach Harness (DNS, proxy, firewall, TLS).',
    retryable: true,
    ambiguous: failure.ambiguous,
  });
}
