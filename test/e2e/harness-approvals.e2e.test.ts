import type { HarnessFake } from '../fakes/harness/harness-fake';
import type { ApprovalSpec } from '../fakes/harness/pipeline-script';
import { blocksText } from '../support/flightdeck-harness';
import { addModuleTests, iacmBotPerTest, iacmRunValues } from '../support/iacm';
import {
  approveStep,
  clickStep,
  offeredSteps,
  readyApproval,
  STEP_APPROVE,
  STEP_FORM,
  stepReply,
} from '../support/human-steps';
import {
  ALICE,
  BOB,
  CAROL,
  CHANNEL,
  runHumanStepSuite,
  type StepWorld,
  threadShows,
} from '../support/human-step-suite';
import { type StoreBackend, storeBackends } from '../support/stores';

/**
 * Alice runs, but only Bob and Carol may approve Harness approvals from Slack. Harness answers within a
 * generous timeout: a test that holds an answer on a loaded machine must not turn it into a lost one.
 */
const CONFIG = `systems:
  iacm:
    org: default
    project: infra
    http: { timeoutMs: 20000, readRetries: 1, retryDelayMs: 10 }
policy:
  rules:
    - name: alice-runs-iacm
      operations: [iacm.run]
      users: [${ALICE}]
    - name: leads-approve-pipelines
      operations: [iacm.approve]
      users: [${BOB}, ${CAROL}]
      contact: '#platform-leads'
`;

const ONE_APPROVAL: ApprovalSpec = {
  message: 'Apply <!channel> the VPC plan to prod?',
  inputs: [{ name: 'ticket', defaultValue: 'CHG-1' }],
};

