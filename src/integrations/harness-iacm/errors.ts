import { htmlTitle, isHtml } from '../shared/html-page';
import { parseJson } from '../shared/json';
import { REDACTED, Redactor } from '../shared/redaction';
import { truncate } from '../../core/kit/truncate';
import type { TransportFailure } from '../shared/transport-failure';
import { SYSTEM_ID } from './definition';
import { goaErrorSchema, ngErrorSchema, type GoaError, type NgError } from './schemas';
import { UpstreamError } from '../../core/errors';

/** What a request was for, so an error can say what failed and what to check. */
export interface ErrorContext {
  /** Verb phrase: "create the module execution". */
  action: string;
  /** The thing addressed, for not-found, conflict and lock hints: 'module "vpc"'. */
  target: string;
  /** Where permissions apply, for 403 hints: 'org "default", project "infra"'. */
  scope: string;
  /** A hint that knows this endpoint's refusals better than the status alone (an approval the key may not give). */
  refusalHint?: (status: number, message: string) => string | undefined;
}

const TRANSIENT = new Set([408, 429, 499, 502, 503, 504]);
const MAX_MESSAGE = 500;

/** Anything that looks like a Harness token, in case an upstream echoes one. */
const TOKEN_PATTERN = /\b(?:pat|sat)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

/** The API key, and anything shaped like another Harness token. */
export function harnessRedactor(apiKey: string): Redactor {
  return new Redactor([apiKey], [[TOKEN_PATTERN, REDACTED]]);
}

/** One line: gateways answer with multi-line pages and stack traces. */
const clip = (text: string) => truncate(text.replace(/\s+/g, ' ').trim(), MAX_MESSAGE);

type Body =
  | { kind: 'goa'; error: GoaError }
  | { kind: 'ng'; error: NgError }
  | { kind: 'html'; title?: string }
  | { kind: 'text'; text: string }
  | { kind: 'empty' };

export function isNgFailure(data: unknown): boolean {
  const ng = ngErrorSchema.safeParse(data);
  return ng.success && ng.data.status.toUpperCase() !== 'SUCCESS';
}

export function classifyBody(text: string, contentType: string): Body {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  const json = parseJson(trimmed);
  if (json !== undefined) {
    const goa = goaErrorSchema.safeParse(json);
    if (goa.success) return { kind: 'goa', error: goa.data };
    const ng = ngErrorSchema.safeParse(json);
    if (ng.success) return { kind: 'ng', error: ng.data };
  }
  if (isHtml(contentType, trimmed)) return { kind: 'html', title: htmlTitle(trimmed) };
  return { kind: 'text', text: trimmed };
}

