/**
 * The 16 gRPC status codes as Zitadel serves them: a number in REST (grpc-gateway) bodies, a
 * snake_case word in Connect bodies. `transient` codes are the ones worth retrying after a pause.
 */
export interface GrpcCode {
  number: number;
  /** `NOT_FOUND`: what the user sees. */
  name: string;
  /** `not_found`: the Connect protocol's spelling. */
  connect: string;
  http: number;
  transient: boolean;
}

const code = (number: number, connect: string, http: number, transient = false): GrpcCode => ({
  number,
  name: connect === 'canceled' ? 'CANCELLED' : connect.toUpperCase(),
  connect,
  http,
  transient,
});

const UNKNOWN = code(2, 'unknown', 500);

export const GRPC_CODES: readonly GrpcCode[] = [
  code(1, 'canceled', 499),
  UNKNOWN,
  code(3, 'invalid_argument', 400),
  code(4, 'deadline_exceeded', 504, true),
  code(5, 'not_found', 404),
  code(6, 'already_exists', 409),
  code(7, 'permission_denied', 403),
  code(8, 'resource_exhausted', 429, true),
  code(9, 'failed_precondition', 400),
  code(10, 'aborted', 409, true),
  code(11, 'out_of_range', 400),
  code(12, 'unimplemented', 501),
  code(13, 'internal', 500),
  code(14, 'unavailable', 503, true),
  code(15, 'data_loss', 500),
  code(16, 'unauthenticated', 401),
];

const byNumber = new Map(GRPC_CODES.map((c) => [c.number, c]));
const byWord = new Map(
  GRPC_CODES.flatMap((c) => [[c.connect, c] as const, [c.name.toLowerCase(), c] as const]),
);

/** Accepts `5`, `"5"`, `"not_found"` or `"NOT_FOUND"`. */
export function grpcCode(value: unknown): GrpcCode | undefined {
  if (typeof value === 'number') return byNumber.get(value);
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value)) return byNumber.get(Number(value));
  return byWord.get(value.toLowerCase());
}

/** For answers without a gRPC body (a proxy's HTML page): the code the HTTP status stands for. */
export function grpcCodeForHttp(status: number): GrpcCode {
  const known: Record<number, number> = {
    400: 3,
    401: 16,
    403: 7,
    404: 5,
    405: 12,
    408: 4,
    409: 10,
    429: 8,
    499: 1,
    501: 12,
    502: 14,
    503: 14,
    504: 4,
  };
  return byNumber.get(known[status] ?? (status >= 500 ? 13 : 2)) ?? UNKNOWN;
}
