import { z } from 'zod';
import { parseJson } from '../shared/json';
import type { Redactor } from '../shared/redaction';
import type { TransportFailure } from '../shared/transport-failure';
import { SYSTEM_ID } from './definition';
import { type GrpcCode, grpcCode, grpcCodeForHttp } from './status-codes';
import { UpstreamError } from '../../core/errors';

const MAX_MESSAGE = 500;
/** Lists of a few thousand targets or executions stay far below this. */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
const AUDIENCE = 'urn:zitadel:iam:org:project:id:zitadel:aud';
/** Zitadel's id for "the instance feature `actions` is off". */
const FEATURE_OFF_ID = 'ACTION-8o6pvqfjhs';

/** What the bot was doing when a call failed; shapes the hint. */
export interface CallContext {
  /** Verb phrase: "set the execution", "list the targets". */
  action: string;
  /** The permission the call needs, named in the PERMISSION_DENIED hint. */
  permission?: string;
  /** A write: a timeout may have taken effect, so it is ambiguous rather than retryable. */
  write?: boolean;
  /** What the bot itself knows is missing, for the NOT_FOUND hint ("target 123 is not in the target list"). */
  notFound?: string;
}

const detailSchema = z
  .object({
    id: z.string().optional(),
    message: z.string().optional(),
    debug: z.object({ id: z.string().optional(), message: z.string().optional() }).loose().optional(),
  })
  .loose();

/** REST (grpc-gateway, numeric code) and Connect (string code) bodies share this shape. */
const errorBodySchema = z
  .object({
    code: z.union([z.number(), z.string()]).optional(),
    message: z.string().optional(),
    details: z.array(z.unknown()).optional(),
  })
  .loose();

export interface ZitadelErrorBody {
  code?: GrpcCode;
  message?: string;
  errorId?: string;
}

const ID_SUFFIX = /\s*\(([A-Za-z0-9]+-[A-Za-z0-9]+)\)\s*$/;

/** Reads either error form; anything unparseable yields an empty result, never a throw. */
export function parseErrorBody(text: string): ZitadelErrorBody {
  const body = errorBodySchema.safeParse(parseJson(text));
  if (!body.success) return {};
  const detailIds = (body.data.details ?? []).flatMap((item) => {
    const detail = detailSchema.safeParse(item);
    if (!detail.success) return [];
    const id = detail.data.id ?? detail.data.debug?.id;
    return id ? [id] : [];
  });
  const rawMessage = body.data.message?.trim();
  const suffixId = rawMessage ? ID_SUFFIX.exec(rawMessage)?.[1] : undefined;
  const errorId = detailIds[0] ?? suffixId;
  const message =
    rawMessage && errorId
      ? rawMessage.replace(ID_SUFFIX, (all, id: string) => (id === errorId ? '' : all))
      : rawMessage;
  return { code: grpcCode(body.data.code), message: message || undefined, errorId };
}

function isFeatureOff(body: ZitadelErrorBody): boolean {
  if (body.errorId === FEATURE_OFF_ID) return true;
  const message = body.message ?? '';
  return (
    /Errors\.Action\.NotEnabled/.test(message) || /\bactions?\b[^.]*\b(not enabled|disabled)\b/i.test(message)
  );
}

/** Form field ids named by Zitadel's validation messages (`invalid RequestExecution.Method: …`). */
const FIELD_PATTERNS: [RegExp, string, string][] = [
  [/Execution\.Method\b/i, 'method', 'method'],
  [/Execution\.Service\b/i, 'service', 'service'],
  [/Execution\.All\b/i, 'scope', 'condition scope'],
  [/FunctionExecution\.Name\b/i, 'function', 'function'],
  [/EventExecution\.Event\b/i, 'event', 'event'],
  [/EventExecution\.Group\b/i, 'group', 'event group'],
  [/\btargets?\b/i, 'targets', 'targets'],
  [/\bcondition/i, 'kind', 'condition'],
];

/** The form field a 3/INVALID_ARGUMENT message is about, if it says. */
function invalidField(message: string | undefined): { id: string; label: string } | undefined {
  if (!message) return undefined;
  const hit = FIELD_PATTERNS.find(([pattern]) => pattern.test(message));
  return hit ? { id: hit[1], label: hit[2] } : undefined;
}

