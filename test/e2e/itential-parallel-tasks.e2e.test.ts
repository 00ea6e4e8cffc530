import { steps } from '../fakes/itential';
import { waitFor } from '../fakes/slack';
import { blocksText } from '../support/flightdeck-harness';
import { ALICE, BOB, CAROL, CHANNEL, threadShows } from '../support/human-step-suite';
import {
  approveStep,
  clickStep,
  HANG_MS,
  offeredSteps,
  STEP_APPROVE,
  STEP_FORM,
  STEP_REJECT,
  stepReply,
  toldPrivately,
} from '../support/human-steps';
import { itentialBotPerTest, jobAtSteps, taskClaims, taskFinishes } from '../support/itential-bot';
import { storeBackends } from '../support/stores';

/** Alice starts jobs; Bob and Carol may act on manual tasks. */
const CONFIG = `policy:
  rules:
    - name: alice-starts-jobs
      operations: [itential.start]
      users: [${ALICE}]
    - name: netops-leads-finish-tasks
      operations: [itential.task]
      users: [${BOB}, ${CAROL}]
`;

const NETWORK = 'Network sign-off';
const SECURITY = 'Security sign-off';

describe.each(storeBackends())('an Itential job waiting on two manual tasks at once, on $name', (backend) => {
  const bot = itentialBotPerTest(
    backend,
    [
      {
        name: 'Dual Sign-off',
        script: [
          steps.running('backUpDevice', 0.2, 'Back up device'),
          steps.manualWaitingParallel([NETWORK, SECURITY]),
          steps.complete(),
        ],
      },
    ],
    { configYaml: CONFIG },
  );
  const thread = (parentTs: string, until: (t: string[]) => boolean) => threadShows(bot.h, parentTs, until);
  /** Alice's job, at its two waiting manual tasks: the thread reply offering them, and each task's ids. */
  async function jobAtBothTasks() {
    const { fake: itential } = bot;
    const started = await jobAtSteps(bot, 'Dual Sign-off');
    const task = (summary: string) => {
      const doc = [...itential.tasks.values()].find((t) => t.summary === summary);
      if (!doc) throw new Error(`the fake lists no task ${summary}`);
      return { taskId: doc._id, stepId: doc.job.task };
    };
    return {
      ...started,
      network: task(NETWORK),
      security: task(SECURITY),
    };
  }

  it('offers both tasks, each with its own buttons; the job goes on only once both are approved', async () => {
    const { fake: itential, h } = bot;
    const { jobId, parent, reply, network, security } = await jobAtBothTasks();
    const offered = offeredSteps(reply);
    expect(offered.map((s) => s.stepId)).toEqual([network.stepId, security.stepId]);
    for (const step of offered)
      expect(step.buttons.map((b) => [b.action_id, b.text.text])).toEqual([
        [STEP_APPROVE, 'Approve…'],
        [STEP_REJECT, 'Reject'],
      ]);
    expect(blocksText(reply)).toContain(`Manual task '${NETWORK} (ViewData)'`);
    expect(blocksText(reply)).toContain(`Manual task '${SECURITY} (ViewData)'`);

    await approveStep(h, BOB, reply, CHANNEL, {
      stepId: network.stepId,
      values: { variables: '{"ticket": "CHG-1"}' },
    });
    const approvedFirst = await thread(parent.ts, (t) => t.some((x) => x.includes(`Approved by <@${BOB}>`)));
    expect(approvedFirst.find((x) => x.includes(`Approved by <@${BOB}>`))).toContain(NETWORK);
    // The reply that offered both is edited: the approved task says who approved it in place of its
    // buttons; the other task keeps its own.
    const edited = await waitFor(
      () => {
        const now = h.slack.message(CHANNEL, reply.ts);
        return now && blocksText(now).includes(`Approved by <@${BOB}>`) ? now : undefined;
      },
      HANG_MS,
      () => 'the reply that offered both tasks, edited',
    );
    expect(offeredSteps(edited).map((s) => s.stepId)).toEqual([security.stepId]);
    expect(blocksText(edited)).toContain(`Manual task '${NETWORK} (ViewData)'`);

    // The job still waits on the other branch: a new reply offers the task left, and only that one.
    const next = await stepReply(h, CHANNEL, parent.ts, (m) => m.ts !== reply.ts);
    expect(offeredSteps(next).map((s) => s.stepId)).toEqual([security.stepId]);
    expect(itential.jobs.get(jobId)?.status).toBe('running');
    const waiting = h.slack.thread(CHANNEL, parent.ts).map((m) => blocksText(m));
    expect(waiting.join('\n')).not.toContain('Succeeded');

    await approveStep(h, CAROL, next, CHANNEL, { stepId: security.stepId });
    await thread(parent.ts, (t) => t.some((x) => x.includes(`Approved by <@${CAROL}>`)));
    await thread(parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
    expect(itential.jobs.get(jobId)?.status).toBe('complete');

    expect(taskClaims(itential).map((r) => r.path)).toEqual([
      `/operations-manager/tasks/${network.taskId}/claim`,
      `/operations-manager/tasks/${security.taskId}/claim`,
    ]);
    expect(taskFinishes(itential).map((r) => [r.path, r.body])).toEqual([
      [
        `/operations-manager/jobs/${jobId}/tasks/${network.stepId}/finish`,
        { taskData: { finish_state: 'success', variables: { ticket: 'CHG-1' } } },
      ],
      [
        `/operations-manager/jobs/${jobId}/tasks/${security.stepId}/finish`,
        { taskData: { finish_state: 'success', variables: {} } },
      ],
    ]);
  });

  it('Reject on one task ends the job on the failure path; the other task’s buttons say the run no longer waits', async () => {
    const { fake: itential, h } = bot;
    const { jobId, parent, reply, network, security } = await jobAtBothTasks();
    await clickStep(h, CAROL, STEP_REJECT, reply, CHANNEL, security.stepId);
    const texts = await thread(parent.ts, (t) => t.some((x) => x.includes('could not finish')));
    expect(texts.find((x) => x.includes(`Rejected by <@${CAROL}>`))).toContain(SECURITY);
    expect(itential.jobs.get(jobId)?.status).toBe('incomplete');

    // The reply that offered both shows the rejection in place of that task's buttons; the other task's
    // buttons stay (the run no longer waits on it), and a click on them explains.
    await waitFor(
      () => {
        const now = h.slack.message(CHANNEL, reply.ts);
        return now && blocksText(now).includes(`Rejected by <@${CAROL}>`) ? now : undefined;
      },
      HANG_MS,
      () => 'the reply that offered both tasks, edited',
    );
    const formsBefore = h.slack.openedViews().filter((v) => v.callback_id === STEP_FORM).length;
    await clickStep(h, BOB, STEP_APPROVE, reply, CHANNEL, network.stepId);
    await toldPrivately(h, CHANNEL, BOB, 'This run no longer waits for that step');
    expect(h.slack.openedViews().filter((v) => v.callback_id === STEP_FORM)).toHaveLength(formsBefore);
    await clickStep(h, BOB, STEP_REJECT, reply, CHANNEL, network.stepId);
    await waitFor(
      () =>
        h.slack
          .ephemerals(CHANNEL, BOB)
          .filter((e) => blocksText(e).includes('This run no longer waits for that step')).length === 2 ||
        undefined,
      HANG_MS,
    );

    expect(taskClaims(itential).map((r) => r.path)).toEqual([
      `/operations-manager/tasks/${security.taskId}/claim`,
    ]);
    expect(taskFinishes(itential).map((r) => [r.path, r.body])).toEqual([
      [
        `/operations-manager/jobs/${jobId}/tasks/${security.stepId}/finish`,
        { taskData: { finish_state: 'failure', variables: {} } },
      ],
    ]);
  });

  it('the decision line names the task decided, as the reply that offered it did, not the other one', async () => {
    const { h } = bot;
    const { parent, reply, network } = await jobAtBothTasks();
    await approveStep(h, BOB, reply, CHANNEL, { stepId: network.stepId });
    const texts = await thread(parent.ts, (t) => t.some((x) => x.includes(`Approved by <@${BOB}>`)));
    const line = texts.find((x) => x.includes(`Approved by <@${BOB}>`));
    expect(line).toContain(`— Manual task '${NETWORK} (ViewData)'`);
    expect(line).not.toContain(SECURITY);
  });
});