function hintFor(status: number, ctx: ErrorContext, temporary: boolean): string {
  switch (status) {
    case 400:
      return 'Harness rejected the request as invalid: check the value it names and submit again.';
    case 401:
      return 'Harness did not accept the API key (HARNESS_API_KEY): it may be expired, revoked or from another account. Ask a Flightdeck admin to renew it.';
    case 403:
      return `The API key's user or service account lacks permission on ${ctx.scope}. Ask a Harness admin to grant it (IaCM module and pipeline execute/view).`;
    case 404:
      return `Harness found no ${ctx.target}. Check the id, and that it belongs to ${ctx.scope}.`;
    case 408:
      return 'Harness timed out. This is temporary: try again in a minute.';
    case 409:
      return `Harness reports a conflict with ${ctx.target}: it probably exists already. Look at it in Harness before trying again.`;
    case 423:
      return `${capitalise(ctx.target)} is locked in Harness by another operation. Wait for that to finish, then try again.`;
    case 429:
      return 'Harness is rate-limiting requests. Wait a minute, then try again.';
    case 499:
      return 'Harness cancelled the request before finishing it. This is temporary: try again.';
    case 500:
      return temporary
        ? 'Harness had a temporary internal error: try again shortly; if it persists, give Harness support the error id.'
        : 'Harness had an internal error. If it persists, give Harness support the error id.';
    case 502:
    case 503:
    case 504:
      return 'Harness (or its gateway) is unavailable. This is temporary: try again shortly.';
    default:
      return temporary
        ? 'Harness says this is temporary: try again shortly.'
        : 'See the message from Harness; if it persists, give Harness support the error id.';
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function bodyMessage(status: number, body: Body): string {
  switch (body.kind) {
    case 'goa':
      return body.error.message;
    case 'ng':
      return (
        body.error.message ??
        body.error.detailedMessage ??
        body.error.responseMessages?.find((m) => m.message)?.message ??
        body.error.code
      );
    case 'html':
      return `Harness answered HTTP ${status} with a web page${body.title ? ` ("${body.title}")` : ''} instead of an API response.`;
    case 'text':
      return body.text;
    case 'empty':
      return `Harness answered HTTP ${status} with no details.`;
  }
}

export interface HttpErrorInput {
  status: number;
  contentType: string;
  text: string;
  /** A call that changes something (create, interrupt): may have taken effect when the answer is lost. */
  write: boolean;
}

/** One UpstreamError for any non-2xx answer: goa body, NG envelope, a gateway's HTML page or nothing. */
export function httpError(ctx: ErrorContext, input: HttpErrorInput, redactor: Redactor): UpstreamError {
  const { status } = input;
  const body = classifyBody(input.text, input.contentType);
  const goa = body.kind === 'goa' ? body.error : undefined;
  const ng = body.kind === 'ng' ? body.error : undefined;
  const temporary = goa?.temporary === true || goa?.timeout === true;
  const structured = goa !== undefined || ng !== undefined;
  const ambiguous =
    input.write &&
    (goa?.timeout === true || status === 499 || (!structured && (status === 502 || status === 504)));
  const message = clip(redactor.clean(bodyMessage(status, body))) || `Harness answered HTTP ${status}.`;
  return new UpstreamError({
    system: SYSTEM_ID,
    action: ctx.action,
    kind: status === 401 || status === 403 ? 'auth' : 'http',
    message,
    httpStatus: status,
    upstreamCode: goa?.name ?? ng?.code ?? undefined,
    errorId: goa?.id ?? ng?.correlationId ?? undefined,
    hint: ctx.refusalHint?.(status, message) ?? hintFor(status, ctx, temporary),
    retryable: TRANSIENT.has(status) || temporary,
    ambiguous,
  });
}

/** A 2xx whose body is not what the API documents (an HTML login page, a proxy's answer, a changed schema). */
export function badResponse(
  ctx: ErrorContext,
  status: number,
  text: string,
  contentType: string,
  detail?: string,
): UpstreamError {
  const body = classifyBody(text, contentType);
  const message =
    body.kind === 'html'
      ? `Harness answered with a web page${body.title ? ` ("${body.title}")` : ''}, not JSON.`
      : `Harness answered HTTP ${status} with an unexpected body${detail ? `: ${detail}` : ''}.`;
  return new UpstreamError({
    system: SYSTEM_ID,
    action: ctx.action,
    kind: 'bad_response',
    message: clip(message),
    httpStatus: status,
    hint:
      body.kind === 'html'
        ? 'Check HARNESS_BASE_URL: it must be the API gateway (for SaaS https://app.harness.io/gateway), not the web UI.'
        : 'Harness may have changed this API. Check the run in Harness; report this to the Flightdeck maintainers.',
    retryable: false,
  });
}

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
    upstreamCode: code,
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

/**
 * Harness's own approval rules, as its pipeline service words them when it refuses an approval activity
 * (ApprovalResourceServiceImpl: "User not authorized to approve/reject", "You have already approved/rejected
 * the pipeline", "Pipeline executor is not allowed to approve/reject"; wrapped as INVALID_REQUEST, HTTP 400).
 */
export function approvalRefusalHint(status: number, message: string): string | undefined {
  if (status === 401) return undefined;
  if (/not authori[sz]ed to approve/i.test(message) || status === 403)
    return "Harness decides who may approve: the API key's user or service account (HARNESS_API_KEY) is not in the approval step's user groups. Approve in Harness, or ask a Harness admin to add that account to the approvers.";
  if (/already approved/i.test(message))
    return "Harness counts one approval per account, and Flightdeck's key has already given one to this step: further approvals must come from people in Harness.";
  if (/executor is not allowed/i.test(message))
    return "The step forbids approval by whoever ran the pipeline, and Flightdeck's key ran it: approve in Harness.";
  if (/already|not waiting|completed|expired/i.test(message))
    return 'The approval is no longer waiting in Harness (decided, expired or aborted); the thread will show where the pipeline is now.';
  return undefined;
}
