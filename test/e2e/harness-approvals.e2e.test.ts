import type { HarnessFake } from '../fakes/harness/harness-fake';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { addModuleTests, IACM_CONFIG, iacmRunValues, iacmBotPerTest } from '../support/iacm';
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

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';

/** Alice runs, but only Bob and Carol may approve Harness approvals from Slack. */
const CONFIG = `${IACM_CONFIG}policy:
  rules:
    - name: alice-runs-iacm
      operations: [iacm.run]
      users: [${ALICE}]
    - name: leads-approve-pipelines
      operations: [iacm.approve]
      users: [${BOB}, ${CAROL}]
      contact: '#platform-leads'
`;

describe.each(storeBackends())('Harness pipeline approvals from the thread on $name', (backend) => {
  let harness: HarnessFake;
  let h: Harness;
  let moduleId: string;
  let counter = 0;

  const bot = iacmBotPerTest(backend, { configYaml: CONFIG });
  beforeEach(() => {
    ({ fake: harness, h } = bot);
    moduleId = harness.addModule({ name: 'vpc-network' }).id;
  });

  /** A run of module vpc-network whose pipeline waits on a Harness Approval after its plan stage. */
  async function runToApproval() {
    counter += 1;
    const plan = `appr${String(counter).padStart(18, '0')}`;
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
        {
          status: 'ApprovalWaiting',
          stage: 'approve',
          approval: {
            message: 'Apply <!channel> the VPC plan to prod?',
            inputs: [{ name: 'ticket', defaultValue: 'CHG-1' }],
          },
        },
        { status: 'Running', stage: 'apply' },
        { status: 'Success', stage: 'apply' },
      ],
    });
    const { view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
    await h.driver.viewSubmission(view, iacmRunValues(moduleId, plan), ALICE);
    const parent = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')), HANG_MS);
    harness.advance(plan);
    const reply = await stepReply(h, CHANNEL, parent.ts);
    return { plan, parent, reply };
  }

  const activities = () => harness.requestsTo('approvalActivity');
  const thread = (parentTs: string, until: (t: string[]) => boolean) =>
    h.threadTexts(CHANNEL, parentTs, until, HANG_MS);

  it('shows the approval with its message and buttons; Approve is sent as the bot, the thread says who, the run goes on', async () => {
    const { plan, parent, reply } = await runToApproval();
    const shown = blocksText(reply);
    expect(shown).toContain('Harness approval');
    expect(shown).toContain('Apply &lt;!channel&gt; the VPC plan to prod?');
    expect(shown).toContain('only Harness IaCM');
    expect(JSON.stringify(reply.blocks)).toContain(STEP_REJECT);

    await clickStep(h, BOB, STEP_APPROVE, reply, CHANNEL);
    const texts = await thread(parent.ts, (t) => t.some((x) => x.includes('Approved by <@U0BOB>')));
    expect(texts.join('\n')).toContain('Harness approval');
    expect(activities()).toHaveLength(1);
    const [activity] = activities();
    expect(activity?.path).toBe(`/pipeline/api/approvals/${plan}-approval-1/harness/activity`);
    expect(activity?.query.get('accountIdentifier')).toBe(harness.accountId);
    expect(activity?.body).toMatchObject({
      action: 'APPROVE',
      approverInputs: [{ name: 'ticket', value: 'CHG-1' }],
    });
    expect((activity?.body as { comments: string }).comments).toContain(BOB);

    harness.advance(plan);
    await thread(parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
    const audit = await h.bot.store.listAudit({ actorId: BOB, limit: 10 });
    expect(audit.map((r) => `${r.action}:${r.outcome}`)).toContain('step.approve:approved');
  });

  it('Reject rejects the approval in Harness and the run fails as rejected', async () => {
    const { parent, reply } = await runToApproval();
    await clickStep(h, CAROL, STEP_REJECT, reply, CHANNEL);
    await thread(parent.ts, (t) => t.some((x) => x.includes('Rejected by <@U0CAROL>')));
    expect(activities()[0]?.body).toMatchObject({ action: 'REJECT' });
    const texts = await thread(parent.ts, (t) => t.some((x) => x.includes('The approval was rejected')));
    expect(texts.join('\n')).toContain('Failed');
  });

  it('the requester, whom the policy does not let approve, is told privately, and nothing reaches Harness', async () => {
    const { parent, reply } = await runToApproval();
    await clickStep(h, ALICE, STEP_APPROVE, reply, CHANNEL);
    const told = await toldPrivately(h, CHANNEL, ALICE, "You can't approve this step");
    expect(blocksText(told)).toContain('iacm.approve');
    expect(blocksText(told)).toContain('#platform-leads');
    const audit = await h.bot.store.listAudit({ actorId: ALICE, limit: 10 });
    expect(audit.map((r) => `${r.action}:${r.outcome}`)).toContain('step.approve:denied');
    expect(activities()).toHaveLength(0);
    expect(
      h.slack
        .thread(CHANNEL, parent.ts)
        .map((m) => blocksText(m))
        .join('\n'),
    ).not.toContain('Approved by');
  });

  it('Harness refusing the bot’s key reaches the thread readably, and the step can be tried again', async () => {
    harness.keyMayApprove = false;
    const { plan, parent, reply } = await runToApproval();
    await clickStep(h, BOB, STEP_APPROVE, reply, CHANNEL);
    const texts = await thread(parent.ts, (t) => t.some((x) => x.includes('refused')));
    const said = texts.join('\n');
    expect(said).toContain('User not authorized to approve/reject');
    expect(said).toContain('INVALID_REQUEST');
    expect(said).toMatch(/user groups/);
    expect(said).not.toContain(harness.apiKey);

    harness.keyMayApprove = true;
    await clickStep(h, CAROL, STEP_APPROVE, reply, CHANNEL);
    await thread(parent.ts, (t) => t.some((x) => x.includes('Approved by <@U0CAROL>')));
    expect(activities()).toHaveLength(2);
    harness.advance(plan);
    await thread(parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
  });

  it('a double click and a second approver act once; the second hears who decided', async () => {
    const { parent, reply } = await runToApproval();
    const { decisions, heard } = await raceForStep(h, CHANNEL, parent.ts, reply);
    expect(activities()).toHaveLength(1);
    expect(decisions).toHaveLength(1);
    expect(heard.every((x) => /already (approved|rejected) this step/.test(x))).toBe(true);
  });

  it('never shows the API key anywhere in Slack', async () => {
    harness.keyMayApprove = false;
    const { reply } = await runToApproval();
    await clickStep(h, BOB, STEP_APPROVE, reply, CHANNEL);
    const { parent } = await h.parentOf(CHANNEL).then((p) => ({ parent: p }));
    await thread(parent.ts, (t) => t.some((x) => x.includes('refused')));
    expect(everythingPosted(h, CHANNEL)).not.toContain(harness.apiKey);
    expect(everythingPosted(h, CHANNEL)).not.toContain('secretsecret');
  });
});
