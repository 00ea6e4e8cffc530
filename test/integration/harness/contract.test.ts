import type { Fault } from '../../fakes/harness/harness-fake';
import { DECLARED_STATUSES } from '../../fakes/harness/error-bodies';
import { type ErrorRow, runContractSuite } from '../shared/contract-suite';
import { addPlanExecution, harnessWorld, runInput } from './world';

/** The hint each declared status gives (issue 3, "Errors a user must be able to read"). */
const HINTS: Record<(typeof DECLARED_STATUSES)[number], RegExp> = {
  400: /invalid/,
  401: /API key \(HARNESS_API_KEY\)/,
  403: /permission on org "default", project "infra"/,
  404: /found no module "[^"]+".*Check the id/,
  408: /temporary/,
  409: /conflict/,
  423: /locked .*Wait for that to finish/,
  499: /temporary/,
  500: /error id/,
  502: /temporary/,
};
/** goa `temporary` (or a status the research lists as transient): 408, 423, 499, 502. */
const TRANSIENT = new Set([408, 423, 499, 502]);

const rows: ErrorRow<Fault>[] = DECLARED_STATUSES.map((status) => ({
  name: `${status} with a goa body`,
  answer: { kind: 'goa', status, body: { id: `err-${status}`, message: `harness says ${status}` } },
  problem: {
    kind: status === 401 || status === 403 ? 'auth' : 'http',
    retryable: TRANSIENT.has(status),
    httpStatus: status,
    message: `harness says ${status}`,
    hint: HINTS[status],
  },
}));

runContractSuite<Fault>({
  name: 'Harness IaCM',
  id: 'iacm',
  writeAction: 'create the module execution',
  readAction: 'read the pipeline execution',
  errorTable: [
    ...rows,
    {
      name: 'an HTML error page from a proxy',
      answer: { kind: 'html', status: 403, title: 'Access denied' },
      problem: { kind: 'auth', retryable: false, httpStatus: 403, hint: /permission/ },
    },
  ],
  transient: { kind: 'goa', status: 502 },
  reset: { kind: 'reset' },
  permanent: { kind: 'goa', status: 400 },
  echo: (text) => ({ kind: 'goa', status: 401, body: { message: text } }),
  readAttempts: 3,
  async start() {
    const world = await harnessWorld();
    const moduleId = world.fake.addModule({ name: 'terraform-aws-vpc' }).id;
    addPlanExecution(world.fake);
    const input = runInput({ module: moduleId });
    return {
      secrets: () => [{ name: 'HARNESS_API_KEY', value: world.fake.apiKey }],
      logs: () => world.logs,
      answerWrite: (answer, times) => world.fake.inject('createExecution', answer, times),
      answerRead: (answer, times) => world.fake.inject('pipelineExecution', answer, times),
      write: () => world.op.start(input),
      read: () => world.op.poll({ upstreamId: 'exec_0001', input }),
      writes: () => world.fake.requestsTo('createExecution').length,
      reads: () => world.fake.requestsTo('pipelineExecution').length,
      close: () => world.close(),
    };
  },
});
