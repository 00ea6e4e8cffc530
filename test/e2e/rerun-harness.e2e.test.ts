import { type HarnessFake, moduleVariable } from '../fakes/harness/harness-fake';
import { type FakeView, waitFor } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { addModuleTests, iacmRunValues, iacmBotPerTest } from '../support/iacm';
import { inputBlockJson, messageShowing, openRerunForm, runIdOf, WAIT_MS } from '../support/rerun';
import { storeBackends } from '../support/stores';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const SECRET = 'postgres://app:Very-Secret-Pw@db';

describe.each(storeBackends())('Harness IaCM re-run end to end on $name', (backend) => {
  let harness: HarnessFake;
  let h: Harness;
  let moduleId: string;
  let counter = 0;

  const bot = iacmBotPerTest(backend, { engine: { parentEditIntervalMs: 100 } });
  beforeEach(() => {
    ({ fake: harness, h } = bot);
    moduleId = harness.addModule({ name: 'vpc-network' }).id;
  });

  function pipeline(): string {
    counter += 1;
    const planExecutionId = `plan${String(counter).padStart(18, '0')}`;
    addModuleTests(harness, {
      planExecutionId,
      runSequence: 40 + counter,
      stages: [{ id: 'plan', name: 'Plan' }],
      steps: [
        { status: 'Running', stage: 'plan' },
        { status: 'Success', stage: 'plan' },
      ],
    });
    return planExecutionId;
  }

  it('re-runs a finished module execution from a form filled in with its inputs, linked both ways', async () => {
    const plan = pipeline();
    const { view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
    await h.driver.viewSubmission(view, iacmRunValues(moduleId, plan), ALICE);
    const first = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, first.ts, (t) => t.some((x) => x.includes('Started')));
    harness.advance(plan);
    await h.threadTexts(CHANNEL, first.ts, (t) => t.some((x) => x.includes('Succeeded')));
    const done = await messageShowing(h, CHANNEL, first.ts, 'Re-run');
    const firstRunId = runIdOf(done);

    const form = await openRerunForm(h, BOB, CHANNEL, first.ts);
    const initial = (blockId: string) => inputBlockJson(form, blockId);
    expect(initial('module')).toContain(`"initial_option":{"value":"${moduleId}"`);
    expect(initial('module')).toContain('vpc-network');
    expect(initial('org')).toContain('"initial_option":{"value":"default"');
    expect(initial('project')).toContain('"initial_option":{"value":"infra"');
    expect(initial('pipeline')).toContain('"initial_option":{"value":"module_tests"');
    expect(initial('pipelineExecutionId')).toContain(`"initial_value":"${plan}"`);
    expect(initial('pipelineStageId')).toContain('"initial_option":{"value":"plan"');
    expect(blocksText(form)).toContain(`Re-run of run ${firstRunId}`);

    // The next pipeline execution; everything else as it was.
    const next = pipeline();
    const sub = await h.driver.viewSubmission(form, { pipelineExecutionId: next }, BOB);
    expect(sub.body).toBe('');
    const second = await h.parentOf(CHANNEL, (m) => blocksText(m).includes('Re-run of run'));
    expect(blocksText(second)).toContain(`Re-run of run \`${firstRunId}\``);
    const old = await h.threadTexts(CHANNEL, first.ts, (t) => t.some((x) => x.includes('Re-run as')));
    expect(old.find((x) => x.includes('Re-run as'))).toBe(
      `:repeat: Re-run as run \`${runIdOf(second)}\` by <@${BOB}>`,
    );
    await waitFor(() => (harness.requestsTo('createExecution').length === 2 ? true : undefined), WAIT_MS);
    expect(harness.requestsTo('createExecution')[1]?.body).toMatchObject({
      org: 'default',
      project: 'infra',
      pipeline: 'module_tests',
      pipelineExecutionId: next,
      pipelineStageId: 'plan',
    });
  });

  /** Alice runs module vpc-vars with a region and a sensitive connection string; resolves once it succeeded. */
  async function finishedRunWithVariables() {
    const varsModule = harness.addModule({
      name: 'vpc-vars',
      versions: ['1.0.0'],
      variables: {
        '1.0.0': [
          moduleVariable('region', 'string', { variable_required: true }),
          moduleVariable('db_conn', 'string', { variable_sensitive: true }),
        ],
      },
    }).id;
    const plan = pipeline();
    const { view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
    const module = { value: varsModule, text: 'vpc-vars' };
    await h.driver.blockAction({ user: ALICE, view, actionId: 'fd.field.refresh.module', value: module });
    const rebuilt = await h.viewWithBlock(view.id, 'in.s.region');
    const sub = await h.driver.viewSubmission(
      rebuilt,
      { ...iacmRunValues(varsModule, plan), module, 'in.s.region': 'eu-west-3', 'in.xs.db_conn': SECRET },
      ALICE,
    );
    expect(sub.body).toBe('');
    const first = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, first.ts, (t) => t.some((x) => x.includes('Started')));
    harness.advance(plan);
    await h.threadTexts(CHANNEL, first.ts, (t) => t.some((x) => x.includes('Succeeded')));
    await messageShowing(h, CHANNEL, first.ts, 'Re-run');
    return { first, varsModule };
  }

  /** Bob submits the re-run form for the next pipeline execution, the secret typed again: what Harness got. */
  async function submitRerun(form: FakeView, varsModule: string) {
    const next = pipeline();
    const sub = await h.driver.viewSubmission(
      form,
      { pipelineExecutionId: next, 'in.xs.db_conn': SECRET },
      BOB,
    );
    expect(sub.body).toBe('');
    await waitFor(() => (harness.requestsTo('createExecution').length === 2 ? true : undefined), WAIT_MS);
    const [created, recreated] = harness.requestsTo('createExecution');
    expect((created?.body as { variables?: unknown }).variables).toEqual({
      region: 'eu-west-3',
      db_conn: SECRET,
    });
    expect(recreated?.path).toContain(varsModule);
    expect(recreated?.body).toMatchObject({
      pipelineExecutionId: next,
      variables: { region: 'eu-west-3', db_conn: SECRET },
    });
    for (const m of h.slack.messages(CHANNEL)) expect(JSON.stringify(m)).not.toContain('Very-Secret-Pw');
  }

  it('re-runs a module execution with its variables in their fields, the sensitive one blank and typed again', async () => {
    const { first, varsModule } = await finishedRunWithVariables();
    const form = await openRerunForm(h, BOB, CHANNEL, first.ts);
    // What the fake Slack holds for Bob: the form as Slack shows it.
    const held = h.slack.view(form.id);
    expect(inputBlockJson(form, 'in.s.region')).toContain('"initial_value":"eu-west-3"');
    const secretField = inputBlockJson(form, 'in.xs.db_conn');
    expect(secretField).toContain('"type":"input"');
    expect(secretField).not.toContain('initial_value');
    expect(blocksText(form)).toContain('Secret values were left blank');
    expect(JSON.stringify(held)).not.toContain('Very-Secret-Pw');
    await submitRerun(form, varsModule);
  });

  it('after a restart the form opens at once and gets its variable fields back once Harness has listed them', async () => {
    const { first, varsModule } = await finishedRunWithVariables();
    await h.restart();
    const before = harness.requestsTo('moduleMetadata').length;
    const form = await openRerunForm(h, BOB, CHANNEL, first.ts);
    const rebuilt = await h.viewWithBlock(form.id, 'in.s.region');
    expect(harness.requestsTo('moduleMetadata').length).toBe(before + 1);
    expect(inputBlockJson(rebuilt, 'in.s.region')).toContain('"initial_value":"eu-west-3"');
    expect(inputBlockJson(rebuilt, 'in.xs.db_conn')).not.toContain('initial_value');
    expect(rebuilt.blocks.some((b) => (b as { block_id?: string }).block_id === 'variables')).toBe(false);
    expect(blocksText(rebuilt)).toContain('Secret values were left blank');
    expect(JSON.stringify(h.slack.view(form.id))).not.toContain('Very-Secret-Pw');
    await submitRerun(rebuilt, varsModule);
  });
});