/** Harness with a bot per test, and runs of module vpc-network that wait on `approval` after their plan stage. */
function harnessWorld(backend: StoreBackend) {
  const bot = iacmBotPerTest(backend, { configYaml: CONFIG });
  let counter = 0;
  let plan = '';

  async function runToApproval(approval: ApprovalSpec | ApprovalSpec[] = ONE_APPROVAL) {
    const { fake: harness, h } = bot;
    const moduleId = harness.addModule({ name: 'vpc-network' }).id;
    counter += 1;
    plan = `appr${String(counter).padStart(18, '0')}`;
    addModuleTests(harness, {
      planExecutionId: plan,
      runSequence: counter,
      stages: [
        { id: 'plan', name: 'Plan' },
        { id: 'approve', name: 'Approve' },
        { id: 'apply', name: 'Apply' },
      ],
      steps: [
        { status: 'Running', stage: 'plan' },
        { status: 'ApprovalWaiting', stage: 'approve', approval },
        { status: 'Running', stage: 'apply' },
        { status: 'Success', stage: 'apply' },
      ],
    });
    const { view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
    await h.driver.viewSubmission(view, iacmRunValues(moduleId, plan), ALICE);
    const parent = await h.parentOf(CHANNEL);
    await threadShows(h, parent.ts, (t) => t.some((x) => x.includes('Started')));
    harness.advance(plan);
    return { plan, parent, reply: await stepReply(h, CHANNEL, parent.ts) };
  }

  const world = (): StepWorld & { harness: HarnessFake; runToApproval: typeof runToApproval } => {
    const { fake: harness, h } = bot;
    return {
      h,
      harness,
      runToApproval,
      toStep: () => runToApproval(),
      sent: () =>
        harness
          .requestsTo('approvalActivity')
          .map((r) => ((r.body as { action?: string }).action === 'REJECT' ? 'reject' : 'approve')),
      refuseNext: () => {
        // What Harness answers when the key's account is not in the step's user groups.
        harness.inject('approvalActivity', {
          kind: 'ng',
          status: 400,
          code: 'INVALID_REQUEST',
          message: 'Invalid request: User not authorized to approve/reject',
        });
        return ['User not authorized to approve/reject', 'INVALID_REQUEST', 'user groups'];
      },
      decisionAnswers: harness.decisionAnswers,
      finish: () => harness.advance(plan),
      secrets: [harness.apiKey, 'secretsecret'],
    };
  };
  return world;
}

runHumanStepSuite({
  name: 'Harness pipeline approvals',
  operationId: 'iacm.approve',
  contact: '#platform-leads',
  movedOn: 'stage Apply',
  rejectedEnding: 'The approval was rejected',
  perTest: harnessWorld,
});

describe.each(storeBackends())('Harness approvals, what only Harness has, on $name', (backend) => {
  const world = harnessWorld(backend);
  const activities = (w: ReturnType<typeof world>) => w.harness.requestsTo('approvalActivity');

  it('approver inputs are a form pre-filled with their defaults; what is typed is sent as approverInputs', async () => {
    const w = world();
    const { h } = w;
    const { plan, parent, reply } = await w.runToApproval({
      message: ONE_APPROVAL.message,
      inputs: [
        { name: 'ticket', defaultValue: 'CHG-1' },
        { name: 'window', defaultValue: 'tonight' },
        { name: 'note' },
      ],
    });
    const shown = blocksText(reply);
    expect(shown).toContain('Apply &lt;!channel&gt; the VPC plan to prod?');
    expect(shown).not.toContain('own page');
    const send = await readyApproval(h, CAROL, reply, CHANNEL, {
      values: { 'in.s.ticket': 'CHG-2', 'in.s.note': 'ok' },
    });
    const form = h.slack.openedViews().find((v) => v.callback_id === STEP_FORM);
    expect(JSON.stringify(form?.blocks)).toContain('"initial_value":"CHG-1"');
    expect(JSON.stringify(form?.blocks)).toContain('"initial_value":"tonight"');
    await send();
    await threadShows(h, parent.ts, (t) => t.some((x) => x.includes(`Approved by <@${CAROL}>`)));
    expect(activities(w)).toHaveLength(1);
    const [activity] = activities(w);
    expect(activity?.path).toBe(`/pipeline/api/approvals/${plan}-approval-1/harness/activity`);
    expect(activity?.query.get('accountIdentifier')).toBe(w.harness.accountId);
    expect(activity?.body).toMatchObject({
      action: 'APPROVE',
      approverInputs: [
        { name: 'ticket', value: 'CHG-2' },
        { name: 'window', value: 'tonight' },
        { name: 'note', value: 'ok' },
      ],
    });
    expect((activity?.body as { comments: string }).comments).toContain(CAROL);
  });

  it('an approval without inputs is approved with one click, no form', async () => {
    const w = world();
    const { h } = w;
    const { parent, reply } = await w.runToApproval({ message: 'Go?' });
    await clickStep(h, BOB, STEP_APPROVE, reply, CHANNEL);
    await threadShows(h, parent.ts, (t) => t.some((x) => x.includes(`Approved by <@${BOB}>`)));
    expect(h.slack.openedViews().filter((v) => v.callback_id === STEP_FORM)).toEqual([]);
    expect(activities(w)[0]?.body).toMatchObject({ action: 'APPROVE', approverInputs: [] });
  });

  it('parallel approvals are offered each with its own buttons; one decided, the thread offers the rest', async () => {
    const w = world();
    const { h } = w;
    const { plan, parent, reply } = await w.runToApproval([
      { message: 'Network team?' },
      { message: 'Security team?', inputs: [{ name: 'ticket', defaultValue: 'SEC-9' }] },
    ]);
    const offered = offeredSteps(reply);
    expect(offered.map((s) => s.stepId)).toEqual([`${plan}-approval-1-1`, `${plan}-approval-1-2`]);
    expect(blocksText(reply)).toContain('Harness approval 2 of 2');
    await approveStep(h, BOB, reply, CHANNEL, { stepId: `${plan}-approval-1-2` });
    await threadShows(h, parent.ts, (t) => t.some((x) => x.includes(`Approved by <@${BOB}>`)));
    const rest = await stepReply(h, CHANNEL, parent.ts, (m) => m.ts !== reply.ts);
    expect(offeredSteps(rest).map((s) => s.stepId)).toEqual([`${plan}-approval-1-1`]);
    await approveStep(h, CAROL, rest, CHANNEL);
    await threadShows(h, parent.ts, (t) => t.some((x) => x.includes('stage Apply')));
    expect(activities(w).map((a) => a.path)).toEqual([
      `/pipeline/api/approvals/${plan}-approval-1-2/harness/activity`,
      `/pipeline/api/approvals/${plan}-approval-1-1/harness/activity`,
    ]);
  });

  it('at most five approvals are offered; a line says how many more wait and links Harness', async () => {
    const w = world();
    const { reply } = await w.runToApproval(
      Array.from({ length: 7 }, (_, i) => ({ message: `Team ${i + 1}?` })),
    );
    expect(offeredSteps(reply)).toHaveLength(5);
    expect(blocksText(reply)).toMatch(/…and 2 more steps wait: decide them in <http[^|]+\|Harness IaCM>/);
  });
});
