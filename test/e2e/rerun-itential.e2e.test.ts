import type { FakeItential } from '../fakes/itential';
import { scripts } from '../fakes/itential';
import { waitFor, type FakeMessage } from '../fakes/slack';
import { blocksText, Harness } from '../support/flightdeck-harness';
import { eventually } from '../support/eventually';
import { inputBlockJson, messageShowing, openRerunForm, runIdOf, WAIT_MS } from '../support/rerun';
import { storeBackends } from '../support/stores';
import { itentialBotPerTest, startItentialBot, type ItentialBot } from '../support/itential-bot';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const SECRET = 'hunter2-Sup3r-secret';
const RERUN = 'fd.run.rerun';
const RETRY = 'fd.run.retry';

// Carol may watch, neither start nor retry; "Prod" jobs need Bob's approval.
const POLICY = `
policy:
  rules:
    - name: carol-watches
      effect: deny
      operations: [itential.start, itential.retry]
      users: [${CAROL}]
    - name: prod-needs-approval
      effect: require-approval
      operations: [itential.start]
      when: { workflow: 'Prod *' }
      approvers: { users: [${BOB}] }
    - name: everyone
      operations: ['*']
`;

describe.each(storeBackends())('Itential re-run and retry end to end on $name', (backend) => {
  let itential: FakeItential;
  let h: Harness;

  const bot = itentialBotPerTest(
    backend,
    [
      { name: 'Backup Devices', script: scripts.happy() },
      { name: 'Prod Push', script: scripts.happy() },
      { name: 'Push Config', script: scripts.adapterError() },
    ],
    { configYaml: POLICY, engine: { parentEditIntervalMs: 100 } },
  );
  beforeEach(() => {
    ({ fake: itential, h } = bot);
  });

  const jobIds = () => [...itential.jobs.keys()];
  const starts = () => itential.count('POST', '/operations-manager/jobs/start');
  const parents = () => h.slack.messages(CHANNEL).filter((m) => !m.threadTs);

  /** `user` starts `workflow` from the command's modal; resolves with the run's parent message. */
  async function launch(user: string, workflow: string, values: Record<string, unknown> = {}) {
    const before = parents().length;
    const { view } = await h.commandModal(user, `itential start ${workflow}`, CHANNEL);
    await h.driver.viewSubmission(
      view,
      { workflow: { value: workflow, text: workflow }, ...values } as never,
      user,
    );
    return waitFor(
      () => parents()[before],
      5000,
      () => `the parent of ${workflow}`,
    );
  }

  /** Advances the newest job until its thread says it succeeded. */
  async function finish(parent: FakeMessage): Promise<void> {
    await waitFor(() => (jobIds().length > 0 ? true : undefined), WAIT_MS);
    const jobId = jobIds().at(-1) ?? '';
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    itential.advance(jobId);
    itential.advance(jobId);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
    await messageShowing(h, CHANNEL, parent.ts, 'Re-run');
  }

  const clickRerun = (user: string, parent: FakeMessage) =>
    h.driver.blockAction({ user, actionId: RERUN, channelId: CHANNEL, messageTs: parent.ts });

  it('re-runs a finished job from a form filled in with its inputs, secrets blank, and links both threads', async () => {
    const first = await launch(ALICE, 'Backup Devices', {
      description: 'nightly',
      variables: `{"device":"rtr-01","password":"${SECRET}"}`,
      groups: 'b0bc20ec3a3e5e90bac881e7',
    });
    await finish(first);
    const firstRunId = runIdOf(h.slack.message(CHANNEL, first.ts) ?? first);
    const final = h.slack.thread(CHANNEL, first.ts).find((m) => blocksText(m).includes('Succeeded'));
    expect(JSON.stringify(final?.blocks)).toContain(RERUN);

    const form = await openRerunForm(h, BOB, CHANNEL, first.ts);
    const shown = JSON.stringify(form);
    expect(shown).not.toContain(SECRET);
    expect(form.private_metadata).toContain(firstRunId);
    const text = blocksText(form);
    expect(text).toContain(`Re-run of run ${firstRunId}`);
    expect(text).toContain('Secret values were left blank');
    const initial = (blockId: string) => inputBlockJson(form, blockId);
    expect(initial('workflow')).toContain('"initial_option"');
    expect(initial('workflow')).toContain('Backup Devices');
    expect(initial('description')).toContain('"initial_value":"nightly"');
    expect(initial('variables')).toContain('rtr-01');
    expect(initial('variables')).toContain('\\"password\\": \\"\\"');
    expect(initial('groups')).toContain('b0bc20ec3a3e5e90bac881e7');

    // Bob types the secret again; everything else is submitted as pre-filled.
    const sub = await h.driver.viewSubmission(
      form,
      { variables: `{"device":"rtr-01","password":"${SECRET}"}` },
      BOB,
    );
    expect(sub.body).toBe('');
    const second = await h.parentOf(CHANNEL, (m) => blocksText(m).includes('Re-run of run'));
    expect(blocksText(second)).toContain(`Re-run of run \`${firstRunId}\``);
    const secondRunId = runIdOf(second);
    const old = await h.threadTexts(CHANNEL, first.ts, (t) => t.some((x) => x.includes('Re-run as')));
    expect(old.find((x) => x.includes('Re-run as'))).toBe(
      `:repeat: Re-run as run \`${secondRunId}\` by <@${BOB}>`,
    );
    await waitFor(() => (starts() === 2 ? true : undefined), WAIT_MS);
    const body = itential.requests.filter((r) => r.path === '/operations-manager/jobs/start').at(-1)
      ?.body as {
      workflow: string;
      options: { description: string; variables: unknown; groups: string[] };
    };
    expect(body.workflow).toBe('Backup Devices');
    expect(body.options.description).toContain('nightly');
    expect(body.options.variables).toEqual({ device: 'rtr-01', password: SECRET });
    expect(body.options.groups).toEqual(['b0bc20ec3a3e5e90bac881e7']);
    const stored = await h.bot.store.getRun(secondRunId);
    expect(stored?.rerunOf).toBe(firstRunId);
    for (const m of h.slack.messages(CHANNEL)) expect(JSON.stringify(m)).not.toContain(SECRET);
  });

  it('a re-run of a job that needs approval waits for it like any start', async () => {
    const first = await launch(ALICE, 'Prod Push');
    await messageShowing(h, CHANNEL, first.ts, 'Awaiting approval');
    await h.driver.blockAction({
      user: BOB,
      actionId: 'fd.run.approve',
      channelId: CHANNEL,
      messageTs: first.ts,
    });
    await finish(first);

    const form = await openRerunForm(h, ALICE, CHANNEL, first.ts);
    await h.driver.viewSubmission(form, {}, ALICE);
    const second = await h.parentOf(CHANNEL, (m) => blocksText(m).includes('Re-run of run'));
    await messageShowing(h, CHANNEL, second.ts, 'Awaiting approval');
    await h.threadTexts(CHANNEL, first.ts, (t) => t.some((x) => x.includes('Re-run as')));
    expect(starts()).toBe(1);
    await waitFor(
      () => (h.slack.ephemerals(CHANNEL, ALICE).some((e) => /approv/i.test(e.text)) ? true : undefined),
      WAIT_MS,
    );

    await h.driver.blockAction({
      user: BOB,
      actionId: 'fd.run.approve',
      channelId: CHANNEL,
      messageTs: second.ts,
    });
    await waitFor(() => (starts() === 2 ? true : undefined), WAIT_MS);
  });

  it('someone the policy forbids gets the refusal, and no form', async () => {
    const first = await launch(ALICE, 'Backup Devices');
    await finish(first);
    const opened = h.slack.openedViews().length;
    expect((await clickRerun(CAROL, first)).status).toBe(200);
    const refusal = await waitFor(
      () => h.slack.ephemerals(CHANNEL, CAROL).find((e) => e.text.includes("can't")),
      WAIT_MS,
    );
    expect(blocksText(refusal)).toContain('carol-watches');
    expect(h.slack.openedViews().length).toBe(opened);
    const audit = await h.bot.store.listAudit({ actorId: CAROL, limit: 10 });
    expect(audit.map((a) => [a.action, a.outcome])).toContainEqual(['open', 'denied']);
  });

  it('a double click opens one form, and its doubled submission starts one run', async () => {
    const first = await launch(ALICE, 'Backup Devices');
    await finish(first);
    const opened = h.slack.openedViews().length;
    await Promise.all([clickRerun(ALICE, first), clickRerun(ALICE, first)]);
    const form = await h.openedView(ALICE, 'fd.operation', opened);
    await Promise.all([
      h.driver.viewSubmission(form, {}, ALICE),
      h.driver.viewSubmission(form, {}, ALICE, { retryNum: 1 }),
    ]);
    await h.parentOf(CHANNEL, (m) => blocksText(m).includes('Re-run of run'));
    await h.threadTexts(CHANNEL, first.ts, (t) => t.some((x) => x.includes('Re-run as')));
    await waitFor(() => (starts() === 2 ? true : undefined), WAIT_MS);
    expect(
      h.slack
        .openedViews()
        .slice(opened)
        .filter((v) => v.callback_id === 'fd.operation'),
    ).toHaveLength(1);
    expect(parents()).toHaveLength(2);
    const links = h.slack.thread(CHANNEL, first.ts).filter((m) => blocksText(m).includes('Re-run as'));
    expect(links).toHaveLength(1);
  });

  describe('Retry on a failed task', () => {
    /** A "Push Config" job parked in error on its pushConfig task, with the Retry button shown. */
    async function failedJob(): Promise<{ parent: FakeMessage; jobId: string }> {
      const parent = await launch(ALICE, 'Push Config');
      await waitFor(() => (jobIds().length > 0 ? true : undefined), WAIT_MS);
      const jobId = jobIds()[0] ?? '';
      await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
      itential.advance(jobId);
      await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Failed')));
      await messageShowing(h, CHANNEL, parent.ts, 'Retry');
      return { parent, jobId };
    }
    const retries = () => itential.count('POST', /\/tasks\/[^/]+\/retry$/);
    /** The thread reply saying the job failed, once it no longer offers Retry. */
    const failureReplySettled = (parent: FakeMessage) =>
      waitFor(
        () =>
          h.slack
            .thread(CHANNEL, parent.ts)
            .find((m) => blocksText(m).includes('Failed') && !JSON.stringify(m.blocks).includes(RETRY)),
        WAIT_MS,
        () => 'the failure reply without its Retry button',
      );
    const clickRetry = (user: string, parent: FakeMessage) =>
      h.driver.blockAction({ user, actionId: RETRY, channelId: CHANNEL, messageTs: parent.ts });

    it('retries the failed task in Itential, says who did in the thread, and follows the job to its end', async () => {
      const { parent, jobId } = await failedJob();
      const failure = h.slack.thread(CHANNEL, parent.ts).find((m) => blocksText(m).includes('Failed'));
      expect(JSON.stringify(failure?.blocks)).toContain(RETRY);
      await clickRetry(BOB, parent);
      const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('had Itential')));
      expect(texts.find((x) => x.includes('had Itential'))).toBe(
        `:leftwards_arrow_with_hook: <@${BOB}> had Itential retry task Push config (pushConfig); Flightdeck follows the job again.`,
      );
      expect(retries()).toBe(1);
      const retry = itential.requests.find((r) => r.path.endsWith('/retry'));
      expect(retry?.path).toMatch(new RegExp(`^/operations-manager/jobs/${jobId}/tasks/[^/]+/retry$`));
      // The failure reply's button is spent: the reply says who retried, and offers it no more.
      const settled = await failureReplySettled(parent);
      expect(settled.ts).toBe(failure?.ts);
      expect(blocksText(settled)).toContain(`<@${BOB}> had Itential retry task Push config`);
      itential.advance(jobId);
      await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
      const edited = await messageShowing(h, CHANNEL, parent.ts, 'Succeeded');
      expect(JSON.stringify(edited.blocks)).not.toContain(RETRY);
      const audit = await h.bot.store.listAudit({ actorId: BOB, limit: 10 });
      expect(audit.map((a) => [a.action, a.outcome])).toContainEqual(['retry', 'retried']);
    });

    it('someone the policy forbids to retry is told so, and Itential is not asked', async () => {
      const { parent } = await failedJob();
      await clickRetry(CAROL, parent);
      const refusal = await waitFor(
        () => h.slack.ephemerals(CHANNEL, CAROL).find((e) => e.text.includes("can't retry")),
        WAIT_MS,
      );
      expect(blocksText(refusal)).toContain('carol-watches');
      expect(retries()).toBe(0);
    });

    it("Itential's refusal is shown readably to the person who clicked, and the job stays watched", async () => {
      const { parent, jobId } = await failedJob();
      const job = itential.jobs.get(jobId);
      const failed = Object.entries(job?.tasks ?? {}).find(([, t]) => t.status === 'error');
      if (failed) failed[1].status = 'complete';
      await clickRetry(BOB, parent);
      const told = await waitFor(() => h.slack.ephemerals(CHANNEL, BOB).find((e) => e.text !== ''), WAIT_MS);
      const text = blocksText(told);
      expect(text).toContain('not in error: it cannot be retried');
      expect(text).toContain('HTTP 500');
      expect(text).not.toMatch(/at .*\.ts:\d+/);
      expect(retries()).toBe(1);
      expect(
        h.slack
          .thread(CHANNEL, parent.ts)
          .map((m) => blocksText(m))
          .join('\n'),
      ).not.toContain('had Itential retry');
      const run = await h.bot.store.getRun(runIdOf(parent));
      expect(run?.mayRecover).toBe(true);
      expect(run?.retryStep).not.toBeNull();
    });

    it('a double click retries once; the second click hears it is no longer waiting', async () => {
      const { parent } = await failedJob();
      await Promise.all([clickRetry(BOB, parent), clickRetry(ALICE, parent)]);
      await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('had Itential retry')));
      await waitFor(
        () =>
          h.slack.ephemerals(CHANNEL).some((e) => e.text.includes('no longer waiting')) ? true : undefined,
        WAIT_MS,
      );
      expect(retries()).toBe(1);
      expect(blocksText(await failureReplySettled(parent))).toContain('had Itential retry');
      const lines = h.slack
        .thread(CHANNEL, parent.ts)
        .filter((m) => blocksText(m).includes('had Itential retry') && !blocksText(m).includes('Failed'));
      expect(lines).toHaveLength(1);
    });
  });
});

