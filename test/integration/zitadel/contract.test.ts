import type { ErrorStyle, Fault } from '../../fakes/zitadel';
import { type ErrorRow, runContractSuite } from '../shared/contract-suite';
import { ctx, parseInput, startHarness } from './harness';

/** gRPC code → its name, the HTTP status the gateway gives it, and the hint (research B.6). */
const CODES: Record<number, [string, number, RegExp]> = {
  1: ['CANCELLED', 499, /cancelled before Zitadel finished/],
  2: ['UNKNOWN', 500, /failed internally/],
  3: ['INVALID_ARGUMENT', 400, /rejected the request/],
  4: ['DEADLINE_EXCEEDED', 504, /^Temporary/],
  5: ['NOT_FOUND', 404, /is not known to this Zitadel/],
  6: ['ALREADY_EXISTS', 409, /already exists/],
  7: ['PERMISSION_DENIED', 403, /lacks the permission action\.execution\.write/],
  8: ['RESOURCE_EXHAUSTED', 429, /^Temporary/],
  9: ['FAILED_PRECONDITION', 400, /precondition/],
  10: ['ABORTED', 409, /concurrent change/],
  11: ['OUT_OF_RANGE', 400, /out of range/],
  12: ['UNIMPLEMENTED', 501, /does not serve Actions v2/],
  13: ['INTERNAL', 500, /failed internally/],
  14: ['UNAVAILABLE', 503, /^Temporary/],
  15: ['DATA_LOSS', 500, /data loss/],
  16: ['UNAUTHENTICATED', 401, /urn:zitadel:iam:org:project:id:zitadel:aud/],
};
/** Retried: SetExecution replaces the whole list, and each attempt re-reads the list first. */
const TRANSIENT = new Set([4, 8, 10, 14]);

const rows: ErrorRow<Fault>[] = Object.entries(CODES).map(([number, [name, status, hint]]) => {
  const code = Number(number);
  return {
    name: `gRPC ${code} ${name}`,
    answer: { kind: 'grpc', code, message: `Zitadel says ${code}`, errorId: `TEST-${code}x` },
    problem: {
      kind: code === 16 || code === 7 ? 'auth' : 'http',
      retryable: TRANSIENT.has(code),
      httpStatus: status,
      upstreamCode: name,
      message: `Zitadel says ${code}`,
      hint,
    },
    writes: TRANSIENT.has(code) ? 3 : 1,
  };
});

const VALUES = { kind: 'event', scope: 'event', event: 'user.human.added' };

for (const errorStyle of ['rest', 'connect'] as ErrorStyle[]) {
  runContractSuite<Fault>({
    name: 'Zitadel',
    variant: `${errorStyle} error bodies`,
    id: 'zitadel',
    writeAction: 'set the execution',
    readAction: 'read the executions',
    errorTable: rows,
    transient: { kind: 'grpc', code: 14, message: 'unavailable' },
    reset: { kind: 'reset' },
    permanent: { kind: 'grpc', code: 3, message: 'invalid' },
    echo: (text) => ({ kind: 'grpc', code: 3, message: text, errorId: 'ECHO-1' }),
    readAttempts: 3,
    async start() {
      const h = await startHarness({ errorStyle });
      const input = parseInput(h.op, { ...VALUES, targets: [h.fake.addTarget({ name: 'audit-log' })] });
      return {
        secrets: () => [{ name: 'ZITADEL_TOKEN', value: h.config.token }],
        logs: () => h.log.lines,
        answerWrite: (answer, times) => h.fake.inject('SetExecution', answer, times),
        answerRead: (answer, times) => h.fake.inject('ListExecutions', answer, times),
        async write() {
          const preview = await h.op.preview(input);
          return h.op.start(input, ctx(), preview.fingerprint);
        },
        read: () => h.query.run(''),
        writes: () => h.fake.requests('SetExecution').length,
        reads: () => h.fake.requests('ListExecutions').length,
        close: () => h.close(),
      };
    },
  });
}
