import type { StartInput } from '../../../src/integrations/itential/start-input';
import { type FaultKind, steps } from '../../fakes/itential';
import type { Secret } from '../../security/secret-scanner';
import { type ErrorRow, runContractSuite } from '../shared/contract-suite';
import { type AuthMode, type Rig, SECRET_OF, startContext, startRig, TEST_TUNING } from './rig';

const WORKFLOW = 'Single';
const START = '/operations-manager/jobs/start';
const JOB = /^\/operations-manager\/jobs\/[^/]+$/;
const input: StartInput = { workflow: WORKFLOW, type: 'automation', variables: {}, groups: [] };

const json = (status: number, message: string): FaultKind => ({
  kind: 'status',
  status,
  body: JSON.stringify({ message, data: null }),
});

/** Itential's envelope `{message, data}` per status, and a proxy's answers (research C.5). */
function errorTable(auth: AuthMode): ErrorRow<FaultKind>[] {
  const refused = (status: number, hint: RegExp, more: Partial<ErrorRow<FaultKind>['problem']> = {}) => ({
    name: `${status} with Itential's envelope`,
    answer: json(status, `itential says ${status}`),
    problem: {
      kind: 'http' as const,
      retryable: false,
      httpStatus: status,
      upstreamCode: String(status),
      ambiguous: false,
      message: `HTTP ${status}: itential says ${status}`,
      hint,
      ...more,
    },
  });
  return [
    refused(400, /rejected the request as invalid/),
    {
      // A 401 is renewed once and the start sent again: a refused request did not run.
      ...refused(401, /did not accept the bot's credentials/, { kind: 'auth' }),
      writes: auth === 'token' ? 1 : 2,
    },
    refused(403, /lacks a role or group/),
    refused(404, /Workflow 'Single' was not found/, { upstreamCode: 'not_found' }),
    refused(409, /conflict with the current state/),
    refused(429, /busy; this is temporary/, { retryable: true }),
    refused(500, /failed while handling the request/),
    refused(503, /the request may still have taken effect/, { retryable: true }),
    {
      name: "a proxy's HTML 502 page",
      answer: { kind: 'html', status: 502 },
      problem: {
        kind: 'http',
        retryable: true,
        httpStatus: 502,
        ambiguous: true,
        hint: /the request may still have taken effect/,
      },
    },
    {
      name: 'a redirect to an SSO login',
      answer: { kind: 'status', status: 302, headers: { location: '/sso/login?token=abc' }, body: '' },
      problem: {
        kind: 'http',
        retryable: false,
        httpStatus: 302,
        hint: /redirected the request to \/sso\/login:/,
      },
    },
  ];
}

/** The configured credential and every token Itential issued (it arrives as `?token=` or a bearer). */
function secrets(rig: Rig, auth: AuthMode): Secret[] {
  const issued = new Set(
    rig.fake.requests.flatMap((r) => [r.query.token, r.authorization?.replace('Bearer ', '')]),
  );
  return [
    { name: `Itential ${auth} secret`, value: SECRET_OF[auth] },
    ...[...issued].flatMap((token) => (token ? [{ name: 'issued Itential token', value: token }] : [])),
  ];
}

for (const auth of ['login', 'oauth', 'token'] as AuthMode[]) {
  runContractSuite<FaultKind>({
    name: 'Itential',
    variant: `${auth} credentials`,
    id: 'itential',
    writeAction: 'start the job',
    readAction: 'read the job',
    errorTable: errorTable(auth),
    transient: json(503, 'busy'),
    reset: { kind: 'reset' },
    permanent: json(400, 'bad request'),
    echo: (text) => json(400, text),
    readAttempts: TEST_TUNING.readAttempts,
    async start() {
      const rig = await startRig({
        auth,
        fake: { workflows: [{ name: WORKFLOW, script: [steps.running('only', 0.3)] }], advanceOnPoll: false },
      });
      const { upstreamId } = await rig.op.start(input, startContext());
      const poll = rig.op.poll?.bind(rig.op);
      if (!poll) throw new Error('itential.start polls');
      const starts = () => rig.fake.count('POST', START) - 1;
      const reads = () => rig.fake.count('GET', JOB);
      return {
        secrets: () => secrets(rig, auth),
        logs: () => rig.log.entries,
        answerWrite: (fault, times) => rig.fake.inject({ method: 'POST', path: START, times, fault }),
        answerRead: (fault, times) => rig.fake.inject({ method: 'GET', path: JOB, times, fault }),
        write: () => rig.op.start(input, startContext('run-0002')),
        read: () => poll({ upstreamId, input }),
        writes: starts,
        reads,
        close: () => rig.fake.close(),
      };
    },
  });
}
