/** A failure the fake answers in Zitadel's error form (REST or Connect, chosen per fake instance). */
export class GrpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** Zitadel's error id, appended to the message as `(ID)` and put in `details[].id`. */
    readonly errorId?: string,
  ) {
    super(message);
  }
}

export type ErrorStyle = 'rest' | 'connect';

const CONNECT_CODES = [
  'ok',
  'canceled',
  'unknown',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'internal',
  'unavailable',
  'data_loss',
  'unauthenticated',
] as const;

const HTTP_STATUS = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401];

export function connectCode(code: number): string {
  return CONNECT_CODES[code] ?? 'unknown';
}

export function httpStatusOf(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

/** The body Zitadel serves for an error, in either protocol's shape. */
export function errorBody(error: GrpcError, style: ErrorStyle): Record<string, unknown> {
  const message = error.errorId ? `${error.message} (${error.errorId})` : error.message;
  const detail = { id: error.errorId, message: error.message };
  if (style === 'rest') {
    return {
      code: error.code,
      message,
      details: error.errorId ? [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', ...detail }] : [],
    };
  }
  return {
    code: connectCode(error.code),
    message,
    ...(error.errorId
      ? {
          details: [
            {
              type: 'zitadel.v1.ErrorDetail',
              value: Buffer.from(JSON.stringify(detail)).toString('base64'),
              debug: detail,
            },
          ],
        }
      : {}),
  };
}
