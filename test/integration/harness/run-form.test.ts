import { scrubbedOperation } from '../../../src/core/operations/scrubbed-operation';
import { moduleVariable } from '../../fakes/harness/harness-fake';
import { addPlanExecution, harnessWorld, type HarnessWorld, runInput } from './world';

describe('iacm.run form', () => {
  let world: HarnessWorld;

  beforeEach(async () => {
    world = await harnessWorld();
  });
  afterEach(() => world.close());

  it('offers the six fields, org to stage as pickers starting at the configured defaults', () => {
    const fields = world.op.fields({});
    expect(fields.map((f) => [f.id, f.kind])).toEqual([
      ['module', 'search'],
      ['org', 'search'],
      ['project', 'search'],
      ['pipeline', 'search'],
      ['pipelineExecutionId', 'text'],
      ['pipelineStageId', 'search'],
    ]);
    const initial = Object.fromEntries(
      fields.map((f) => [
        f.id,
        'initial' in f && f.initial && typeof f.initial === 'object' ? f.initial : undefined,
      ]),
    );
    expect(initial).toEqual({
      module: undefined,
      org: { value: 'default', label: 'default' },
      project: { value: 'infra', label: 'infra' },
      pipeline: { value: 'module_tests', label: 'module_tests' },
      pipelineExecutionId: undefined,
      pipelineStageId: { value: 'plan', label: 'plan' },
    });
    expect(fields.every((f) => !f.optional)).toBe(true);
  });

  it('lists orgs, projects of the picked org, pipelines of the picked project and stages of the execution', async () => {
    world.fake.orgs.push(
      { identifier: 'default', name: 'Default' },
      { identifier: 'platform', name: 'Platform' },
    );
    world.fake.projects.push(
      { orgIdentifier: 'platform', identifier: 'network', name: 'Network' },
      { orgIdentifier: 'default', identifier: 'infra', name: 'Infra' },
    );
    world.fake.pipelineDefs.push({
      orgIdentifier: 'platform',
      projectIdentifier: 'network',
      identifier: 'vpc_apply',
      name: 'VPC apply',
    });
    addPlanExecution(world.fake);
    expect(await world.op.search?.('org', 'plat', {})).toEqual([
      { value: 'platform', label: 'Platform', description: 'platform' },
      { value: 'plat', label: 'plat', description: 'as typed' },
    ]);
    expect(await world.op.search?.('project', '', { org: 'platform' })).toEqual([
      { value: 'network', label: 'Network', description: 'network' },
    ]);
    expect(await world.op.search?.('pipeline', 'vpc', { org: 'platform', project: 'network' })).toEqual([
      { value: 'vpc_apply', label: 'VPC apply', description: 'vpc_apply' },
      { value: 'vpc', label: 'vpc', description: 'as typed' },
    ]);
    const [pipelines] = world.fake.requestsTo('listPipelines');
    expect(pipelines?.body).toEqual({ filterType: 'PipelineSetup' });
    expect(pipelines?.query.get('accountIdentifier')).toBe(world.fake.accountId);
    const stages = await world.op.search?.('pipelineStageId', '', { pipelineExecutionId: 'exec_0001' });
    expect(stages?.map((c) => c.value)).toContain('plan');
  });

  it('turns a prefilled module name into a choice: by name until Harness has been asked, then by id', async () => {
    const module = world.fake.addModule({ name: 'terraform-aws-vpc' });
    expect(world.op.fields({ prefill: 'terraform-aws-vpc' })[0]).toMatchObject({
      initial: { value: 'name:terraform-aws-vpc', label: 'terraform-aws-vpc' },
    });
    await world.op.search('module', 'vpc');
    expect(world.op.fields({ prefill: 'Terraform-AWS-VPC' })[0]).toMatchObject({
      initial: { value: module.id, label: 'terraform-aws-vpc' },
    });
    expect(world.fake.requests).toHaveLength(1);
  });

  it('searches the module registry with the key, the account and 1-based paging', async () => {
    world.fake.addModule({ name: 'terraform-aws-vpc', system: 'aws', org: 'default', project: 'infra' });
    world.fake.addModule({ name: 'terraform-google-network', system: 'google' });
    const choices = await world.op.search('module', ' vpc ');
    expect(choices).toEqual([
      {
        value: expect.stringMatching(/^[0-9a-f-]{36}$/),
        label: 'terraform-aws-vpc',
        description: 'aws · default/infra',
      },
    ]);
    const [request] = world.fake.requestsTo('listModules');
    expect(request?.headers['x-api-key']).toBe(world.fake.apiKey);
    expect(request?.headers['harness-account']).toBe(world.fake.accountId);
    expect(Object.fromEntries(request?.query ?? [])).toMatchObject({
      accountIdentifier: world.fake.accountId,
      searchTerm: 'vpc',
      page: '1',
      limit: '50',
    });
    await expect(world.op.search('other', 'x')).resolves.toEqual([]);
  });

  it('validates every field and says which and why', () => {
    const result = world.op.input.safeParse({
      module: '',
      org: '1default',
      project: 'my project',
      pipeline: 'x'.repeat(129),
      pipelineExecutionId: 'bad id!',
      pipelineStageId: 'plan;rm',
    });
    expect(result.success).toBe(false);
    const byField = Object.fromEntries(
      (result.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]),
    );
    expect(byField).toEqual({
      module: 'Pick a module',
      org: expect.stringContaining('Org must be a Harness identifier'),
      project: expect.stringContaining('Project must be a Harness identifier'),
      pipeline: 'Pipeline is at most 128 characters',
      pipelineExecutionId: expect.stringContaining('Pipeline execution id must be'),
      pipelineStageId: expect.stringContaining('Pipeline stage id may contain only'),
    });
    const missing = world.op.input.safeParse({});
    expect(missing.error?.issues.map((i) => i.message)).toEqual([
      'Pick a module',
      'Org is required',
      'Project is required',
      'Pipeline is required',
      'Pipeline execution id is required',
      'Pipeline stage id is required',
    ]);
  });

  it('accepts the execution’s address pasted from Harness', () => {
    const parsed = world.op.input.parse({
      ...runInput({ module: 'abc-123' }),
      pipelineExecutionId:
        ' https://app.harness.io/ng/account/a/module/iacm/orgs/default/projects/infra/pipelines/p/executions/kKyXVVj3RTSpiP0Dbn6cIQ/pipeline ',
    });
    expect(parsed.pipelineExecutionId).toBe('kKyXVVj3RTSpiP0Dbn6cIQ');
  });

  it('checks against Harness that the module, the pipeline execution, its pipeline and its stage exist', async () => {
    const module = world.fake.addModule({ name: 'terraform-aws-vpc' });
    addPlanExecution(world.fake);
    await expect(world.op.validate(runInput({ module: module.id }))).resolves.toBeUndefined();
    await expect(
      world.op.validate(
        runInput({ module: '00000000-0000-4000-8000-000000000000', pipelineExecutionId: 'exec_9999' }),
      ),
    ).resolves.toEqual({
      module: 'Harness has no module with id 00000000-0000-4000-8000-000000000000.',
      pipelineExecutionId: 'Harness has no pipeline execution exec_9999 in org default, project infra.',
    });
    await expect(
      world.op.validate(runInput({ module: module.id, pipeline: 'other', pipelineStageId: 'deploy' })),
    ).resolves.toEqual({
      pipeline: 'Execution exec_0001 belongs to pipeline module_tests, not other.',
      pipelineStageId: 'That execution has no stage deploy (its stages: plan, approve, apply).',
    });
    await expect(world.op.validate(runInput({ module: 'name:terraform-aws' }))).resolves.toEqual({
      module: 'Harness has no module named "terraform-aws". Did you mean terraform-aws-vpc?',
    });
  });

  it('understands the older "does not exist" INVALID_REQUEST of the pipeline service', async () => {
    world.fake.inject('pipelineExecution', {
      kind: 'ng',
      status: 400,
      code: 'INVALID_REQUEST',
      message: 'Plan Execution Summary does not exist with given planExecutionId',
    });
    world.fake.inject('getModule', { kind: 'goa', status: 401 });
    await expect(world.op.validate(runInput({ module: 'abc' }))).resolves.toEqual({
      pipelineExecutionId: 'Harness has no pipeline execution exec_0001 in org default, project infra.',
    });
  });

  it('does not block the form when Harness cannot answer', async () => {
    world.fake.failNext('getModule', 401);
    world.fake.failNext('pipelineExecution', 500);
    await expect(world.op.validate(runInput({ module: 'abc' }))).resolves.toBeUndefined();
  });

  it('describes the run with the module’s name once Harness has shown it', async () => {
    const module = world.fake.addModule({ name: 'terraform-aws-vpc' });
    const input = runInput({ module: module.id });
    expect(world.op.describe(input)[0]).toEqual({ label: 'Module', value: module.id });
    await world.op.search('module', '');
    expect(world.op.describe(input)).toEqual([
      { label: 'Module', value: 'terraform-aws-vpc' },
      { label: 'Org / project', value: 'default / infra' },
      { label: 'Pipeline', value: 'module_tests' },
      { label: 'Stage', value: 'plan' },
      { label: 'Pipeline execution', value: 'exec_0001' },
    ]);
    expect(world.op.describe(runInput({ module: 'name:net' }))[0]).toEqual({ label: 'Module', value: 'net' });
  });
});

