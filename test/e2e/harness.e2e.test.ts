import { DECLARED_STATUSES } from '../fakes/harness/error-bodies';
import type { HarnessFake } from '../fakes/harness/harness-fake';
import { waitFor } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { addModuleTests, iacmRunValues, iacmBotPerTest } from '../support/iacm';
import { storeBackends } from '../support/stores';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';

/** Words a person should see for each declared error status (the hint fits the status). */
const HINT_WORDS: Record<(typeof DECLARED_STATUSES)[number], RegExp> = {
  400: /invalid/,
  401: /API key/,
  403: /permission/,
  404: /found no/,
  408: /temporary|timed out|did not retry/,
  409: /conflict|exists/,
  423: /locked/,
  499: /cancelled|did not retry/,
  500: /internal error/,
  502: /unavailable|did not retry/,
};

describe.each(storeBackends())('Harness IaCM end to end on $name', (backend) => {
  let harness: HarnessFake;
  let h: Harness;
  let moduleId: string;
  let counter = 0;

  const bot = iacmBotPerTest(backend);
  beforeEach(() => {
    ({ fake: harness, h } = bot);
    moduleId = harness.addModule({ name: 'vpc-network' }).id;
  });

  function pipeline(steps: { status: string; stage?: string; failure?: string }[]) {
    counter += 1;
    const planExecutionId = `plan${String(counter).padStart(18, '0')}`;
    addModuleTests(harness, {
      planExecutionId,
      runSequence: 40 + counter,
      stages: [
        { id: 'plan', name: 'Plan' },
        { id: 'apply', name: 'Apply' },
      ],
      steps,
    });
    return planExecutionId;
  }

  async function submit(planExecutionId: string) {
    const { ack, view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
    expect(ack.status).toBe(200);
    return h.driver.viewSubmission(view, iacmRunValues(moduleId, planExecutionId), ALICE);
  }

  it('creates the module execution once and follows the pipeline to success', async () => {
    const plan = pipeline([
      { status: 'Queued' },
      { status: 'Running', stage: 'plan' },
      { status: 'Success', stage: 'apply' },
    ]);
    const sub = await submit(plan);
    expect(sub.body).toBe('');
    const parent = await h.parentOf(CHANNEL);
    const parentText = blocksText(parent);
    expect(parentText).toContain('vpc-network');
    expect(parentText).toContain('module_tests');
    expect(parentText).toContain('plan');
    const creates = harness.requestsTo('createExecution');
    expect(creates).toHaveLength(1);
    expect(creates[0]?.body).toMatchObject({
      account: harness.accountId,
      org: 'default',
      project: 'infra',
      pipeline: 'module_tests',
      pipelineExecutionId: plan,
      pipelineStageId: 'plan',
    });
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    harness.advance(plan);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Running')));
    harness.advance(plan);
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
    expect(texts.filter((x) => x.includes('Succeeded'))).toHaveLength(1);
    const edited = await h.messageShowing(CHANNEL, parent.ts, 'Succeeded');
    expect(JSON.stringify(edited?.blocks)).toContain('/executions/' + plan);
  });

  it.each(DECLARED_STATUSES.map((s) => [s]))(
    'a %i from the create call reaches the thread with Harness’s message, error id and a fitting hint',
    async (status) => {
      const plan = pipeline([{ status: 'Running', stage: 'plan' }]);
      harness.failNext('createExecution', status, { id: `err-${status}`, message: `harness says ${status}` });
      await submit(plan);
      const parent = await h.parentOf(CHANNEL);
      const texts = await h.threadTexts(CHANNEL, parent.ts, (t) =>
        t.some((x) => x.includes('Failed') || x.includes('Started')),
      );
      const reply = texts.join('\n');
      if (status === 409) {
        expect(reply).toMatch(/conflict|exists/i);
      } else {
        expect(reply).toContain(`harness says ${status}`);
      }
      expect(reply).toContain(`err-${status}`);
      expect(reply).toMatch(HINT_WORDS[status]);
      expect(reply).toContain(':bulb:');
      expect(harness.requestsTo('createExecution')).toHaveLength(1);
    },
  );

  it('a pipeline failing in a stage names the stage and Harness’s failure message', async () => {
    const plan = pipeline([
      { status: 'Running', stage: 'plan' },
      { status: 'Failed', stage: 'apply', failure: 'Terraform apply failed: quota exceeded' },
    ]);
    await submit(plan);
    const parent = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    harness.advance(plan);
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Failed')));
    const failure = texts.find((x) => x.includes('Failed')) ?? '';
    expect(failure).toContain('Terraform apply failed: quota exceeded');
    expect(failure).toMatch(/Apply|apply/);
  });

  it('a pipeline waiting for approval says so, with a link', async () => {
    const plan = pipeline([
      { status: 'Running', stage: 'plan' },
      { status: 'ApprovalWaiting', stage: 'apply' },
    ]);
    await submit(plan);
    const parent = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    harness.advance(plan);
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Waiting')));
    const waiting = texts.find((x) => x.includes('Waiting')) ?? '';
    expect(waiting).toMatch(/approval/i);
    expect(waiting).toContain('Act on it in Harness IaCM');
  });

  it('Abort interrupts the pipeline (AbortAll) and the thread shows it canceled', async () => {
    const plan = pipeline([{ status: 'Running', stage: 'plan' }]);
    await submit(plan);
    const parent = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    await h.driver.blockAction({
      user: ALICE,
      actionId: 'fd.run.cancel',
      channelId: CHANNEL,
      messageTs: parent.ts,
    });
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Canceled')));
    expect(texts.find((x) => x.includes('Canceled'))).toContain('requested by <@U0ALICE>');
    const interrupts = harness.requestsTo('interrupt');
    expect(interrupts).toHaveLength(1);
    expect(interrupts[0]?.query.get('interruptType')).toBe('AbortAll');
  });

  it('a create whose answer never comes is looked up, adopted, and never sent twice', async () => {
    const plan = pipeline([{ status: 'Running', stage: 'plan' }]);
    harness.inject('createExecution', { kind: 'commitThenHang' });
    await submit(plan);
    const parent = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    expect(harness.requestsTo('createExecution')).toHaveLength(1);
    expect(harness.executions).toHaveLength(1);
  });

  it('an unknown pipeline status is shown verbatim and tracking goes on', async () => {
    const plan = pipeline([
      { status: 'Running', stage: 'plan' },
      { status: 'QuantumWaiting' },
      { status: 'Success' },
    ]);
    await submit(plan);
    const parent = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    harness.advance(plan);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('QuantumWaiting')));
    harness.advance(plan);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
  });

  it('a doubled submission creates one execution', async () => {
    const plan = pipeline([{ status: 'Running', stage: 'plan' }]);
    const { view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
    const values = iacmRunValues(moduleId, plan);
    await Promise.all([
      h.driver.viewSubmission(view, values, ALICE),
      h.driver.viewSubmission(view, values, ALICE, { retryNum: 1 }),
    ]);
    await h.parentOf(CHANNEL);
    await new Promise((r) => setTimeout(r, 400));
    expect(harness.requestsTo('createExecution')).toHaveLength(1);
    expect(h.slack.messages(CHANNEL).filter((m) => !m.threadTs)).toHaveLength(1);
  });

  it('every field is validated inline', async () => {
    const { view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
    const res = await h.driver.viewSubmission(
      view,
      { org: '', project: 'bad project!', pipeline: '', pipelineExecutionId: '', pipelineStageId: '' },
      ALICE,
    );
    expect(res.body).toMatchObject({ response_action: 'errors' });
    const errors = (res.body as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors).sort()).toEqual(
      ['module', 'org', 'pipeline', 'pipelineExecutionId', 'pipelineStageId', 'project'].sort(),
    );
    expect(harness.requestsTo('createExecution')).toHaveLength(0);
  });

  it('a stage the pipeline execution does not have gets the error under the stage, on the submitted form', async () => {
    const plan = pipeline([{ status: 'Running', stage: 'plan' }]);
    const { view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
    const values = { ...iacmRunValues(moduleId, plan), pipelineStageId: 'deploy' };
    const res = await h.driver.viewSubmission(view, values, ALICE);
    expect(res.body).toEqual({
      response_action: 'errors',
      errors: { pipelineStageId: 'That execution has no stage deploy (its stages: plan, apply).' },
    });
    expect(res.viewProblem).toBeUndefined();
    expect(harness.requestsTo('createExecution')).toHaveLength(0);
  });

  it('/ops iacm executions lists the module’s executions, newest first', async () => {
    harness.addExecution({
      moduleId,
      created: Date.now() - 3_600_000,
      status: 'succeeded',
      metadata: { pipeline_execution_number: '7' },
    });
    harness.addExecution({
      moduleId,
      created: Date.now() - 60_000,
      status: 'failed',
      metadata: { pipeline_execution_number: '8' },
    });
    await h.driver.command('iacm executions vpc-network', { userId: ALICE, channelId: CHANNEL });
    const list = await waitFor(
      () => h.slack.ephemerals(CHANNEL, ALICE).find((e) => e.via === 'response_url'),
      3000,
    );
    const text = blocksText(list);
    expect(text).toContain('failed');
    expect(text.indexOf('failed')).toBeLessThan(text.indexOf('succeeded'));
  });
});
