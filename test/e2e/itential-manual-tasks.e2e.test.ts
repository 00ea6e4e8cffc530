import type { FakeItential } from '../fakes/itential';
import { steps } from '../fakes/itential';
import { waitFor } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import {
  clickStep,
  HANG_MS,
  raceForStep,
  everythingPosted,
  STEP_APPROVE,
  STEP_REJECT,
  stepReply,
  toldPrivately,
} from '../support/human-steps';
import { storeBackends } from '../support/stores';
import { ITENTIAL_LOGIN_PASSWORD as PASSWORD, itentialBotPerTest } from '../support/itential-bot';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';

/** Alice starts jobs; Bob and Carol may act on manual tasks; Alice may not. */
const CONFIG = `policy:
  rules:
    - name: alice-starts-jobs
      operations: [itential.start]
      users: [${ALICE}]
    - name: netops-leads-finish-tasks
      operations: [itential.task]
      users: [${BOB}, ${CAROL}]
      contact: '#netops-leads'
`;

describe.each(storeBackends())('Itential manual tasks from the thread on $name', (backend) => {
  let itential: FakeItential;
  let h: Harness;

  const bot = itentialBotPerTest(
    backend,
    [
      {
        name: 'Change Window',
        script: [
          steps.running('backUpDevice', 0.2, 'Back up device'),
          steps.manualWaiting('Approve change'),
          steps.running('pushConfig', 0.8, 'Push config'),
          steps.complete(),
        ],
      },
    ],
    { configYaml: CONFIG },
  );
  beforeEach(() => {
    ({ fake: itential, h } = bot);
  });

  /** A job of "Change Window" that waits on its manual task "Approve change". */
  async function jobAtManualTask() {
    const { view } = await h.commandModal(ALICE, 'itential start Change Window', CHANNEL);
    await h.driver.viewSubmission(
      view,
      { workflow: { value: 'Change Window', text: 'Change Window' } },
      ALICE,
    );
    const parent = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')), HANG_MS);
    const jobId = await waitFor(() => [...itential.jobs.keys()][0], HANG_MS);
    itential.advance(jobId);
    const reply = await stepReply(h, CHANNEL, parent.ts);
    return { jobId, parent, reply };
  }

  const claims = () =>
    itential.requests.filter((r) => /\/operations-manager\/tasks\/[^/]+\/claim$/.test(r.path));
  const finishes = () => itential.requests.filter((r) => r.path.endsWith('/finish'));
  const thread = (parentTs: string, until: (t: string[]) => boolean) =>
    h.threadTexts(CHANNEL, parentTs, until, HANG_MS);

  it('Approve claims the task and finishes it with success; the thread says who and the job goes on', async () => {
    const { jobId, parent, reply } = await jobAtManualTask();
    expect(blocksText(reply)).toContain("Manual task 'Approve change (ViewData)'");
    await clickStep(h, BOB, STEP_APPROVE, reply, CHANNEL);
    await thread(parent.ts, (t) => t.some((x) => x.includes('Approved by <@U0BOB>')));
    const [task] = [...itential.tasks.values()];
    expect(claims().map((r) => r.path)).toEqual([`/operations-manager/tasks/${task?._id}/claim`]);
    expect(finishes()).toHaveLength(1);
    expect(finishes()[0]?.path).toBe(`/operations-manager/jobs/${jobId}/tasks/${task?.job.task}/finish`);
    expect(finishes()[0]?.body).toEqual({ taskData: { finish_state: 'success', variables: {} } });
    await thread(parent.ts, (t) => t.some((x) => x.includes('pushConfig') || x.includes('Push config')));
    itential.advance(jobId);
    await thread(parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
    const audit = await h.bot.store.listAudit({ actorId: BOB, limit: 10 });
    expect(audit.map((r) => `${r.action}:${r.outcome}`)).toContain('step.approve:approved');
  });

  it('Reject finishes the task with failure and the run fails', async () => {
    const { parent, reply } = await jobAtManualTask();
    await clickStep(h, CAROL, STEP_REJECT, reply, CHANNEL);
    await thread(parent.ts, (t) => t.some((x) => x.includes('Rejected by <@U0CAROL>')));
    expect(finishes()[0]?.body).toEqual({ taskData: { finish_state: 'failure', variables: {} } });
    const texts = await thread(parent.ts, (t) => t.some((x) => x.includes('Failed')));
    expect(texts.join('\n')).toContain('could not finish');
  });

  it('someone the policy does not allow is told privately, and nothing reaches Itential', async () => {
    const { parent, reply } = await jobAtManualTask();
    await clickStep(h, ALICE, STEP_APPROVE, reply, CHANNEL);
    const told = await toldPrivately(h, CHANNEL, ALICE, "You can't approve this step");
    expect(blocksText(told)).toContain('itential.task');
    expect(claims()).toHaveLength(0);
    expect(finishes()).toHaveLength(0);
    expect(
      h.slack
        .thread(CHANNEL, parent.ts)
        .map((m) => blocksText(m))
        .join('\n'),
    ).not.toContain('Approved by');
  });

  it('Itential refusing the finish reaches the thread readably, and a later click can act', async () => {
    const { parent, reply } = await jobAtManualTask();
    itential.inject({
      method: 'POST',
      path: /\/finish$/,
      fault: {
        kind: 'status',
        status: 403,
        body: JSON.stringify({ message: 'User does not have permission to finish this task', data: null }),
      },
    });
    await clickStep(h, BOB, STEP_APPROVE, reply, CHANNEL);
    const texts = await thread(parent.ts, (t) => t.some((x) => x.includes('refused')));
    expect(texts.join('\n')).toContain('User does not have permission to finish this task');
    expect(texts.join('\n')).not.toContain(PASSWORD);
    await clickStep(h, CAROL, STEP_APPROVE, reply, CHANNEL);
    await thread(parent.ts, (t) => t.some((x) => x.includes('Approved by <@U0CAROL>')));
    expect(finishes()).toHaveLength(2);
  });

  it('a double click finishes the task once; the others hear who decided; no secret reaches Slack', async () => {
    const { parent, reply } = await jobAtManualTask();
    const { decisions, heard } = await raceForStep(h, CHANNEL, parent.ts, reply);
    expect(finishes()).toHaveLength(1);
    expect(decisions).toHaveLength(1);
    expect(heard.every((x) => /already (approved|rejected) this step/.test(x))).toBe(true);
    expect(everythingPosted(h, CHANNEL)).not.toContain(PASSWORD);
  });
});