describe('iacm.run module variables', () => {
  let world: HarnessWorld;
  beforeEach(async () => {
    world = await harnessWorld();
  });
  afterEach(() => world.close());

  function addVpcModule() {
    return world.fake.addModule({
      name: 'terraform-aws-vpc',
      versions: ['1.2.0', '1.10.0', '1.9.1'],
      variables: {
        '1.10.0': [
          moduleVariable('region', 'string', { variable_required: true, variable_default: 'eu-west-1' }),
          moduleVariable('instance_count', 'number', {
            variable_default: '2',
            variable_description: 'How many',
          }),
          moduleVariable('enable_nat', 'bool'),
          moduleVariable('db_conn', 'string', { variable_sensitive: true }),
          moduleVariable('subnets', 'list(string)'),
        ],
      },
    });
  }

  it('offers the latest version’s variables as fields once the module is picked, the rest in a JSON box', async () => {
    const module = addVpcModule();
    const ctx = { values: { module: module.id } };
    expect(world.op.fields(ctx).some((f) => f.id.startsWith('in.'))).toBe(false);
    await world.op.prepare(ctx);
    const [metadata] = world.fake.requestsTo('moduleMetadata');
    expect(metadata?.query.get('version')).toBe('1.10.0');
    expect(metadata?.headers['harness-account']).toBe(world.fake.accountId);
    const fields = world.op.fields(ctx);
    expect(
      fields.slice(6).map((f) => [f.id, f.optional === true, 'initial' in f ? f.initial : undefined]),
    ).toEqual([
      ['in.s.region', false, 'eu-west-1'],
      ['in.n.instance_count', true, '2'],
      ['in.b.enable_nat', true, undefined],
      ['in.xs.db_conn', true, undefined],
      ['variables', true, undefined],
    ]);
    expect(fields.find((f) => f.id === 'variables')?.hint).toBe(
      'For the variables without a field: subnets (list(string))',
    );
    expect(fields[0]?.hint).toContain('version 1.10.0');
  });

  it('sends the typed variables in the create body and masks the sensitive one in the facts', async () => {
    const module = addVpcModule();
    addPlanExecution(world.fake);
    const input = world.op.input.parse({
      module: module.id,
      org: 'default',
      project: 'infra',
      pipeline: 'module_tests',
      pipelineExecutionId: 'exec_0001',
      pipelineStageId: 'plan',
      'in.s.region': 'eu-west-3',
      'in.n.instance_count': '3',
      'in.b.enable_nat': 'true',
      'in.xs.db_conn': 'postgres://user:pw-very-secret@db',
      variables: '{"subnets": ["10.0.1.0/24"]}',
    });
    const facts = world.op.describe(input);
    expect(facts.find((f) => f.label === 'Variables')?.value).toBe(
      'subnets, region, instance_count, enable_nat, db_conn=••••••',
    );
    await world.op.start(input);
    const [create] = world.fake.requestsTo('createExecution');
    expect((create?.body as { variables: unknown }).variables).toEqual({
      subnets: ['10.0.1.0/24'],
      region: 'eu-west-3',
      instance_count: 3,
      enable_nat: true,
      db_conn: 'postgres://user:pw-very-secret@db',
    });
  });

  it('a re-run puts each variable back in its field and the rest in the box, the sensitive one blank', async () => {
    const module = addVpcModule();
    const formValues = {
      ...runInput({ module: module.id }),
      'in.s.region': 'eu-west-3',
      'in.n.instance_count': '3',
      'in.b.enable_nat': 'true',
      'in.xs.db_conn': 'postgres://user:pw-very-secret@db',
      variables: '{"subnets": ["10.0.1.0/24"]}',
    };
    const input = world.op.input.parse(formValues);
    // The registry wraps every operation so: it blanks what is secret before asking for the form.
    const op = scrubbedOperation(world.op, world.secrets);
    const cold = op.formValues?.(input);
    expect(cold?.variables).toContain('eu-west-3');
    expect(JSON.stringify(cold)).not.toContain('pw-very-secret');
    await world.op.prepare({ values: { module: module.id } });
    const values = op.formValues?.(input);
    expect(values).toEqual({
      ...runInput({ module: module.id }),
      'in.s.region': 'eu-west-3',
      'in.n.instance_count': '3',
      'in.b.enable_nat': 'true',
      variables: JSON.stringify({ subnets: ['10.0.1.0/24'] }, null, 2),
    });
    const fields = world.op.fields({ values });
    expect(fields.find((f) => f.id === 'in.xs.db_conn')).not.toHaveProperty('initial');
    expect(fields.find((f) => f.id === 'in.s.region')).toMatchObject({ initial: 'eu-west-3' });
    // Submitted as shown, with the secret typed again, it is the same run.
    expect(
      world.op.input.parse({ ...values, 'in.xs.db_conn': 'postgres://user:pw-very-secret@db' }),
    ).toMatchObject({ ...input, secrets: expect.any(String) });
  });

  it('a re-run whose module’s variables are not at hand shows them all in the box', () => {
    const input = world.op.input.parse({ ...runInput(), variables: '{"region": "eu-west-3"}' });
    const values = world.op.formValues(input);
    expect(values.variables).toBe(JSON.stringify({ region: 'eu-west-3' }, null, 2));
    const box = world.op.fields({ values }).find((f) => f.id === 'variables');
    expect(box).toMatchObject({ initial: values.variables, hint: 'The variables of the run this re-runs.' });
  });

  it('a module without variables sends the body it always did', async () => {
    const module = world.fake.addModule({ name: 'plain', versions: ['0.1.0'] });
    addPlanExecution(world.fake);
    await world.op.prepare({ values: { module: module.id } });
    expect(world.op.fields({ values: { module: module.id } })).toHaveLength(6);
    const input = world.op.input.parse({ ...runInput({ module: module.id }) });
    await world.op.start(input);
    const [create] = world.fake.requestsTo('createExecution');
    expect(create?.body).not.toHaveProperty('variables');
  });
});
