import type { Observation } from '../../../src/core/operations/contract';
import type { PipelineStep } from '../../fakes/harness/pipeline-script';
import { addPlanExecution, HANGING_HTTP, harnessWorld, type HarnessWorld, runInput } from './world';
import { isUpstreamError, UpstreamError } from '../../../src/core/errors';

describe('iacm.run against the loopback Harness', () => {
  let world: HarnessWorld;

  beforeEach(async () => {
    world = await harnessWorld();
  });
  afterEach(() => world.close());

  function setup(steps: PipelineStep[], planExecutionId = 'exec_0001') {
    const module = world.fake.addModule({ name: 'terraform-aws-vpc' });
    addPlanExecution(world.fake, steps, { planExecutionId, name: 'Module tests', runSequence: 42 });
    return { module, input: runInput({ module: module.id, pipelineExecutionId: planExecutionId }) };
  }

  async function pollAll(
    ref: { upstreamId: string; input: ReturnType<typeof runInput> },
    times: number,
  ): Promise<Observation[]> {
    const seen: Observation[] = [];
    for (let i = 0; i < times; i += 1) seen.push(await world.op.poll(ref));
    return seen;
  }

  it('creates the execution with the union body, shows its facts and link, and follows the pipeline to success', async () => {
    const { module, input } = setup([
      { status: 'Queued' },
      { status: 'Running', stage: 'plan' },
      { status: 'ApprovalWaiting', stage: 'approve' },
      { status: 'Running', stage: 'apply' },
      { status: 'Success' },
    ]);

    const started = await world.op.start(input);

    const [create] = world.fake.requestsTo('createExecution');
    expect(create?.gateway).toBe(true);
    expect(create?.path).toBe(`/iacm/api/modules/${module.id}/executions`);
    expect(create?.headers['x-api-key']).toBe(world.fake.apiKey);
    expect(create?.body).toEqual({
      account: world.fake.accountId,
      org: 'default',
      project: 'infra',
      pipeline_org: 'default',
      pipeline_project: 'infra',
      pipeline: 'module_tests',
      pipelineExecutionId: 'exec_0001',
      pipelineStageId: 'plan',
    });
    expect(started.upstreamId).toBe('exec_0001');
    expect(started.url).toBe(
      `${world.fake.rootUrl}/ng/account/${world.fake.accountId}/module/iacm/orgs/default/projects/infra/pipelines/module_tests/executions/exec_0001/pipeline`,
    );
    expect(started.facts).toEqual(
      expect.arrayContaining([
        { label: 'Execution number', value: '#42' },
        { label: 'Pipeline name', value: 'Module tests' },
      ]),
    );
    expect(started.observation).toMatchObject({
      state: 'queued',
      upstreamStatus: 'Queued',
      url: started.url,
    });

    const ref = { upstreamId: started.upstreamId, input, memo: started.memo };
    const [running, waiting, applying, done] = await pollAll(ref, 4);
    expect(running).toMatchObject({
      state: 'running',
      upstreamStatus: 'Running',
      detail: 'stage Plan',
      progress: 0,
    });
    expect(waiting).toMatchObject({
      state: 'waiting',
      waitingFor: 'an approval in stage Approve',
      url: started.url,
    });
    expect(applying).toMatchObject({ state: 'running', detail: 'stage Apply' });
    expect(applying?.progress).toBeCloseTo(2 / 3);
    expect(done).toMatchObject({ state: 'succeeded', upstreamStatus: 'Success', progress: 1 });
    expect(done?.problem).toBeUndefined();

    const read = world.fake.requestsTo('pipelineExecution')[0];
    expect(read?.path).toBe('/pipeline/api/pipelines/execution/v2/exec_0001');
    expect(Object.fromEntries(read?.query ?? [])).toMatchObject({
      accountIdentifier: world.fake.accountId,
      orgIdentifier: 'default',
      projectIdentifier: 'infra',
    });
  });

  it('does not hold the start up when the first pipeline read fails: one attempt, then the record’s status', async () => {
    const { input } = setup([{ status: 'Running', stage: 'plan' }]);
    world.fake.failNext('pipelineExecution', 502);
    const started = await world.op.start(input);
    expect(started.observation).toEqual({ state: 'running', upstreamStatus: 'running', url: started.url });
    expect(world.fake.requestsTo('pipelineExecution')).toHaveLength(1);
  });

  it('reports a pipeline that fails in a stage with Harness’s message and the stage', async () => {
    const { input } = setup([
      { status: 'Running', stage: 'plan' },
      { status: 'Failed', stage: 'apply', failure: 'Error: creating EC2 VPC: VpcLimitExceeded' },
    ]);
    const started = await world.op.start(input);
    expect(started.observation).toMatchObject({ state: 'running', detail: 'stage Plan' });

    const failed = await world.op.poll({ upstreamId: started.upstreamId, input });
    expect(failed.state).toBe('failed');
    expect(failed.problem).toMatchObject({
      title: 'The pipeline failed',
      message: 'Error: creating EC2 VPC: VpcLimitExceeded',
      where: 'stage Apply',
    });
  });

  it.each([
    ['ApprovalWaiting', 'waiting', 'an approval in stage Plan'],
    ['APPROVAL_WAITING', 'waiting', 'an approval in stage Plan'],
    [
      'InterventionWaiting',
      'waiting',
      'manual intervention (a failure strategy waits for someone to choose) in stage Plan',
    ],
    ['InputWaiting', 'waiting', 'runtime input in stage Plan'],
    ['Paused', 'paused', 'someone to resume it in stage Plan'],
  ])('shows %s as %s, saying who must act', async (status, state, waitingFor) => {
    const { input } = setup([{ status, stage: 'plan' }]);
    const started = await world.op.start(input);
    expect(started.observation).toMatchObject({
      state,
      upstreamStatus: status,
      waitingFor,
      url: started.url,
    });
  });

  it.each([
    ['Expired', 'failed', 'The pipeline execution expired'],
    ['ApprovalRejected', 'failed', 'The approval was rejected'],
    ['Errored', 'failed', 'The pipeline errored'],
    ['AbortedByFreeze', 'canceled', 'Aborted by a deployment freeze'],
  ])('maps the terminal status %s to %s with a problem', async (status, state, title) => {
    const { input } = setup([{ status, stage: 'approve' }]);
    const started = await world.op.start(input);
    expect(started.observation.state).toBe(state);
    expect(started.observation.problem?.title).toBe(title);
    expect(started.observation.problem?.where).toBe('stage Approve');
  });

  it('shows an unknown status verbatim and keeps following', async () => {
    const { input } = setup([{ status: 'QuantumSuperposition', stage: 'plan' }]);
    const started = await world.op.start(input);
    expect(started.observation).toMatchObject({ state: 'running', upstreamStatus: 'QuantumSuperposition' });
    expect(started.observation.detail).toContain('"QuantumSuperposition"');
  });

  it('aborts with AbortAll, a second abort finds it already requested, then the pipeline is canceled', async () => {
    const { input } = setup([{ status: 'Running', stage: 'plan' }]);
    const started = await world.op.start(input);
    const ref = { upstreamId: started.upstreamId, input };

    await expect(world.op.cancel(ref)).resolves.toBe('requested');
    const [interrupt] = world.fake.requestsTo('interrupt');
    expect(interrupt?.method).toBe('PUT');
    expect(interrupt?.path).toBe('/pipeline/api/pipeline/execute/interrupt/exec_0001');
    expect(interrupt?.query.get('interruptType')).toBe('AbortAll');
    expect(interrupt?.query.get('orgIdentifier')).toBe('default');

    await expect(world.op.cancel(ref)).resolves.toBe('requested');
    const canceled = await world.op.poll(ref);
    expect(canceled).toMatchObject({ state: 'canceled', upstreamStatus: 'Aborted' });
  });

  it('says already_finished when the pipeline had ended before the abort', async () => {
    const { input } = setup([{ status: 'Success' }]);
    const started = await world.op.start(input);
    await expect(world.op.cancel({ upstreamId: started.upstreamId, input })).resolves.toBe(
      'already_finished',
    );
  });

  it('adopts the record when the create is committed but the answer times out, without a second create', async () => {
    const { input } = setup([{ status: 'Running', stage: 'plan' }]);
    world.fake.inject('createExecution', { kind: 'commitThenHang' });

    const started = await world.op.start(input);

    expect(world.fake.requestsTo('createExecution')).toHaveLength(1);
    expect(world.fake.executions).toHaveLength(1);
    expect(started.upstreamId).toBe('exec_0001');
    expect(started.facts).toContainEqual({ label: 'Execution number', value: '#42' });
    const lookup = world.fake.requestsTo('listExecutions')[0];
    expect(lookup?.query.get('pipeline_execution_id')).toBe('exec_0001');
  });

  it('adopts the record when the connection drops after the create was committed', async () => {
    const { input } = setup([{ status: 'Running', stage: 'plan' }]);
    world.fake.inject('createExecution', { kind: 'commitThenReset' });
    const started = await world.op.start(input);
    expect(started.observation.state).toBe('running');
    expect(world.fake.requestsTo('createExecution')).toHaveLength(1);
  });

  it('throws an ambiguous error when a timed-out create left nothing, and recover later finds nothing', async () => {
    await world.close();
    world = await harnessWorld({ http: HANGING_HTTP });
    const { input } = setup([{ status: 'Running', stage: 'plan' }]);
    world.fake.inject('createExecution', { kind: 'hang' });

    const err = await world.op.start(input).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUpstreamError(err)).toBe(true);
    expect(err).toMatchObject({ kind: 'timeout', ambiguous: true, action: 'create the module execution' });
    expect(world.fake.requestsTo('createExecution')).toHaveLength(1);
    await expect(world.op.recover(input)).resolves.toBeUndefined();
    expect(world.fake.requestsTo('createExecution')).toHaveLength(1);
  });

  it('recover adopts a record that appeared after an ambiguous failure', async () => {
    const { module, input } = setup([{ status: 'Running', stage: 'plan' }]);
    world.fake.addExecution({
      moduleId: module.id,
      metadata: { pipeline_execution_id: 'exec_0001', pipeline_stage_id: 'other' },
    });
    await expect(world.op.recover(input)).resolves.toBeUndefined();
    world.fake.addExecution({
      moduleId: module.id,
      metadata: {
        pipeline_execution_id: 'exec_0001',
        pipeline_stage_id: 'plan',
        pipeline_execution_number: '42',
      },
    });
    const found = await world.op.recover(input);
    expect(found?.upstreamId).toBe('exec_0001');
    expect(found?.facts).toContainEqual({ label: 'Execution number', value: '#42' });
  });

  it('treats 409 as "already exists" and adopts the existing record (UNCONFIRMED meaning of 409)', async () => {
    const { module, input } = setup([{ status: 'Running', stage: 'plan' }]);
    world.fake.addExecution({
      moduleId: module.id,
      metadata: {
        pipeline_execution_id: 'exec_0001',
        pipeline_stage_id: 'plan',
        pipeline_execution_number: '42',
      },
    });

    const started = await world.op.start(input);
    expect(world.fake.requestsTo('createExecution')).toHaveLength(1);
    expect(world.fake.executions).toHaveLength(1);
    expect(started.upstreamId).toBe('exec_0001');
  });

  it('reports a 409 with no matching record as a conflict, with the ids', async () => {
    const { input } = setup([{ status: 'Running', stage: 'plan' }]);
    world.fake.failNext('createExecution', 409, { id: 'conf-1', message: 'module is being onboarded' });
    const err = await world.op.start(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({
      httpStatus: 409,
      upstreamCode: 'conflict',
      errorId: 'conf-1',
      message: 'module is being onboarded',
    });
    expect((err as UpstreamError).hint).toContain(
      'has no execution for pipeline execution exec_0001, stage plan',
    );
  });

  it('a gateway 502 page on create is ambiguous: it looks the record up before failing', async () => {
    const { input } = setup([{ status: 'Running', stage: 'plan' }]);
    world.fake.inject('createExecution', { kind: 'html', status: 502 });
    const err = await world.op.start(input).catch((e: unknown) => e);
    expect(err).toMatchObject({ httpStatus: 502, ambiguous: true, retryable: true });
    expect((err as Error).message).toContain('web page');
    expect(world.fake.requestsTo('listExecutions')).toHaveLength(1);
    expect(world.fake.requestsTo('createExecution')).toHaveLength(1);
  });

  it('resolves a module named on the command line to its id before creating', async () => {
    const { module, input } = setup([{ status: 'Running', stage: 'plan' }]);
    const started = await world.op.start({ ...input, module: 'name:TERRAFORM-aws-vpc' });
    expect(world.fake.requestsTo('createExecution')[0]?.path).toBe(
      `/iacm/api/modules/${module.id}/executions`,
    );
    expect(started.memo).toMatchObject({ moduleId: module.id });
  });

  it('refuses to start with a module name Harness does not know, creating nothing', async () => {
    const { input } = setup([{ status: 'Running', stage: 'plan' }]);
    const err = await world.op.start({ ...input, module: 'name:terraform-aws' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ httpStatus: 404, ambiguous: false });
    expect((err as Error).message).toBe(
      'Harness has no module named "terraform-aws". Did you mean terraform-aws-vpc?',
    );
    expect(world.fake.requestsTo('createExecution')).toHaveLength(0);
  });
});
