import { htmlTitle, isHtml } from '../shared/html-page';
import type { RawResponse } from '../shared/http-transport';
import type { TransportFailure } from '../shared/transport-failure';
import { isRecord, parseJson } from '../shared/json';
import type { Redactor } from '../shared/redaction';
import { truncate } from '../../core/kit/truncate';
import { SYSTEM_ID } from './definition';
import type { ItentialRequest } from './http';
import { readableMessage } from './upstream-message';
import { UpstreamError } from '../../core/errors';

const MAX_MESSAGE = 600;

export interface FailureContext {
  action: string;
  /** What a 404 means: "workflow 'Backup'", "job 65f0…". */
  subject?: string;
  oneShot: boolean;
  /** Which variables hold the credentials, for 401 hints. */
  credentialHint: string;
  redactor: Redactor;
}

export function looksLikeHtml(res: RawResponse): boolean {
  return isHtml(res.contentType, res.text);
}

function pageDescription(text: string): string {
  const title = htmlTitle(text);
  return title ? `an HTML page titled "${title}"` : 'an HTML page';
}

/** Validation details some Itential errors carry next to `message` (shape UNCONFIRMED: read defensively). */
function validationDetails(body: Record<string, unknown>): string[] {
  const holders = [body.metadata, body.data, body];
  for (const holder of holders) {
    if (!isRecord(holder) || !Array.isArray(holder.errors)) continue;
    return holder.errors.slice(0, 5).map((e) => {
      if (!isRecord(e)) return readableMessage(e);
      const where = typeof e.instancePath === 'string' && e.instancePath ? `${e.instancePath}: ` : '';
      return `${where}${readableMessage(e.message ?? e)}`;
    });
  }
  return [];
}

/** What the body says, and whether it came from Itential itself (its JSON envelope) rather than a proxy. */
export function bodyMessage(res: RawResponse): { text: string; fromItential: boolean } {
  if (res.text.trim() === '') return { text: 'no body', fromItential: false };
  if (looksLikeHtml(res)) return { text: pageDescription(res.text), fromItential: false };
  const body = parseJson(res.text);
  if (body === undefined) return { text: `"${truncate(res.text.trim(), 200)}"`, fromItential: false };
  if (!isRecord(body)) return { text: readableMessage(body), fromItential: false };
  const main = readableMessage(body.message ?? body.error ?? body);
  const details = validationDetails(body).filter((d) => d !== main);
  return { text: [main, ...details].join('; '), fromItential: 'message' in body };
}

/** Only the path: a redirect's query may carry a token. */
function redirectPath(location: string | undefined): string {
  if (!location) return '';
  try {
    return ` to ${new URL(location, 'http://itential.invalid').pathname}`;
  } catch {
    return '';
  }
}

function statusHint(status: number, ctx: FailureContext, res: RawResponse): string {
  if (status >= 300 && status < 400) {
    return `Itential redirected the request${redirectPath(res.headers.location)}: check ITENTIAL_BASE_URL (scheme, host, path prefix) and whether an SSO proxy sits in front of the API.`;
  }
  switch (status) {
    case 400:
    case 422:
      return 'Itential rejected the request as invalid: check the workflow name, job type, variables and groups.';
    case 401:
      return `Itential did not accept the bot's credentials, even after logging in again: check ${ctx.credentialHint}.`;
    case 403:
      return "The bot's Itential account lacks a role or group for this: ask an Itential admin to grant it (Operations Manager roles, and membership of the job's groups).";
    case 404:
      return `${ctx.subject ?? 'The item'} was not found: it may have been renamed or deleted, or the bot's account cannot see it.`;
    case 408:
    case 429:
      return 'Itential is busy; this is temporary, try again shortly.';
    case 409:
      return 'Itential reports a conflict with the current state; look at it in Itential before trying again.';
    case 500:
      return "Itential failed while handling the request; the message is its own. If it persists, check Itential's logs.";
    case 502:
    case 503:
    case 504:
      return ctx.oneShot
        ? 'Itential or a proxy in front of it failed; the request may still have taken effect: check Itential before trying again.'
        : 'Itential or a proxy in front of it is unavailable; this is usually temporary, try again shortly.';
    default:
      return 'Unexpected answer from Itential; the message is its own.';
  }
}

const TEMPORARY = new Set([408, 429, 502, 503, 504]);

/** An HTTP status that is not success, as one readable error. */
export function statusError(res: RawResponse, ctx: FailureContext): UpstreamError {
  const { text, fromItential } = bodyMessage(res);
  const gateway = res.status === 502 || res.status === 503 || res.status === 504;
  return new UpstreamError({
    system: SYSTEM_ID,
    action: ctx.action,
    kind: res.status === 401 ? 'auth' : 'http',
    httpStatus: res.status,
    upstreamCode: res.status === 404 ? 'not_found' : String(res.status),
    message: ctx.redactor.clip(`HTTP ${res.status}: ${text}`, MAX_MESSAGE),
    hint: statusHint(res.status, ctx, res),
    retryable: TEMPORARY.has(res.status),
    // A gateway error that is not Itential's own answer says nothing about whether the request ran.
    ambiguous: ctx.oneShot && gateway && !fromItential,
  });
}

/** A success status whose body cannot be used. */
export function badResponse(detail: string, ctx: FailureContext, hint?: string): UpstreamError {
  return new UpstreamError({
    system: SYSTEM_ID,
    action: ctx.action,
    kind: 'bad_response',
    message: ctx.redactor.clip(`Itential answered with ${detail}`, MAX_MESSAGE),
    hint:
      hint ??
      'Something other than the Itential API answered (a proxy, an SSO page, a wrong ITENTIAL_BASE_URL), or Itential changed its API.',
    retryable: false,
    // The request reached something that answered 2xx: a one-shot request probably ran.
    ambiguous: ctx.oneShot,
  });
}

/** The JSON body of a success response. */
export function jsonBody(res: RawResponse, ctx: FailureContext): unknown {
  if (looksLikeHtml(res)) return failJson(`${pageDescription(res.text)} instead of JSON`, ctx);
  const body = parseJson(res.text);
  if (body === undefined) {
    return failJson(
      res.text.trim() === '' ? 'an empty body' : `text that is not JSON ("${truncate(res.text.trim(), 80)}")`,
      ctx,
    );
  }
  return body;
}

function failJson(detail: string, ctx: FailureContext): never {
  throw badResponse(detail, ctx);
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

/** A request that got no usable answer, in Itential's words, with its network and TLS hints. */
export function transportError(
  failure: TransportFailure,
  req: ItentialRequest,
  host: string,
  maxResponseBytes: number,
): UpstreamError {
  const { code } = failure;
  const base = { system: SYSTEM_ID, action: req.action };
  if (failure.reason === 'too_large') {
    return new UpstreamError({
      ...base,
      kind: 'bad_response',
      message: `Itential's answer was larger than the ${Math.round(maxResponseBytes / 1024)} KiB the bot accepts`,
      hint: 'An unexpectedly large answer usually means a proxy or the wrong endpoint; check ITENTIAL_BASE_URL.',
      retryable: false,
      ambiguous: req.oneShot,
    });
  }
  if (failure.reason === 'timed_out') {
    return new UpstreamError({
      ...base,
      kind: 'timeout',
      upstreamCode: 'timeout',
      message: `Itential at ${host} did not answer within ${failure.timeoutMs / 1000} s`,
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
    upstreamCode: code,
    message: `Itential at ${host} could not be reached (${code ?? 'network error'})`,
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