const postgres = storeBackends().find((b) => b.name === 'postgres');

/**
 * Two replicas on one PostgreSQL behind one Slack app: Slack sends each click of a double click on its own,
 * so one may reach each replica. The store, not either process's memory, decides which one opens the form.
 */
(postgres ? describe : describe.skip)('a Re-run double click reaching two replicas', () => {
  let a: ItentialBot;
  let b: Harness;

  beforeAll(async () => {
    if (!postgres) return;
    a = await startItentialBot(postgres, { configYaml: POLICY });
    b = await Harness.start({
      place: a.db,
      slack: a.h.slack,
      env: { ITENTIAL_BASE_URL: a.itential.url, ITENTIAL_TOKEN: 'static-token-1' },
      configYaml: POLICY,
    });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('opens one form', async () => {
    const { slack } = a.h;
    const newRun = await a.h.submitCommand(ALICE, 'itential start Backup Devices', CHANNEL, {
      workflow: { value: 'Backup Devices', text: 'Backup Devices' },
    });
    const run = await eventually(() => newRun((r) => r.parentTs !== null), 'the posted run');
    await messageShowing(a.h, CHANNEL, run.parentTs ?? '', 'Re-run');
    const opened = slack.openedViews().length;
    const click = (h: Harness) =>
      h.driver.blockAction({
        user: ALICE,
        actionId: RERUN,
        channelId: CHANNEL,
        messageTs: run.parentTs ?? '',
      });
    await Promise.all([click(a.h), click(b)]);
    await a.h.openedView(ALICE, 'fd.operation', opened);
    await waitFor(
      () =>
        [...a.h.logs.lines, ...b.logs.lines].some((l) => l.includes('Re-run clicked again'))
          ? true
          : undefined,
      WAIT_MS,
      () => 'the second click turned away',
    );
    expect(
      slack
        .openedViews()
        .slice(opened)
        .filter((v) => v.callback_id === 'fd.operation'),
    ).toHaveLength(1);
  });
});
