import { type FakeItential, scripts } from '../fakes/itential';
import { type FakeSlack, waitFor, type FakeMessage } from '../fakes/slack';
import type { RunRecord } from '../../src/core/runs/run-store';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { eventually } from '../support/eventually';
import { startItentialBot, type ItentialBot } from '../support/itential-bot';
import { storeBackends } from '../support/stores';

const APPROVALS = 'C0APPROVALS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const APPROVE = 'fd.run.approve';
const REJECT = 'fd.run.reject';

// Oncall may start jobs; "Prod" needs Bob's group, "Hotfix" one of Bob or Carol, "Core" both of them
// (posted in an approval channel), "Change" is for oncall only, and "Quick" requests expire after a second.
const CONFIG = `
policy:
  rules:
    - name: oncall-runs
      operations: [itential.start]
      groups: [S0ONCALL]
    - name: prod-needs-approval
      effect: require-approval
      operations: [itential.start]
      when: { workflow: 'Prod *' }
      approvers: { groups: [S0APPROVERS] }
    - name: hotfix-one-of-two
      effect: require-approval
      operations: [itential.start]
      when: { workflow: 'Hotfix *' }
      approvers: { users: [U0BOB, U0CAROL] }
    - name: core-four-eyes
      effect: require-approval
      operations: [itential.start]
      when: { workflow: 'Core *' }
      approvers: { users: [U0BOB, U0CAROL] }
      approvals: 2
      approvalChannel: ${APPROVALS}
    - name: oncall-changes
      effect: require-approval
      operations: [itential.start]
      groups: [S0ONCALL]
      when: { workflow: 'Change *' }
      approvers: { users: [U0BOB] }
    - name: quick-expires
      effect: require-approval
      operations: [itential.start]
      when: { workflow: 'Quick *' }
      approvers: { users: [U0BOB] }
      expiresAfter: 1s
`;

const WORKFLOWS = ['Prod Push', 'Hotfix Router', 'Core Upgrade', 'Quick Fix', 'Change Window'];

