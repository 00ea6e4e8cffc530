import { randomUUID } from 'node:crypto';

/** goa's ErrorResponse, as every IaCM error status of the seed declares it (content type application/vnd.goa.error). */
export interface GoaBody {
  name: string;
  id: string;
  message: string;
  temporary: boolean;
  timeout: boolean;
  fault: boolean;
}

/** The NextGen envelope the pipeline service answers errors with. */
export interface NgBody {
  status: 'ERROR' | 'FAILURE';
  code: string;
  message: string;
  correlationId: string;
  detailedMessage: string | null;
  responseMessages: { code: string; level: string; message: string }[];
}

/** Every status the seed declares, with the goa name and flags a goa service gives it. */
export const DECLARED_STATUSES = [400, 401, 403, 404, 408, 409, 423, 499, 500, 502] as const;

const GOA_DEFAULTS: Record<number, Omit<GoaBody, 'id'>> = {
  400: { name: 'bad_request', message: 'invalid request', temporary: false, timeout: false, fault: false },
  401: {
    name: 'unauthorized',
    message: 'invalid or missing API key',
    temporary: false,
    timeout: false,
    fault: false,
  },
  403: { name: 'forbidden', message: 'access denied', temporary: false, timeout: false, fault: false },
  404: { name: 'not_found', message: 'not found', temporary: false, timeout: false, fault: false },
  408: { name: 'timeout', message: 'request timed out', temporary: true, timeout: true, fault: false },
  409: {
    name: 'conflict',
    message: 'resource already exists',
    temporary: false,
    timeout: false,
    fault: false,
  },
  423: { name: 'locked', message: 'resource is locked', temporary: true, timeout: false, fault: false },
  499: {
    name: 'context_cancelled',
    message: 'context canceled',
    temporary: true,
    timeout: false,
    fault: false,
  },
  500: {
    name: 'internal_server_error',
    message: 'internal error',
    temporary: false,
    timeout: false,
    fault: true,
  },
  502: { name: 'bad_gateway', message: 'upstream unavailable', temporary: true, timeout: false, fault: true },
};

export function goaBody(status: number, overrides: Partial<GoaBody> = {}): GoaBody {
  const defaults = GOA_DEFAULTS[status] ?? {
    name: 'error',
    message: 'error',
    temporary: false,
    timeout: false,
    fault: status >= 500,
  };
  return { ...defaults, id: randomUUID().slice(0, 8), ...overrides };
}

export function ngBody(code: string, message: string, overrides: Partial<NgBody> = {}): NgBody {
  return {
    status: 'ERROR',
    code,
    message,
    correlationId: randomUUID(),
    detailedMessage: null,
    responseMessages: [{ code, level: 'ERROR', message }],
    ...overrides,
  };
}