function hintFor(code: GrpcCode, body: ZitadelErrorBody, ctx: CallContext): string {
  if (isFeatureOff(body)) {
    return (
      'The instance feature "actions" is disabled, so Zitadel refuses to manage targets and executions. ' +
      'An instance admin can enable it (Console → Default settings → Features → Actions, or the Feature service), then try again.'
    );
  }
  switch (code.number) {
    case 16:
      return (
        'Zitadel did not accept ZITADEL_TOKEN. Check that it is a valid, unexpired personal access token of a service user, ' +
        `and that the token carries the audience ${AUDIENCE} (tokens issued for another project are rejected).`
      );
    case 7:
      return `The service user behind ZITADEL_TOKEN lacks the permission ${ctx.permission ?? 'needed for this call'}; grant it a role that includes it (e.g. IAM_OWNER), then try again.`;
    case 3: {
      const field = invalidField(body.message);
      return field
        ? `Zitadel rejected the ${field.label}: correct it in the form and try again.`
        : 'Zitadel rejected the request; check the condition and the targets in the form.';
    }
    case 5:
      if (ctx.notFound) return ctx.notFound;
      if (body.message === 'Not Found' && !body.errorId) {
        return 'This Zitadel does not serve the route; it may predate Actions v2. Check ZITADEL_BASE_URL and the Zitadel version.';
      }
      return 'Something the request names does not exist in Zitadel (a target, or the condition’s method, service, function or event). Pick it again from the form.';
    case 12:
      return 'This Zitadel instance does not serve Actions v2 (/v2/actions/…). Upgrade Zitadel, or check that ZITADEL_BASE_URL points at the instance itself.';
    case 4:
    case 8:
    case 14:
      return 'Temporary: Zitadel is busy, rate-limiting or unreachable. Flightdeck retried; try again in a minute.';
    case 10:
      return 'Temporary: a concurrent change in Zitadel aborted the call. Try again; Flightdeck re-reads the current state first.';
    case 1:
      return 'The call was cancelled before Zitadel finished. Try again.';
    case 6:
      return 'It already exists in Zitadel; look it up by name instead of creating it again.';
    case 9:
      return 'A precondition in Zitadel is not met (for example a circular include); check the execution in the Zitadel console.';
    case 11:
      return 'A page offset or limit was out of range. Report this to the Flightdeck maintainers.';
    case 15:
      return 'Zitadel reported data loss. Contact its operators and quote the error id.';
    case 2:
    case 13:
    default:
      return 'Zitadel failed internally. Try again; if it persists, give its operators the error id.';
  }
}

/** An HTTP answer that is not a success, in either body form, as one readable error. */
export function errorFromResponse(
  status: number,
  bodyText: string,
  ctx: CallContext,
  redactor: Redactor,
): UpstreamError {
  const body = parseErrorBody(bodyText);
  if (!body.code && status >= 300 && status < 400) {
    return new UpstreamError({
      system: SYSTEM_ID,
      action: ctx.action,
      kind: 'http',
      message: `Zitadel answered with a redirect (HTTP ${status}) instead of the API.`,
      httpStatus: status,
      hint: 'Check ZITADEL_BASE_URL: it must be the instance URL itself (https://, no path such as /ui/console).',
      retryable: false,
    });
  }
  const code = body.code ?? grpcCodeForHttp(status);
  const message = body.message
    ? redactor.clip(body.message, MAX_MESSAGE)
    : `Zitadel answered HTTP ${status} without an error message.`;
  return new UpstreamError({
    system: SYSTEM_ID,
    action: ctx.action,
    kind: code.number === 16 || code.number === 7 ? 'auth' : 'http',
    message: isFeatureOff(body)
      ? `The "actions" feature is disabled on this Zitadel instance: ${message}`
      : message,
    httpStatus: status,
    upstreamCode: code.name,
    errorId: body.errorId ? redactor.clip(body.errorId, MAX_MESSAGE) : undefined,
    hint: hintFor(code, body, ctx),
    retryable: code.transient,
    ambiguous: ctx.write === true && (code.number === 4 || code.number === 1),
  });
}

/** A 2xx answer Flightdeck cannot read. */
export function badResponse(spec: CallContext & { path: string }, what: string): UpstreamError {
  return new UpstreamError({
    system: SYSTEM_ID,
    action: spec.action,
    kind: 'bad_response',
    message: `Zitadel answered ${spec.path} with something Flightdeck cannot read (${what}).`,
    hint: 'Zitadel’s API may have changed. Report it to the Flightdeck maintainers with the Zitadel version.',
    retryable: false,
  });
}

/** A request that got no usable answer, in Zitadel's words. */
export function transportError(
  failure: TransportFailure,
  spec: CallContext & { path: string },
  config: { timeoutMs: number; baseUrl: string },
  redactor: Redactor,
): UpstreamError {
  if (failure.reason === 'too_large') {
    return badResponse(spec, `the answer is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MB`);
  }
  const { code } = failure;
  const write = spec.write === true;
  const timedOut = failure.reason === 'timed_out';
  const notSent = failure.reason === 'not_sent';
  return new UpstreamError({
    system: SYSTEM_ID,
    action: spec.action,
    kind: timedOut ? 'timeout' : 'network',
    message: timedOut
      ? `Zitadel did not answer within ${config.timeoutMs / 1000} s.`
      : `Could not reach Zitadel at ${config.baseUrl} (${code ?? redactor.clean(failure.detail)}).`,
    upstreamCode: code,
    hint: notSent
      ? 'Check ZITADEL_BASE_URL and that Zitadel is reachable from Flightdeck.'
      : write
        ? 'The change may or may not have been applied. Check the execution in Zitadel (/ops zitadel executions) before trying again.'
        : 'Temporary network trouble; try again in a minute.',
    retryable: !write || notSent,
    ambiguous: failure.ambiguous,
  });
}