describe.each(storeBackends())('approvals end to end on $name', (backend) => {
  let bot: ItentialBot;
  let slack: FakeSlack;
  let itential: FakeItential;
  let h: Harness;

  beforeAll(async () => {
    bot = await startItentialBot(backend, {
      channels: [
        {
          id: APPROVALS,
          name: 'approvals',
          isPrivate: false,
          isArchived: false,
          members: ['U0BOT', BOB, CAROL],
        },
      ],
      workflows: WORKFLOWS.map((name) => ({ name, script: scripts.happy() })),
      advanceOnPoll: false,
      configYaml: CONFIG,
      // Status lines are edited at most this often; the buttons go with the edit after a decision.
      engine: { parentEditIntervalMs: 200 },
    });
    ({ itential, h } = bot);
    ({ slack } = h);
  });
  // Each test in its own channel: Flightdeck paces posts per channel as Slack asks (about one a second).
  let channel = '';
  let channels = 0;
  const freshChannel = () => {
    channels += 1;
    const id = `C0TEST${channels}`;
    slack.addChannel({
      id,
      name: `test-${channels}`,
      isPrivate: false,
      isArchived: false,
      members: ['U0BOT', ALICE, BOB, CAROL],
    });
    return id;
  };
  beforeEach(() => {
    channel = freshChannel();
  });
  afterAll(() => bot.close());

  const starts = () => itential.requests.filter((r) => r.path === '/operations-manager/jobs/start');
  const startsOf = (workflow: string) =>
    starts().filter((r) => (r.body as { workflow?: string } | undefined)?.workflow === workflow).length;

  /** `user` asks for `workflow` through the command and its modal; resolves with the recorded run. */
  async function request(user: string, workflow: string, where = channel): Promise<RunRecord> {
    const newRun = await h.submitCommand(user, `itential start ${workflow}`, where, {
      workflow: { value: workflow, text: workflow },
    });
    return eventually(() => newRun((r) => r.parentTs !== null), `a posted run of ${workflow}`);
  }

  const parent = (run: RunRecord): FakeMessage => {
    const message = h.slack.message(run.channelId, run.parentTs ?? '');
    if (!message) throw new Error(`no parent message for ${run.id}`);
    return message;
  };
  const click = (
    user: string,
    actionId: string,
    run: RunRecord,
    channelId = run.channelId,
    ts = run.parentTs ?? '',
  ) =>
    h.driver.blockAction({
      user,
      actionId,
      channelId,
      messageTs: ts,
      blockId: `approval:${run.id}`,
      value: run.id,
    });
  const thread = (run: RunRecord, until: (texts: string[]) => boolean) =>
    h.threadTexts(run.channelId, run.parentTs ?? '', until);
  const told = (user: string, text: string, where = channel) =>
    waitFor(
      () => h.slack.ephemerals(where, user).find((e) => blocksText(e).includes(text)),
      5_000,
      () =>
        `an ephemeral to ${user} with "${text}": ${JSON.stringify(h.slack.ephemerals(where, user).map((e) => e.text))}`,
    );
  const state = async (run: RunRecord) => (await h.bot.store.getRun(run.id))?.state;

  it('a require-approval run waits with the exact parameters, Approve and Reject, and the expiry; approval starts it once', async () => {
    const run = await request(ALICE, 'Prod Push');
    expect(run.state).toBe('awaiting_approval');
    await told(
      ALICE,
      'Sent for approval: rule "prod-needs-approval" needs approval by <!subteam^S0APPROVERS>',
    );
    const message = parent(run);
    const text = blocksText(message);
    expect(text).toContain('Awaiting approval');
    expect(text).toContain('Prod Push');
    expect(JSON.stringify(message.blocks)).toContain(APPROVE);
    expect(JSON.stringify(message.blocks)).toContain(REJECT);
    const asked = await thread(run, (t) => t.some((x) => x.includes('asked to run this')));
    expect(asked.join('\n')).toMatch(
      /needs approval by <!subteam\^S0APPROVERS> \(not <@U0ALICE>\) before <!date\^\d+\^/,
    );
    expect(startsOf('Prod Push')).toBe(0);

    await click(BOB, APPROVE, run);
    await thread(
      run,
      (t) => t.some((x) => x.includes('Approved by <@U0BOB>')) && t.some((x) => x.includes('Started by')),
    );
    await eventually(async () => ((await state(run)) === 'running' ? true : undefined), 'running');
    expect(startsOf('Prod Push')).toBe(1);
    await told(ALICE, 'Approved by <@U0BOB>');
    const updated = await waitFor(() => {
      const m = parent(run);
      return JSON.stringify(m.blocks).includes(APPROVE) ? undefined : m;
    }, 3_000);
    expect(blocksText(updated)).not.toContain('Awaiting approval');

    const audit = await h.bot.store.listAudit({ limit: 200 });
    const ofRun = audit.filter((r) => r.runId === run.id).map((r) => `${r.action}:${r.outcome}`);
    expect(ofRun).toEqual(
      expect.arrayContaining(['launch:approval_requested', 'approve:approved', 'start:started']),
    );
    expect(audit.find((r) => r.runId === run.id && r.action === 'start')?.detail).toMatchObject({
      upstreamId: expect.any(String),
      facts: expect.arrayContaining([expect.objectContaining({ value: 'Prod Push' })]),
    });
  });

  it('the requester can never approve their own run; a non-approver is told who can; neither decides', async () => {
    const run = await request(ALICE, 'Prod Push');
    await click(ALICE, APPROVE, run);
    await told(ALICE, 'You cannot approve your own request');
    await click(CAROL, APPROVE, run);
    await told(
      CAROL,
      'You are not an approver for this request: it needs approval by <!subteam^S0APPROVERS>',
    );
    expect(await state(run)).toBe('awaiting_approval');
    const refused = (await h.bot.store.listAudit({ limit: 200 })).filter(
      (r) => r.runId === run.id && r.outcome === 'refused',
    );
    expect(refused.map((r) => [r.actorId, r.detail.why])).toEqual(
      expect.arrayContaining([
        [ALICE, 'own run'],
        [CAROL, 'not an approver'],
      ]),
    );
    await click(BOB, REJECT, run);
    await eventually(async () => ((await state(run)) === 'rejected' ? true : undefined), 'rejected');
  });

  it('a rejected request never starts; the thread says who rejected it and the requester is told', async () => {
    const before = startsOf('Prod Push');
    const run = await request(CAROL, 'Prod Push');
    await click(BOB, REJECT, run);
    const texts = await thread(run, (t) => t.some((x) => x.includes('Rejected by <@U0BOB>')));
    expect(texts.filter((x) => x.includes('Rejected'))).toHaveLength(1);
    await told(CAROL, 'Rejected by <@U0BOB>');
    expect(await state(run)).toBe('rejected');
    await click(BOB, APPROVE, run);
    await told(BOB, 'This request was already rejected by <@U0BOB>');
    expect(startsOf('Prod Push')).toBe(before);
    const audit = await h.bot.store.listAudit({ actorId: BOB, limit: 50 });
    expect(audit.find((r) => r.runId === run.id && r.action === 'reject')?.outcome).toBe('rejected');
  });

  it('an unanswered request expires once: rejected with "approval expired", and later clicks start nothing', async () => {
    const run = await request(ALICE, 'Quick Fix');
    const texts = await thread(run, (t) => t.some((x) => x.includes('Approval expired')));
    expect(texts.filter((x) => x.includes('Approval expired'))).toHaveLength(1);
    expect(await state(run)).toBe('rejected');
    await told(ALICE, 'Expired');
    await click(BOB, APPROVE, run);
    await told(BOB, 'This request expired before it was approved.');
    expect(startsOf('Quick Fix')).toBe(0);
    const expiries = (await h.bot.store.listAudit({ limit: 200 })).filter(
      (r) => r.runId === run.id && r.action === 'expire',
    );
    expect(expiries).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      h.slack
        .thread(run.channelId, run.parentTs ?? '')
        .filter((m) => blocksText(m).includes('Approval expired')),
    ).toHaveLength(1);
  });

  it('N of M: two distinct approvers are needed, one person counts once, and the approval channel shows the request', async () => {
    const run = await request(ALICE, 'Core Upgrade');
    const posted = await waitFor(
      () => h.slack.messages(APPROVALS).find((m) => JSON.stringify(m.blocks).includes(run.id)),
      5_000,
      () => 'the request in the approval channel',
    );
    const request_ = blocksText(posted);
    expect(request_).toContain('Core Upgrade');
    expect(request_).toContain('<@U0ALICE>');
    expect(request_).toContain('Needs 2 approvals from <@U0BOB> or <@U0CAROL>');
    expect(request_).toContain("the run's thread");
    await thread(run, (t) => t.some((x) => x.includes(`The request is in <#${APPROVALS}>`)));

    await click(BOB, APPROVE, run, APPROVALS, posted.ts);
    await told(BOB, 'Your approval is recorded: 1 of 2', APPROVALS);
    await click(BOB, APPROVE, run, APPROVALS, posted.ts);
    await told(BOB, 'You already approved this request', APPROVALS);
    await thread(run, (t) => t.some((x) => x.includes('Approved by <@U0BOB> (1 of 2)')));
    expect(await state(run)).toBe('awaiting_approval');
    expect(startsOf('Core Upgrade')).toBe(0);

    await click(CAROL, APPROVE, run, APPROVALS, posted.ts);
    await thread(run, (t) => t.some((x) => x.includes('Started by')));
    expect(startsOf('Core Upgrade')).toBe(1);
    const decided = await waitFor(() => {
      const m = h.slack.message(APPROVALS, posted.ts);
      return m && !JSON.stringify(m.blocks).includes(APPROVE) ? m : undefined;
    }, 3_000);
    expect(blocksText(decided)).toMatch(/Approved by (<@U0BOB>, <@U0CAROL>|<@U0CAROL>, <@U0BOB>)/);
  });

  it('a double click and two approvers at once decide once: one job', async () => {
    const doubled = await request(ALICE, 'Hotfix Router');
    await Promise.all([
      click(BOB, APPROVE, doubled),
      click(BOB, APPROVE, doubled),
      click(BOB, APPROVE, doubled),
    ]);
    const raced = await request(ALICE, 'Hotfix Router', freshChannel());
    await Promise.all([click(BOB, APPROVE, raced), click(CAROL, APPROVE, raced)]);
    for (const run of [doubled, raced]) {
      const texts = await thread(run, (t) => t.some((x) => x.includes('Started by')));
      expect(texts.filter((x) => x.includes('Started by'))).toHaveLength(1);
      expect(texts.filter((x) => x.includes('Approved by'))).toHaveLength(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(startsOf('Hotfix Router')).toBe(2);
    const settled = await Promise.all([doubled, raced].map((r) => h.bot.store.getApproval(r.id)));
    expect(settled.map((s) => s?.request.outcome)).toEqual(['approved', 'approved']);
  });

  it('policy is checked again at approval time: a requester no longer allowed, an approver no longer one', async () => {
    const change = await request(ALICE, 'Change Window');
    const prod = await request(ALICE, 'Prod Push');
    // Group membership is cached for minutes; a restart reads it afresh.
    slack.setUsergroup('S0ONCALL', [BOB]);
    slack.setUsergroup('S0APPROVERS', []);
    try {
      await h.restart();
      await click(BOB, APPROVE, change);
      await told(BOB, 'The requester is no longer allowed to run this, so it was rejected.');
      const texts = await thread(change, (t) => t.some((x) => x.includes('No longer allowed')));
      expect(texts.join('\n')).toContain('The policy no longer lets the requester run this');
      expect(await state(change)).toBe('rejected');
      await click(BOB, APPROVE, prod);
      await told(BOB, 'You are not an approver for this request');
      expect(await state(prod)).toBe('awaiting_approval');
      expect(startsOf('Change Window')).toBe(0);
    } finally {
      slack.setUsergroup('S0ONCALL', [ALICE, BOB]);
      slack.setUsergroup('S0APPROVERS', [BOB]);
      await h.restart();
    }
  });

  it('a pending approval survives a restart: after it, Approve starts the job once', async () => {
    const run = await request(ALICE, 'Prod Push');
    const before = startsOf('Prod Push');
    await h.restart();
    expect(await state(run)).toBe('awaiting_approval');
    await click(BOB, APPROVE, run);
    await thread(run, (t) => t.some((x) => x.includes('Started by')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(startsOf('Prod Push')).toBe(before + 1);
    expect(
      h.slack
        .thread(run.channelId, run.parentTs ?? '')
        .filter((m) => blocksText(m).includes('asked to run this')),
    ).toHaveLength(1);
  });
});
