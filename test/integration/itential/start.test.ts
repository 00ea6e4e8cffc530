import { type FaultKind, scripts } from '../../fakes/itential';
import { eventually } from '../../support/eventually';
import { caught, parseInput, type Rig, startContext, startRig } from './rig';
import { isUpstreamError, type UpstreamError } from '../../../src/core/errors';

const WORKFLOW = 'Backup Device';
const SCHEMA = {
  type: 'object',
  properties: { device: { type: 'string' }, vlan: { type: 'integer', minimum: 1 } },
  required: ['device'],
};

let rig: Rig;

beforeEach(async () => {
  rig = await startRig({
    fake: {
      workflows: [{ name: WORKFLOW, inputSchema: SCHEMA, script: scripts.happy() }, { name: 'No Inputs' }],
    },
  });
});
afterEach(() => rig.fake.close());

const starts = () => rig.fake.count('POST', '/operations-manager/jobs/start');

describe('start', () => {
  test('sends only workflow and options, with the run tag in the description', async () => {
    const input = parseInput(rig.op, {
      workflow: WORKFLOW,
      description: 'nightly backup',
      type: '',
      variables: '{"device": "rtr-01", "vlan": 12}',
      groups: 'b0bc20ec3a3e5e90bac881e7, 7d5f0cb5c6a629ea14324d9b',
    });
    const result = await rig.op.start(input, startContext('run-42'));

    const sent = rig.fake.requests.find((r) => r.path === '/operations-manager/jobs/start');
    expect(sent?.body).toEqual({
      workflow: WORKFLOW,
      options: {
        description: 'nightly backup [flightdeck:run-42]',
        type: 'automation',
        variables: { device: 'rtr-01', vlan: 12 },
        groups: ['b0bc20ec3a3e5e90bac881e7', '7d5f0cb5c6a629ea14324d9b'],
      },
    });
    const job = rig.fake.jobs.get(result.upstreamId);
    expect(job?.description).toContain('flightdeck:run-42');
    expect(result.observation).toMatchObject({ state: 'running', upstreamStatus: 'running', progress: 0.2 });
    expect(result.url).toBe(`${rig.fake.url}/operations-manager/jobs/${result.upstreamId}`);
    expect(result.facts).toEqual([{ label: 'Job', value: result.upstreamId }]);
    expect(starts()).toBe(1);
  });

  test('without a description, says who started it; groups are left out when empty', async () => {
    const input = parseInput(rig.op, { workflow: 'No Inputs' });
    await rig.op.start(input, startContext('run-7'));
    const sent = rig.fake.requests.find((r) => r.path === '/operations-manager/jobs/start');
    expect(sent?.body).toEqual({
      workflow: 'No Inputs',
      options: {
        description: 'Started from Slack by alice [flightdeck:run-7]',
        type: 'automation',
        variables: {},
      },
    });
  });

  test('re-checks the variables against the input schema and starts nothing when they do not fit', async () => {
    const input = parseInput(rig.op, { workflow: WORKFLOW, variables: '{"vlan": 0}' });
    const err = (await caught(rig.op.start(input, startContext()))) as UpstreamError;
    expect(isUpstreamError(err)).toBe(true);
    expect(err.message).toContain("'device' is required");
    expect(err.message).toContain("'vlan' must be >= 1");
    expect(err.ambiguous).toBe(false);
    expect(starts()).toBe(0);
  });

  test('a workflow Itential does not know is refused before anything is sent', async () => {
    const input = parseInput(rig.op, { workflow: 'Deleted Workflow' });
    const err = (await caught(rig.op.start(input, startContext()))) as UpstreamError;
    expect(err.upstreamCode).toBe('invalid_input');
    expect(err.message).toBe("Itential has no workflow 'Deleted Workflow' that the bot's account can see");
    expect(starts()).toBe(0);
  });

  test("a request-schema violation shows Itential's validation details", async () => {
    const input = { workflow: WORKFLOW, type: 'automation', variables: { device: 'a' }, groups: ['nothex'] };
    const err = (await caught(rig.op.start(input, startContext()))) as UpstreamError;
    expect(err.httpStatus).toBe(400);
    expect(err.message).toContain('Request body failed validation');
    expect(err.message).toContain('/options/groups/0: must match ObjectIdLikeString');
    expect(err.hint).toMatch(/variables and groups/);
  });

  test('describe() shows plain values and masks secret ones', () => {
    const input = parseInput(rig.op, {
      workflow: WORKFLOW,
      description: 'x',
      variables: '{"device": "rtr-01", "password": "hunter2hunter2"}',
      groups: 'b0bc20ec3a3e5e90bac881e7',
    });
    const facts = rig.op.describe(input);
    expect(facts).toEqual([
      { label: 'Workflow', value: WORKFLOW },
      { label: 'Description', value: 'x' },
      { label: 'Job type', value: 'automation' },
      { label: 'Variables', value: 'device, password=••••••' },
      { label: 'Groups', value: '1 group' },
    ]);
    expect(JSON.stringify(facts)).not.toContain('hunter2');
  });
});

