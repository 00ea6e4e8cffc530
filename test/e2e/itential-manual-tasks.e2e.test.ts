import type { FakeItential } from '../fakes/itential';
import { steps } from '../fakes/itential';
import { waitFor } from '../fakes/slack';
import { approveStep, clickStep, HANG_MS, STEP_APPROVE, STEP_FORM } from '../support/human-steps';
import {
  ALICE,
  BOB,
  CAROL,
  CHANNEL,
  runHumanStepSuite,
  type StepWorld,
  threadShows,
} from '../support/human-step-suite';
import {
  ITENTIAL_LOGIN_PASSWORD as PASSWORD,
  itentialBotPerTest,
  jobAtSteps,
  taskClaims,
  taskFinishes,
} from '../support/itential-bot';
import { type StoreBackend, storeBackends } from '../support/stores';

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

/** Itential with a bot per test, and jobs of "Change Window" that wait on the manual task "Approve change". */
function itentialWorld(backend: StoreBackend) {
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
  let jobId = '';

  async function jobAtManualTask() {
    const started = await jobAtSteps(bot, 'Change Window');
    jobId = started.jobId;
    return started;
  }

  return (): StepWorld & { itential: FakeItential; jobAtManualTask: typeof jobAtManualTask } => {
    const { fake: itential, h } = bot;
    const finishes = () => taskFinishes(itential);
    return {
      h,
      itential,
      jobAtManualTask,
      toStep: jobAtManualTask,
      sent: () =>
        finishes().map((r) =>
          (r.body as { taskData?: { finish_state?: string } }).taskData?.finish_state === 'failure'
            ? 'reject'
            : 'approve',
        ),
      refuseNext: () => {
        itential.inject({
          method: 'POST',
          path: /\/finish$/,
          fault: {
            kind: 'status',
            status: 403,
            body: JSON.stringify({
              message: 'User does not have permission to finish this task',
              data: null,
            }),
          },
        });
        return ['User does not have permission to finish this task'];
      },
      decisionAnswers: itential.decisionAnswers,
      finish: () => itential.advance(jobId),
      secrets: [PASSWORD],
    };
  };
}

runHumanStepSuite({
  name: 'Itential manual tasks',
  operationId: 'itential.task',
  contact: '#netops-leads',
  movedOn: 'Push config',
  rejectedEnding: 'could not finish',
  perTest: itentialWorld,
});

describe.each(storeBackends())('Itential manual tasks, what only Itential has, on $name', (backend) => {
  const world = itentialWorld(backend);
  const claims = (w: ReturnType<typeof world>) => taskClaims(w.itential);
  const finishes = (w: ReturnType<typeof world>) => taskFinishes(w.itential);

  it('Approve claims the task and finishes it with success and the variables typed as JSON', async () => {
    const w = world();
    const { h } = w;
    const { jobId, parent, reply } = await w.jobAtManualTask();
    await approveStep(h, BOB, reply, CHANNEL, {
      values: { variables: '{"ticket": "CHG-7", "force": true}' },
    });
    await threadShows(h, parent.ts, (t) => t.some((x) => x.includes(`Approved by <@${BOB}>`)));
    const [task] = [...w.itential.tasks.values()];
    expect(claims(w).map((r) => r.path)).toEqual([`/operations-manager/tasks/${task?._id}/claim`]);
    expect(finishes(w)[0]?.path).toBe(`/operations-manager/jobs/${jobId}/tasks/${task?.job.task}/finish`);
    expect(finishes(w)[0]?.body).toEqual({
      taskData: { finish_state: 'success', variables: { ticket: 'CHG-7', force: true } },
    });
  });

  it('the task form is optional: left empty, no variables are sent', async () => {
    const w = world();
    const { h } = w;
    const { parent, reply } = await w.jobAtManualTask();
    await approveStep(h, BOB, reply, CHANNEL);
    await threadShows(h, parent.ts, (t) => t.some((x) => x.includes(`Approved by <@${BOB}>`)));
    expect(finishes(w)[0]?.body).toEqual({ taskData: { finish_state: 'success', variables: {} } });
  });

  it('a task form that is not a JSON object stays open with the mistake under the box, and nothing is sent', async () => {
    const w = world();
    const { h } = w;
    const { reply } = await w.jobAtManualTask();
    const before = h.slack.openedViews().length;
    await clickStep(h, BOB, STEP_APPROVE, reply, CHANNEL);
    const view = await waitFor(
      () =>
        h.slack
          .openedViews()
          .slice(before)
          .find((v) => v.callback_id === STEP_FORM),
      HANG_MS,
    );
    const notJson = await h.driver.viewSubmission(view, { variables: '{"ticket": ' }, BOB);
    expect(notJson.viewProblem).toBeUndefined();
    expect(notJson.body).toMatchObject({
      response_action: 'errors',
      errors: { variables: expect.stringContaining('Not valid JSON') },
    });
    const notObject = await h.driver.viewSubmission(view, { variables: '[1, 2]' }, BOB);
    expect(notObject.body).toMatchObject({
      response_action: 'errors',
      errors: { variables: expect.stringContaining('must be a JSON object') },
    });
    expect(h.slack.isViewOpen(view.id)).toBe(true);
    expect(claims(w)).toEqual([]);
    expect(finishes(w)).toEqual([]);
  });
});
