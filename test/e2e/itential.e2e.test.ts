import type { FakeItential } from '../fakes/itential';
import { scripts, steps } from '../fakes/itential';
import { waitFor } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { ACK_DEADLINE_MS } from '../support/slack-driver';
import { itentialBotPerTest } from '../support/itential-bot';
import { storeBackends } from '../support/stores';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';

describe.each(storeBackends())('Itential end to end on $name', (backend) => {
  let itential: FakeItential;
  let h: Harness;

  const bot = itentialBotPerTest(backend, [
    { name: 'Backup Devices', script: scripts.happy() },
    { name: 'Push Config', script: scripts.adapterError() },
    {
      name: 'Configure VLAN',
      inputSchema: { type: 'object', properties: { device: { type: 'string' } }, required: ['device'] },
    },
    {
      name: 'Long Job',
      script: [steps.running('stepOne', 0.1), steps.running('stepTwo', 0.5), steps.complete()],
    },
  ]);
  beforeEach(() => {
    ({ fake: itential, h } = bot);
  });

  async function launch(workflow: string, values: Record<string, unknown> = {}) {
    const ack = await h.driver.command(`itential start ${workflow}`, { userId: ALICE, channelId: CHANNEL });
    expect(ack.status).toBe(200);
    expect(ack.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    const view = await h.openedView(ALICE, 'fd.operation');
    const submission = await h.driver.viewSubmission(
      view,
      { workflow: { value: workflow, text: workflow }, ...values } as never,
      ALICE,
    );
    return { view, submission };
  }

  const jobIds = () => [...itential.jobs.keys()];

  it('starts a job from the modal and reports every state change in the thread', async () => {
    const { view, submission } = await launch('Backup Devices', {
      description: 'nightly',
      variables: '{"device":"rtr-01"}',
    });
    expect(JSON.stringify(view.blocks)).toContain('Backup Devices');
    expect(submission.status).toBe(200);
    expect(submission.body).toBe('');

    const parent = await h.parentOf(CHANNEL);
    expect(blocksText(parent)).toContain('Itential');
    expect(blocksText(parent)).toContain('<@U0ALICE>');
    expect(blocksText(parent)).toContain('Backup Devices');
    await waitFor(() => (jobIds().length === 1 ? true : undefined), 3000);
    const [jobId] = jobIds();
    expect(itential.count('POST', '/operations-manager/jobs/start')).toBe(1);
    const startBody = itential.requests.find((r) => r.path === '/operations-manager/jobs/start')?.body as {
      workflow: string;
      options: { description: string; variables: unknown };
    };
    expect(startBody.workflow).toBe('Backup Devices');
    expect(startBody.options.variables).toEqual({ device: 'rtr-01' });
    expect(startBody.options.description).toContain('nightly');

    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started by <@U0ALICE>')));
    itential.advance(jobId ?? '');
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Waiting for a person')));
    itential.advance(jobId ?? '');
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
    expect(texts.find((x) => x.includes('Waiting'))).toContain('manual task');
    expect(texts.filter((x) => x.includes('Succeeded'))).toHaveLength(1);

    const edited = await h.messageShowing(CHANNEL, parent.ts, 'Succeeded');
    expect(edited.edits).toBeGreaterThan(0);
    expect(JSON.stringify(edited.blocks)).not.toContain('fd.run.cancel');
  });

  it('reports an upstream failure with the failing task, the adapter message and the job id', async () => {
    await launch('Push Config');
    const parent = await h.parentOf(CHANNEL);
    await waitFor(() => (jobIds().length === 1 ? true : undefined), 3000);
    const [jobId] = jobIds();
    itential.advance(jobId ?? '');
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Failed')));
    const failure = texts.find((x) => x.includes('Failed')) ?? '';
    expect(failure).toContain('Missing one of the following required instances: arg2, arg1');
    expect(failure).toMatch(/Push Config|pushConfig/);
    expect(failure).toContain(jobId);
  });

  it('shows inline errors for bad JSON and bad group ids and starts nothing', async () => {
    const { submission } = await launch('Backup Devices', { variables: '{"a": 1,,}', groups: 'not-a-group' });
    expect(submission.status).toBe(200);
    expect(submission.body).toMatchObject({ response_action: 'errors' });
    const errors = (submission.body as { errors: Record<string, string> }).errors;
    expect(errors.variables).toMatch(/JSON/);
    expect(errors.groups).toContain("'not-a-group'");
    expect(itential.count('POST', '/operations-manager/jobs/start')).toBe(0);
  });

  it('variables that do not fit the named workflow get the error under the input’s field, on the submitted form', async () => {
    const { view: opened } = await h.commandModal(ALICE, 'itential start Configure VLAN', CHANNEL);
    // The form opens at once, then is rebuilt with a field per input once the workflow's schema is read.
    const view = await h.viewWithBlock(opened.id, 'in.s.device');
    const submission = await h.driver.viewSubmission(
      view,
      { workflow: { value: 'Configure VLAN', text: 'Configure VLAN' }, variables: '{"vlan": 12}' },
      ALICE,
    );
    expect(submission.body).toEqual({
      response_action: 'errors',
      errors: { 'in.s.device': "'device' is required (rule: required)" },
    });
    expect(submission.viewProblem).toBeUndefined();
    expect(itential.count('POST', '/operations-manager/jobs/start')).toBe(0);
  });

  it('a doubled submission of the same view starts one job', async () => {
    const ack = await h.driver.command('itential start Backup Devices', {
      userId: ALICE,
      channelId: CHANNEL,
    });
    expect(ack.status).toBe(200);
    const view = await h.openedView(ALICE, 'fd.operation');
    const values = { workflow: { value: 'Backup Devices', text: 'Backup Devices' } } as never;
    const [a, b] = await Promise.all([
      h.driver.viewSubmission(view, values, ALICE),
      h.driver.viewSubmission(view, values, ALICE, { retryNum: 1 }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await h.parentOf(CHANNEL);
    await new Promise((r) => setTimeout(r, 500));
    expect(itential.count('POST', '/operations-manager/jobs/start')).toBe(1);
    expect(h.slack.messages(CHANNEL).filter((m) => !m.threadTs)).toHaveLength(1);
  });

  it('cancels once, however many times people click', async () => {
    await launch('Long Job');
    const parent = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    const clicks = await Promise.all(
      ['U0ALICE', 'U0BOB', 'U0ALICE'].map((user) =>
        h.driver.blockAction({ user, actionId: 'fd.run.cancel', channelId: CHANNEL, messageTs: parent.ts }),
      ),
    );
    expect(clicks.map((c) => c.status)).toEqual([200, 200, 200]);
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Canceled')));
    expect(itential.count('POST', '/operations-manager/jobs/cancel')).toBe(1);
    expect(texts.filter((x) => x.includes('asked Itential to cancel'))).toHaveLength(1);
    expect(texts.find((x) => x.includes('Canceled'))).toMatch(/requested by <@U0(ALICE|BOB)>/);
    await waitFor(
      () =>
        h.slack.ephemerals(CHANNEL).some((e) => e.text.includes('already asked to cancel'))
          ? true
          : undefined,
      3000,
    );
  });

  it('a start Itential refuses is reported with its message and a hint, and not retried', async () => {
    itential.inject({
      path: '/operations-manager/jobs/start',
      fault: {
        kind: 'status',
        status: 500,
        body: JSON.stringify({ message: 'Workflow engine unavailable', data: null }),
      },
    });
    await launch('Backup Devices');
    const parent = await h.parentOf(CHANNEL);
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Failed')));
    const failure = texts.find((x) => x.includes('Failed')) ?? '';
    expect(failure).toContain('Workflow engine unavailable');
    expect(failure).toContain('HTTP 500');
    expect(failure).toContain(':bulb:');
    expect(itential.count('POST', '/operations-manager/jobs/start')).toBe(1);
    expect(blocksText(h.slack.message(CHANNEL, parent.ts) ?? {})).toContain('Failed');
  });

  it('a start whose answer is lost adopts the job Itential created, and never starts a second one', async () => {
    itential.inject({ path: '/operations-manager/jobs/start', fault: { kind: 'reset_after_handling' } });
    await launch('Long Job');
    const parent = await h.parentOf(CHANNEL);
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    expect(itential.count('POST', '/operations-manager/jobs/start')).toBe(1);
    expect(jobIds()).toHaveLength(1);
    expect(texts.join('\n')).toContain(jobIds()[0]);
  });

  it('a start that is lost before Itential saw it says so, and starts nothing', async () => {
    itential.inject({ path: '/operations-manager/jobs/start', fault: { kind: 'reset' } });
    await launch('Long Job');
    const parent = await h.parentOf(CHANNEL);
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Failed')));
    const failure = texts.find((x) => x.includes('Failed')) ?? '';
    expect(failure).toContain('did not confirm the start');
    expect(failure).toContain('did not retry');
    expect(jobIds()).toHaveLength(0);
    expect(itential.count('POST', '/operations-manager/jobs/start')).toBe(1);
  });

  it('resumes tracking after a restart and posts each transition exactly once', async () => {
    await launch('Long Job');
    const parent = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    await h.stopBot();
    const [jobId] = jobIds();
    itential.advance(jobId ?? '');
    itential.advance(jobId ?? '');
    await h.boot();
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
    expect(texts.filter((x) => x.includes('Started'))).toHaveLength(1);
    expect(texts.filter((x) => x.includes('Succeeded'))).toHaveLength(1);
    expect(itential.count('POST', '/operations-manager/jobs/start')).toBe(1);
  });
});
