import { upstreamRejection as failure } from '../../support/rejection';
import { addPlanExecution, HANGING_HTTP, harnessWorld, type HarnessWorld, runInput } from './world';

describe('Harness errors become readable UpstreamErrors', () => {
  let world: HarnessWorld;
  let moduleId: string;

  async function start(http?: typeof HANGING_HTTP) {
    world = await harnessWorld({ http });
    moduleId = world.fake.addModule({ name: 'terraform-aws-vpc' }).id;
    addPlanExecution(world.fake);
  }

  beforeEach(() => start());
  afterEach(() => world.close());

  it('a goa body with timeout:true on create is ambiguous; the lookup runs before giving up', async () => {
    world.fake.failNext('createExecution', 500, { timeout: true, temporary: true, name: 'deadline' });
    const err = await failure(world.op.start(runInput({ module: moduleId })));
    expect(err).toMatchObject({ ambiguous: true, retryable: true, upstreamCode: 'deadline' });
    expect(world.fake.requestsTo('listExecutions')).toHaveLength(1);
  });

  it('a plain 400 on create is not ambiguous and looks nothing up', async () => {
    world.fake.failNext('createExecution', 400, {
      message: 'missing required payload field "pipelineStageId"',
    });
    const err = await failure(world.op.start(runInput({ module: moduleId })));
    expect(err.ambiguous).toBe(false);
    expect(err.message).toContain('pipelineStageId');
    expect(world.fake.requestsTo('listExecutions')).toHaveLength(0);
  });

  it('renders the pipeline service’s NG envelope like a goa error (correlationId as the error id)', async () => {
    world.fake.inject('pipelineExecution', {
      kind: 'ng',
      status: 403,
      code: 'NG_ACCESS_DENIED',
      message: 'Missing permission core_pipeline_view',
    });
    const err = await failure(
      world.op.poll({ upstreamId: 'exec_0001', input: runInput({ module: moduleId }) }),
    );
    expect(err).toMatchObject({
      action: 'read the pipeline execution',
      httpStatus: 403,
      upstreamCode: 'NG_ACCESS_DENIED',
      message: 'Missing permission core_pipeline_view',
      kind: 'auth',
    });
    expect(err.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.hint).toContain('org "default", project "infra"');
  });

  it('treats an NG envelope with status ERROR inside a 200 as an error', async () => {
    world.fake.inject('pipelineExecution', {
      kind: 'ng',
      status: 200,
      code: 'UNEXPECTED',
      message: 'graph not ready',
    });
    const err = await failure(
      world.op.poll({ upstreamId: 'exec_0001', input: runInput({ module: moduleId }) }),
    );
    expect(err).toMatchObject({
      httpStatus: 200,
      upstreamCode: 'UNEXPECTED',
      message: 'graph not ready',
      retryable: false,
    });
  });

  it('says which pipeline execution was not found', async () => {
    const err = await failure(world.op.poll({ upstreamId: 'nope', input: runInput({ module: moduleId }) }));
    expect(err).toMatchObject({ httpStatus: 404, upstreamCode: 'ENTITY_NOT_FOUND' });
    expect(err.hint).toContain('pipeline execution "nope"');
    expect(world.fake.requestsTo('pipelineExecution')).toHaveLength(1);
  });

  it('retries a read on transient errors with backoff, and succeeds', async () => {
    world.fake.failNext('pipelineExecution', 502);
    world.fake.inject('pipelineExecution', { kind: 'html', status: 504, title: '504 Gateway Time-out' });
    const seen = await world.op.poll({ upstreamId: 'exec_0001', input: runInput({ module: moduleId }) });
    expect(seen.state).toBe('running');
    expect(world.fake.requestsTo('pipelineExecution')).toHaveLength(3);
  });

  it('retries a read after a dropped connection and a goa temporary error', async () => {
    world.fake.inject('listModules', { kind: 'reset' });
    world.fake.failNext('listModules', 423, { temporary: true });
    const choices = await world.op.search('module', 'vpc');
    expect(choices.map((c) => c.label)).toEqual(['terraform-aws-vpc']);
    expect(world.fake.requestsTo('listModules')).toHaveLength(3);
  });

  it.each([400, 401, 403, 404, 409])('does not retry a read answered %i', async (status) => {
    world.fake.failNext('listModules', status);
    await failure(world.op.search('module', 'vpc'));
    expect(world.fake.requestsTo('listModules')).toHaveLength(1);
  });

  it('explains an HTML page answered with 200 (base URL pointing at the web UI)', async () => {
    world.fake.inject('listModules', { kind: 'html', status: 200, title: 'Harness' });
    const err = await failure(world.op.search('module', ''));
    expect(err).toMatchObject({
      kind: 'bad_response',
      message: 'Harness answered with a web page ("Harness"), not JSON.',
    });
    expect(err.hint).toContain('HARNESS_BASE_URL');
  });

  it('reports a read timeout after retrying it', async () => {
    await world.close();
    await start(HANGING_HTTP);
    world.fake.inject('pipelineExecution', { kind: 'hang' }, 3);
    const err = await failure(
      world.op.poll({ upstreamId: 'exec_0001', input: runInput({ module: moduleId }) }),
    );
    expect(err).toMatchObject({ kind: 'timeout', retryable: true, ambiguous: false });
    expect(err.message).toContain('did not answer within');
    expect(world.fake.requestsTo('pipelineExecution')).toHaveLength(3);
  });

  it('a Harness that cannot be reached is a network error that is not ambiguous', async () => {
    await world.close();
    const err = await failure(world.op.start(runInput({ module: moduleId })));
    expect(err).toMatchObject({ kind: 'network', upstreamCode: 'ECONNREFUSED', ambiguous: false });
    expect(err.hint).toContain('HARNESS_BASE_URL');
  });

  // The configured key is the contract suite's (contract.test.ts); these are tokens Flightdeck was never given.
  it('redacts Harness tokens it was not given, by their pat./sat. shape', async () => {
    world.fake.failNext('pipelineExecution', 500, { message: `token pat.other.abc.def rejected` });
    const err = await failure(
      world.op.poll({ upstreamId: 'exec_0001', input: runInput({ module: moduleId }) }),
    );
    const text = JSON.stringify([{ ...err.toProblem('Harness IaCM'), message: err.message }, world.logs]);
    expect(text).not.toContain('pat.other.abc.def');
    expect(err.message).toContain('[redacted]');
  });
});

describe('response size limit', () => {
  it('refuses an answer larger than maxResponseBytes without retrying it', async () => {
    const world = await harnessWorld({ http: { maxResponseBytes: 2048 } });
    try {
      for (let i = 0; i < 40; i += 1)
        world.fake.addModule({ name: `module-${i}`, description: 'x'.repeat(100) });
      const err = await failure(world.op.search('module', ''));
      expect(err).toMatchObject({ kind: 'bad_response', retryable: false });
      expect(err.message).toBe('Harness sent a larger answer than Flightdeck accepts.');
      expect(world.fake.requestsTo('listModules')).toHaveLength(1);
    } finally {
      await world.close();
    }
  });
});
