import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parse, type ParsedUrlQuery } from 'node:querystring';
import { z } from 'zod';
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

/** 200: Slack's retry of an event already received, answered so that Slack stops retrying it, and not handled. */
export type RejectionStatus = 200 | 400 | 401 | 415;

export type Verdict = { ok: true } | { ok: false; status: RejectionStatus; reason: string };

const reject = (status: RejectionStatus, reason: string): Verdict => ({ ok: false, status, reason });

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** What the guard needs to know of a body Slack sent. */
interface SlackBody {
  /** A picker search: answering it changes nothing, and identical ones within a second are legitimate. */
  suggestion: boolean;
  /** Slack's id of this one command or interaction, the same in any retry of it. */
  triggerId?: string;
  /** Slack's id of this one event, the same in any retry of it. */
  eventId?: string;
}

/** The part of an Events API envelope the guard reads; `event_id` is absent from `url_verification`. */
const eventEnvelope = z.object({
  type: z.string(),
  event_id: z.string().min(1).optional().catch(undefined),
});

function typed(value: unknown): { type: string; trigger_id?: unknown } | undefined {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
    ? (value as { type: string })
    : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseTyped(text: string): { type: string; trigger_id?: unknown } | undefined {
  return typed(parseJson(text));
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
 * JSON object with a `type`) as a form; an Events API envelope (an object with a `type`) as JSON. `form` is the
 * body parsed as a form, undefined for JSON. Undefined when the body is none of these.
 */
function readBody(text: string, form: ParsedUrlQuery | undefined): SlackBody | undefined {
  if (!form) {
    const envelope = eventEnvelope.safeParse(parseJson(text));
    return envelope.success ? { suggestion: false, eventId: envelope.data.event_id } : undefined;
  }
  if (typeof form.payload === 'string') {
    const payload = parseTyped(form.payload);
    if (!payload) return undefined;
    const triggerId = typeof payload.trigger_id === 'string' ? payload.trigger_id : undefined;
    return { suggestion: payload.type === 'block_suggestion', triggerId };
  }
  if (typeof form.command !== 'string') return undefined;
  return { suggestion: false, triggerId: typeof form.trigger_id === 'string' ? form.trigger_id : undefined };
}

/**
 * How long an accepted request is remembered: past Slack's retries (after 1 and 5 minutes) with a margin,
 * and past the timestamp window, in which a replay of the same bytes could come.
 */
export const REQUEST_KEY_TTL_SEC = 15 * 60;

/**
 * The key that recognises a request when it comes again. A command or interaction is known by its
 * `trigger_id`, an event by its `event_id`, so a repeat is caught even when signed anew, on any replica:
 * Slack retries an Events API delivery (`X-Slack-Retry-Num` 1..3, a new timestamp and signature) when the
 * first one seemed lost, and Bolt would handle each one. A JSON body without an `event_id` is known by its
 * signature, each retry number once. Picker searches have no key: Slack asks again with the same bytes when
 * the same person types the same text within a second, and both get their options.
 */
function requestKey(
  contentType: string,
  body: SlackBody,
  signature: string,
  headers: IncomingHttpHeaders,
): string | undefined {
  if (body.suggestion) return undefined;
  if (body.triggerId !== undefined) return `trigger:${body.triggerId}`;
  if (body.eventId !== undefined) return `event:${body.eventId}`;
  const retryNum = single(headers, 'x-slack-retry-num');
  return contentType === JSON_CONTENT_TYPE && retryNum !== undefined && /^\d{1,2}$/.test(retryNum)
    ? `${signature}#${retryNum}`
    : signature;
}

/**
 * Decides whether a request to the Slack endpoint is Slack's, before any listener sees it: content type,
 * signature, timestamp window (past and future), body shape, and replays or retries of a request already
 * accepted (on any replica, with a shared store). `ssl_check`
 * is unsigned by design and passes; Bolt answers it and drops anything else in its body. The guard is the
 * only signature check: Bolt's own is off (see GuardedHttpReceiver).
 */
export async function guardSlackRequest(request: SlackHttpRequest, context: GuardContext): Promise<Verdict> {
  const contentType = single(request.headers, 'content-type');
  if (contentType !== FORM_CONTENT_TYPE && contentType !== JSON_CONTENT_TYPE) {
    return reject(415, 'unsupported content type');
  }
  const text = request.rawBody.toString('utf8');
  const form = contentType === FORM_CONTENT_TYPE ? parse(text) : undefined;
  // Bolt answers a form with ssl_check=1 as the check, unless it has a `payload`: it then reads the
  // payload as an interaction instead, so that one must be signed like any other.
  if (form?.ssl_check === '1' && form.payload === undefined) return { ok: true };

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

  const body = readBody(text, form);
  if (!body) return reject(400, 'body does not match its content type');
  const key = requestKey(contentType, body, signature, request.headers);
  if (key === undefined) return { ok: true };
  const fresh = await context.replays.claim(key, context.nowSec + REQUEST_KEY_TTL_SEC, context.nowSec);
  if (fresh) return { ok: true };
  // A refused retry would only be retried again, and counted against the app as a failed delivery.
  return body.eventId !== undefined ? reject(200, 'event already received') : reject(401, 'replayed request');
}
