import type { HarnessFake } from '../fakes/harness/harness-fake';
import { waitFor } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { addModuleTests, iacmRunValues, iacmBotPerTest } from '../support/iacm';
import { inputBlockJson, messageShowing, openRerunForm, runIdOf, WAIT_MS } from '../support/rerun';
import { storeBackends } from '../support/stores';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

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
});