describe('ambiguous start and recover', () => {
  const input = () => parseInput(rig.op, { workflow: WORKFLOW, variables: '{"device": "rtr-01"}' });

  test('connection dropped after the job was created: ambiguous, and recover finds the job without a second start', async () => {
    rig.fake.inject({ path: '/operations-manager/jobs/start', fault: { kind: 'reset_after_handling' } });
    const ctx = startContext('run-amb');
    const err = (await caught(rig.op.start(input(), ctx))) as UpstreamError;
    expect(isUpstreamError(err)).toBe(true);
    expect(err.ambiguous).toBe(true);
    expect(err.kind).toBe('network');
    expect(rig.fake.jobs.size).toBe(1);

    const found = await rig.op.recover?.(input(), ctx);
    const [jobId] = [...rig.fake.jobs.keys()];
    expect(found?.upstreamId).toBe(jobId);
    expect(found?.observation.state).toBe('running');
    expect(starts()).toBe(1);
    const lookup = rig.fake.requests.find((r) => r.method === 'GET' && r.path === '/operations-manager/jobs');
    expect(lookup?.query).toMatchObject({
      'equals[name]': WORKFLOW,
      sort: 'metrics.start_time',
      order: '-1',
      include: 'name,description,status,error,metrics,tasks',
    });
  });

  test('recover matches the tag, not just the workflow: another run of the same workflow is ignored', async () => {
    await rig.op.start(input(), startContext('run-other'));
    const found = await rig.op.recover?.(input(), startContext('run-mine'));
    expect(found).toBeUndefined();
  });

  test('a tag never matches inside a longer one', async () => {
    await rig.op.start(input(), startContext('run-10'));
    expect(await rig.op.recover?.(input(), startContext('run-1'))).toBeUndefined();
    expect((await rig.op.recover?.(input(), startContext('run-10')))?.upstreamId).toBeDefined();
  });

  test('a start that times out is ambiguous and is never retried', async () => {
    rig.fake.inject({ path: '/operations-manager/jobs/start', fault: { kind: 'delay', ms: 1500 } });
    const err = (await caught(rig.op.start(input(), startContext('run-slow')))) as UpstreamError;
    expect(err.kind).toBe('timeout');
    expect(err.ambiguous).toBe(true);
    expect(err.hint).toMatch(/may still have taken effect/);
    // Any retry would have gone out before start() gave up; the job exists once the delayed answer has.
    expect(starts()).toBe(1);
    await eventually(
      async () => rig.fake.requests.find((r) => r.path === '/operations-manager/jobs/start')?.status,
      'the delayed start answered',
    );
    const found = await rig.op.recover?.(input(), startContext('run-slow'));
    expect(found?.upstreamId).toBeDefined();
  });

  const gatewayCases: [string, boolean, FaultKind][] = [
    ['a 502 HTML gateway page', true, { kind: 'html', status: 502 }],
    ['a 504 with no body', true, { kind: 'status', status: 504, body: '' }],
    [
      'a 503 from Itential itself',
      false,
      { kind: 'status', status: 503, body: '{"message":"Service unavailable"}' },
    ],
    ['a 200 that is not JSON', true, { kind: 'status', status: 200, body: 'OK', contentType: 'text/plain' }],
  ];
  test.each(gatewayCases)('%s: ambiguous=%s, one start only', async (_name, ambiguous, fault) => {
    rig.fake.inject({ path: '/operations-manager/jobs/start', fault });
    const err = (await caught(rig.op.start(input(), startContext()))) as UpstreamError;
    expect(err.ambiguous).toBe(ambiguous);
    expect(starts()).toBe(1);
  });

  test('a start that never reached Itential (connection refused) is not ambiguous', async () => {
    const closed = await startRig({ baseUrl: 'http://127.0.0.1:9', auth: 'token' });
    await closed.fake.close();
    const err = (await caught(closed.op.start(input(), startContext()))) as UpstreamError;
    expect(err.kind).toBe('network');
    expect(err.upstreamCode).toBe('ECONNREFUSED');
    expect(err.ambiguous).toBe(false);
    expect(err.message).toBe('Itential at 127.0.0.1:9 could not be reached (ECONNREFUSED)');
  });
});
