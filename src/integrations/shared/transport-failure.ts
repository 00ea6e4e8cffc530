import { isAxiosError } from 'axios';

/**
 * Why no usable answer came back:
 * - `not_sent`: the request never left (refused, DNS, TLS, a body over the limit): safe to repeat;
 * - `timed_out`: no answer within the deadline: a write may have taken effect;
 * - `reset_after_send`: the connection broke once the request may have been sent: likewise;
 * - `too_large`: an answer came, larger than the limit.
 */
export type FailureReason = 'not_sent' | 'timed_out' | 'reset_after_send' | 'too_large';

export interface TransportFailure {
  reason: FailureReason;
  /** Node's or axios' code (ECONNREFUSED, CERT_HAS_EXPIRED…), when the error has one. */
  code?: string;
  /** The library's own message, for failures without a code; may name the URL, so redact it before showing. */
  detail: string;
  /** The deadline that applied. */
  timeoutMs: number;
  /** A write whose outcome is unknown: it may have taken effect although no answer came back. */
  ambiguous: boolean;
}

/** Codes that prove nothing reached the server: a write did not happen. */
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
  // axios refuses before sending: a body over maxBodyLength, an unsupported protocol.
  'ERR_BAD_REQUEST',
]);

/** axios' own timeout, and the abort of the whole-exchange deadline. */
const TIMED_OUT = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

function reasonOf(code: string | undefined, detail: string): FailureReason {
  if (code === 'ERR_BAD_RESPONSE' && detail.includes('maxContentLength')) return 'too_large';
  if (code === undefined) return 'reset_after_send';
  if (TIMED_OUT.has(code)) return 'timed_out';
  return NOT_SENT.has(code) ? 'not_sent' : 'reset_after_send';
}

/** What an error thrown by one axios exchange means for the request that was being made. */
export function classifyFailure(err: unknown, write: boolean, timeoutMs: number): TransportFailure {
  const code = isAxiosError(err) ? err.code : undefined;
  const detail = err instanceof Error ? err.message : String(err);
  const reason = reasonOf(code, detail);
  return {
    reason,
    ...(code !== undefined ? { code } : {}),
    detail,
    timeoutMs,
    ambiguous: write && (reason === 'timed_out' || reason === 'reset_after_send'),
  };
}
