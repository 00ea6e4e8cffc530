import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parse } from 'node:querystring';
import type { ReplayCache } from './replay-cache';

/** Slack's window for `X-Slack-Request-Timestamp`, in both directions (Bolt only checks the past). */
export const TIMESTAMP_TOLERANCE_SEC = 300;

/** Commands and interactions: exactly this, as Bolt compares it with `===` and Slack sends nothing else. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
/** Events API deliveries. */
export const JSON_CONTENT_TYPE = 'application/json';

export interface SlackHttpRequest {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface GuardContext {
  signingSecret: string;
  nowSec: number;
  replays: ReplayCache;
}

export type RejectionStatus = 400 | 401 | 415;

export type Verdict = { ok: true } | { ok: false; status: RejectionStatus; reason: string };

const reject = (status: RejectionStatus, reason: string): Verdict => ({ ok: false, status, reason });

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

function isTyped(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

function parsesAsTyped(text: string): boolean {
  try {
    return isTyped(JSON.parse(text));
  } catch {
    return false;
  }
}

/** Slack's HMAC: `v0=` + hex(HMAC-SHA256(secret, `v0:{timestamp}:{body}`)). */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

function signatureMatches(expected: string, received: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * What Slack sends for each content type: a slash command (`command=`) or an interaction (`payload=` holding a
 * JSON object with a `type`) as a form; an Events API envelope (an object with a `type`) as JSON.
 */
function bodyMatchesContentType(contentType: string, text: string): boolean {
  if (contentType === JSON_CONTENT_TYPE) return parsesAsTyped(text);
  const form = parse(text);
  if (typeof form.payload === 'string') return parsesAsTyped(form.payload);
  return typeof form.command === 'string';
}

/**
 * Slack retries an Events API delivery with `X-Slack-Retry-Num` 1..3. Retries are signed anew, but should one
 * ever carry the first delivery's signature it must still get through: each retry number of a signed event is
 * accepted once, which is no more than Slack itself may deliver, and events are idempotent on `event_id`.
 * Commands and interactions are never retried, so any repeat of their signature is a replay.
 */
function replayKey(contentType: string, signature: string, headers: IncomingHttpHeaders): string {
  const retryNum = single(headers, 'x-slack-retry-num');
  return contentType === JSON_CONTENT_TYPE && retryNum !== undefined && /^\d{1,2}$/.test(retryNum)
    ? `${signature}#${retryNum}`
    : signature;
}

/**
 * Decides whether a request to the Slack endpoint is Slack's, before any listener sees it: content type,
 * signature, timestamp window (past and future), body shape, and replays within the window. `ssl_check`
 * is unsigned by design and passes; Bolt answers it and drops anything else in its body.
 */
export function guardSlackRequest(request: SlackHttpRequest, context: GuardContext): Verdict {
  const contentType = single(request.headers, 'content-type');
  if (contentType !== FORM_CONTENT_TYPE && contentType !== JSON_CONTENT_TYPE) {
    return reject(415, 'unsupported content type');
  }
  const text = request.rawBody.toString('utf8');
  if (contentType === FORM_CONTENT_TYPE && parse(text).ssl_check === '1') return { ok: true };

  const signature = single(request.headers, 'x-slack-signature');
  if (signature === undefined) return reject(401, 'missing signature');
  const timestamp = single(request.headers, 'x-slack-request-timestamp');
  if (timestamp === undefined) return reject(401, 'missing timestamp');
  if (!/^\d{1,12}$/.test(timestamp)) return reject(401, 'malformed timestamp');
  const timestampSec = Number(timestamp);
  if (timestampSec < context.nowSec - TIMESTAMP_TOLERANCE_SEC) return reject(401, 'stale timestamp');
  if (timestampSec > context.nowSec + TIMESTAMP_TOLERANCE_SEC) return reject(401, 'future timestamp');
  if (!signatureMatches(slackSignature(context.signingSecret, timestamp, request.rawBody), signature)) {
    return reject(401, 'bad signature');
  }

  if (!bodyMatchesContentType(contentType, text)) return reject(400, 'body does not match its content type');
  const fresh = context.replays.claim(
    replayKey(contentType, signature, request.headers),
    timestampSec + TIMESTAMP_TOLERANCE_SEC,
    context.nowSec,
  );
  return fresh ? { ok: true } : reject(401, 'replayed request');
}
