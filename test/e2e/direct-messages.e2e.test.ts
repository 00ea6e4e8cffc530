import { scripts, steps, type FakeItential } from '../fakes/itential';
import { waitFor, type FakeMessage, type FakeSlack } from '../fakes/slack';
import type { RunRecord } from '../../src/core/runs/run-store';
import { blocksText, channelMaker, type Harness } from '../support/flightdeck-harness';
import { eventually } from '../support/eventually';
import { jobStarts, startItentialBot, type ItentialBot } from '../support/itential-bot';
import { storeBackends } from '../support/stores';
import { approveStep, HANG_MS, STEP_APPROVE } from '../support/human-steps';
import { MAX_STEP_DECIDERS_ASKED } from '../../src/core/direct/recipients';

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const DAVE = 'U0DAVE';
const APPROVE = 'fd.run.approve';
/** A group one larger than the most people Flightdeck asks directly about a step; Bob and Carol are in it. */
const AUDITORS = 'S0AUDITORS';
const AUDITOR_IDS = [
  BOB,
  CAROL,
  ...Array.from({ length: MAX_STEP_DECIDERS_ASKED - 1 }, (_, i) => `U0AUDIT${String(i)}`),
];
const im = (user: string) => `D${user.slice(1)}`;

// Anyone but Dave may start jobs; "Prod" jobs need one approval by Carol or a member of on-call (Alice, Bob).
// The manual tasks of "Change" jobs are for Carol, Dave and on-call; those of "Backup" jobs for anyone.
const CONFIG = `
policy:
  rules:
    - name: anyone-runs
      operations: [itential.start]
    - name: not-dave
      effect: deny
      operations: [itential.start]
      users: [${DAVE}]
    - name: prod-needs-approval
      effect: require-approval
      operations: [itential.start]
      when: { workflow: 'Prod *' }
      approvers: { users: [${CAROL}], groups: [S0ONCALL] }
    - name: leads-finish-changes
      operations: [itential.task]
      when: { workflow: 'Change *' }
      users: [${CAROL}, ${DAVE}]
      groups: [S0ONCALL]
    - name: anyone-finishes-backups
      operations: [itential.task]
      when: { workflow: 'Backup *' }
    - name: auditors-finish-audits
      operations: [itential.task]
      when: { workflow: 'Audit *' }
      groups: [${AUDITORS}]
`;

const WORKFLOWS = [
  // Runs, waits on a manual task (someone must act), then completes.
  { name: 'Backup Devices', script: scripts.happy() },
  { name: 'Quick Check', script: [steps.running('check', 0.5), steps.complete()] },
  { name: 'Audit Devices', script: scripts.happy() },
  { name: 'Broken Push', script: scripts.adapterError() },
  { name: 'Prod Push', script: [steps.running('push', 0.5), steps.complete()] },
  // Waits on a manual task until someone finishes it from Flightdeck.
  {
    name: 'Change Window',
    script: [
      steps.running('backUpDevice', 0.2, 'Back up device'),
      steps.manualWaiting('Approve change'),
      steps.running('pushConfig', 0.8, 'Push config'),
      steps.complete(),
    ],
  },
];

/** The direct messages `user` got about `run` (by the metadata the bot posts them with), oldest first. */
function dmsAbout(slack: FakeSlack, user: string, run: RunRecord): FakeMessage[] {
  return slack.messages(im(user)).filter((m) => {
    const payload = (m.metadata as { event_payload?: { run_id?: string } } | undefined)?.event_payload;
    return payload?.run_id === run.id;
  });
}

describe.each(storeBackends())('direct messages and the Home tab end to end on $name', (backend) => {
  let bot: ItentialBot;
  let slack: FakeSlack;
  let itential: FakeItential;
  let h: Harness;

  beforeAll(async () => {
    bot = await startItentialBot(backend, {
      workflows: WORKFLOWS,
      configYaml: CONFIG,
      engine: { parentEditIntervalMs: 200 },
    });
    ({ itential, h } = bot);
    ({ slack } = h);
    slack.addUser({ id: DAVE, name: 'dave', realName: 'Dave Example', tz: 'UTC' });
    slack.setUsergroup(AUDITORS, AUDITOR_IDS);
  });
  afterAll(() => bot.close());

  // Each test in its own channel: posts are paced per channel as Slack asks.
  let channel = '';
  beforeEach(() => {
    channel = newChannel();
  });
  let newChannel: () => string;
  beforeAll(() => {
    newChannel = channelMaker(slack, 'C0DM', ['U0BOT', ALICE, BOB, CAROL, DAVE]);
  });
  const starts = (workflow: string) => jobStarts(itential, workflow);

  async function request(user: string, workflow: string): Promise<RunRecord> {
    const newRun = await h.submitCommand(user, `itential start ${workflow}`, channel, {
      workflow: { value: workflow, text: workflow },
    });
    return eventually(() => newRun((r) => r.parentTs !== null), `a posted run of ${workflow}`);
  }

  /** The run once it is over and every thread reply and direct message about it is delivered. */
  const delivered = (run: RunRecord) =>
    eventually(async () => {
      const now = await h.bot.store.getRun(run.id);
      return now && ['succeeded', 'failed', 'rejected'].includes(now.state) && now.dmSeq === now.seq
        ? now
        : undefined;
    }, `run ${run.id} delivered`);

  const permalinkOf = (run: RunRecord) =>
    `https://flightdeck-test.slack.com/archives/${run.channelId}/p${(run.parentTs ?? '').replace('.', '')}`;

  /** What `user` sees after `/ops <text>`: the ack itself, or the answer that follows it. */
  async function ops(user: string, text: string): Promise<string> {
    const sent = await h.driver.command(text, { userId: user, channelId: channel });
    if (typeof sent.body === 'object' && sent.body !== null) return blocksText(sent.body as never);
    const response = await waitFor(
      () => slack.responses(sent.responseUrl)[0],
      3_000,
      () => `the answer to /ops ${text}`,
    );
    return blocksText(response.body as never);
  }

  it('tells the requester once when their run waits for a person and once when it ends, linking the thread', async () => {
    const run = await delivered(await request(ALICE, 'Backup Devices'));
    const dms = dmsAbout(slack, ALICE, run).map((m) => blocksText(m));
    expect(dms).toHaveLength(2);
    expect(dms[0]).toContain('waits for a person');
    expect(dms[1]).toContain('Succeeded');
    for (const dm of dms) expect(dm).toContain(`<${permalinkOf(run)}|Open the run's thread>`);
    expect(slack.calls('conversations.open').some((c) => c.params.users === ALICE)).toBe(true);
    // Only the requester is told: anyone may finish its manual task, so nobody is asked (the log says so).
    expect(dmsAbout(slack, BOB, run)).toHaveLength(0);
    expect(h.logs.lines.some((l) => l.includes('anyone may decide this step') && l.includes(run.id))).toBe(
      true,
    );
  });

  it('asks nobody directly when more people may decide a step than it asks: the thread offers it to all', async () => {
    const run = await delivered(await request(ALICE, 'Audit Devices'));
    for (const auditor of [BOB, CAROL]) expect(dmsAbout(slack, auditor, run)).toHaveLength(0);
    expect(slack.calls('conversations.open').some((c) => c.params.users === BOB)).toBe(false);
    const said = h.logs.lines.find(
      (l) => l.includes('more people may decide this step than are asked directly') && l.includes(run.id),
    );
    expect(JSON.parse(said ?? '{}')).toMatchObject({ deciders: AUDITOR_IDS.length, asked: 25 });
    // The requester still hears that the run waits for a person, and how it ended.
    expect(dmsAbout(slack, ALICE, run).map((m) => blocksText(m))).toEqual([
      expect.stringContaining('waits for a person'),
      expect.stringContaining('Succeeded'),
    ]);
  });

  /** The DM `user` got about `run` offering its step's buttons. */
  const stepDm = (user: string, run: RunRecord) =>
    waitFor<FakeMessage>(
      () => dmsAbout(slack, user, run).find((m) => JSON.stringify(m.blocks).includes(STEP_APPROVE)),
      HANG_MS,
      () => `the step in ${user}'s DM: ${JSON.stringify(dmsAbout(slack, user, run).map((m) => m.text))}`,
    );

  it('asks everyone the policy lets decide an upstream step, with the thread’s buttons; deciding from a DM closes every DM', async () => {
    expect(await ops(DAVE, 'notify off')).toContain('Turned off.');
    const run = await request(ALICE, 'Change Window');
    const [alices, bobs, carols] = await Promise.all([
      stepDm(ALICE, run),
      stepDm(BOB, run),
      stepDm(CAROL, run),
    ]);
    expect(blocksText(bobs)).toContain("<@U0ALICE>'s run");
    expect(blocksText(bobs)).toContain("Manual task 'Approve change");
    expect(blocksText(bobs)).toContain(permalinkOf(run));
    // Alice may decide it too (on-call): her one DM is the step with its buttons, not a second that it waits.
    expect(blocksText(alices)).toContain('Your run');
    expect(dmsAbout(slack, ALICE, run)).toHaveLength(1);
    // Dave may decide it, but turned direct messages off.
    expect(dmsAbout(slack, DAVE, run)).toHaveLength(0);

    // The step's own form opens from the DM as from the thread, and its submission decides it.
    await approveStep(h, BOB, bobs, im(BOB));
    await h.threadTexts(
      run.channelId,
      run.parentTs ?? '',
      (t) => t.some((x) => x.includes('Approved by <@U0BOB>')),
      HANG_MS,
    );
    for (const [user, dm] of [
      [ALICE, alices],
      [BOB, bobs],
      [CAROL, carols],
    ] as const) {
      // The tracker may see the job move on before the decision is recorded: the DM ends up saying who decided.
      const closed = await waitFor(
        () => {
          const m = slack.message(im(user), dm.ts);
          return m && blocksText(m).includes('Approved by <@U0BOB>') ? m : undefined;
        },
        HANG_MS,
        () => `${user}'s step DM saying who decided`,
      );
      expect(JSON.stringify(closed.blocks)).not.toContain(STEP_APPROVE);
    }
    const done = await delivered(run);
    expect(done.state).toBe('succeeded');
    // Edited, not posted again, and still saying who decided once the run went on; Alice hears the end.
    for (const user of [BOB, CAROL]) {
      expect(dmsAbout(slack, user, run)).toHaveLength(1);
      expect(blocksText(dmsAbout(slack, user, run)[0] ?? { text: '' })).toContain('Approved by <@U0BOB>');
    }
    expect(dmsAbout(slack, ALICE, run).map((m) => blocksText(m))).toEqual([
      expect.stringContaining('Approved by <@U0BOB>'),
      expect.stringContaining('Succeeded'),
    ]);
    expect(await ops(DAVE, 'notify on')).toContain('Turned on.');
  });

  it('closes the step DMs when the run stops waiting without a decision from Flightdeck', async () => {
    const run = await request(BOB, 'Change Window');
    const carols = await stepDm(CAROL, run);
    await h.driver.blockAction({
      user: BOB,
      actionId: 'fd.run.cancel',
      channelId: run.channelId,
      messageTs: run.parentTs ?? '',
    });
    const closed = await waitFor(
      () => {
        const m = slack.message(im(CAROL), carols.ts);
        return m && /It no longer waits for this: the run is now .*Canceled/.test(blocksText(m))
          ? m
          : undefined;
      },
      HANG_MS,
      () => "Carol's step DM saying the run was canceled",
    );
    expect(JSON.stringify(closed.blocks)).not.toContain(STEP_APPROVE);
    expect(dmsAbout(slack, CAROL, run)).toHaveLength(1);
  });

  it('tells the requester how their run failed, with the upstream’s own words', async () => {
    const run = await delivered(await request(BOB, 'Broken Push'));
    const [dm, ...more] = dmsAbout(slack, BOB, run).map((m) => blocksText(m));
    expect(more).toHaveLength(0);
    expect(dm).toContain('Failed');
    expect(dm).toContain('Missing one of the following required instances');
  });

  it('/ops notify shows the setting; off stops direct messages, on brings them back; both are audited', async () => {
    expect(await ops(CAROL, 'notify')).toContain('Flightdeck sends you direct messages');
    expect(await ops(CAROL, 'notify off')).toContain('Turned off.');
    expect(await ops(CAROL, 'notify')).toContain('sends you no direct messages');
    const quiet = await delivered(await request(CAROL, 'Quick Check'));
    expect(dmsAbout(slack, CAROL, quiet)).toHaveLength(0);

    expect(await ops(CAROL, 'NOTIFY on')).toContain('Turned on.');
    const told = await delivered(await request(CAROL, 'Quick Check'));
    expect(dmsAbout(slack, CAROL, told).map((m) => blocksText(m))).toEqual([
      expect.stringContaining('Succeeded'),
    ]);
    expect(await ops(CAROL, 'notify loudly')).toContain('Usage: `/ops notify [on|off]`');
    const audit = await h.bot.store.listAudit({ actorId: CAROL, limit: 20 });
    expect(audit.filter((r) => r.action === 'notify').map((r) => r.outcome)).toEqual(['on', 'off']);
    expect(await ops(CAROL, 'help')).toContain('/ops notify [on|off]');
  });

  it('asks each approver (a user and a group member) but never the requester; approving from a DM starts once and closes the other DM', async () => {
    const before = starts('Prod Push');
    const run = await request(ALICE, 'Prod Push');
    const [bobs, carols] = await Promise.all(
      [BOB, CAROL].map((user) =>
        waitFor(
          () => dmsAbout(slack, user, run)[0],
          5_000,
          () => `the request in ${user}'s DM`,
        ),
      ),
    );
    for (const dm of [bobs, carols]) {
      expect(JSON.stringify(dm?.blocks)).toContain(APPROVE);
      expect(blocksText(dm ?? { text: '' })).toContain('Prod Push');
      expect(blocksText(dm ?? { text: '' })).toContain(permalinkOf(run));
    }
    // Alice is in the approvers' group, but it is her own request.
    expect(dmsAbout(slack, ALICE, run)).toHaveLength(0);

    const click = () =>
      h.driver.blockAction({
        user: BOB,
        actionId: APPROVE,
        channelId: im(BOB),
        messageTs: bobs?.ts ?? '',
        blockId: `approval:${run.id}`,
        value: run.id,
      });
    await Promise.all([click(), click()]);
    await h.threadTexts(run.channelId, run.parentTs ?? '', (t) => t.some((x) => x.includes('Started by')));
    const closed = await waitFor(
      () => {
        const m = slack.message(im(CAROL), carols?.ts ?? '');
        return m && !JSON.stringify(m.blocks).includes(APPROVE) ? m : undefined;
      },
      5_000,
      () => "Carol's DM without its buttons",
    );
    expect(blocksText(closed)).toContain('Approved by <@U0BOB>');
    await waitFor(
      () => slack.ephemerals(im(BOB), BOB).find((e) => blocksText(e).includes('already approved')),
      5_000,
      () => 'the double click answered in the DM',
    );
    await delivered(run);
    expect(starts('Prod Push')).toBe(before + 1);
    expect(dmsAbout(slack, CAROL, run)).toHaveLength(1);
    // The requester hears how it ended; the approvers' DMs are the requests, edited, not new messages.
    expect(dmsAbout(slack, ALICE, run).map((m) => blocksText(m))).toEqual([
      expect.stringContaining('Succeeded'),
    ]);
    expect(dmsAbout(slack, BOB, run)).toHaveLength(1);
  });

  it('Home shows what waits for you: requests to decide with their buttons, and your runs awaiting approval; it is republished as they move', async () => {
    const run = await request(BOB, 'Prod Push');
    const carolsHome = blocksText((await h.openHome(CAROL)).home);
    expect(carolsHome).toContain('*Waiting for you*');
    expect(carolsHome).toMatch(/Awaiting approval · \*Itential: [^*]+\* for <@U0BOB> in <#C0DM\d+>/);
    expect(JSON.stringify(slack.homeView(CAROL)?.blocks)).toContain(`"value":"${run.id}"`);
    const bobsHome = blocksText((await h.openHome(BOB)).home);
    expect(bobsHome).toMatch(/:raised_hand: Awaiting approval · \*Itential: [^*]+\* in <#C0DM\d+>/);

    const home = slack.homeView(CAROL);
    if (!home) throw new Error('no Home for Carol');
    await h.driver.blockAction({
      user: CAROL,
      view: home,
      actionId: APPROVE,
      blockId: `approval:${run.id}`,
      value: run.id,
    });
    await delivered(run);
    // Nobody reopened the tab: the bot republished both as the run moved on.
    await waitFor(
      () => {
        const text = blocksText(slack.homeView(CAROL) ?? { text: '' });
        return text.includes(run.id) || JSON.stringify(slack.homeView(CAROL)?.blocks ?? []).includes(run.id)
          ? undefined
          : text;
      },
      8_000,
      () => "Carol's Home without the decided request",
    );
    await waitFor(
      () => {
        const text = blocksText(slack.homeView(BOB) ?? { text: '' });
        return text.includes('Succeeded') && !text.includes('Awaiting approval') ? text : undefined;
      },
      8_000,
      () => "Bob's Home showing his run succeeded",
    );
    expect(starts('Prod Push')).toBeGreaterThanOrEqual(1);
  });

  it('Home offers launch buttons only for what the policy may let you run', async () => {
    const alices = JSON.stringify((await h.openHome(ALICE)).home.blocks);
    expect(alices).toContain('fd.home.launch.itential.start');
    const daves = (await h.openHome(DAVE)).home;
    expect(JSON.stringify(daves.blocks)).not.toContain('fd.home.launch.');
    expect(blocksText(daves)).toContain('nothing to launch');
  });
});

const sqlite = storeBackends().find((b) => b.name === 'sqlite');
if (!sqlite) throw new Error('the embedded store is always available');

describe('a direct message in flight when the bot restarts', () => {
  let bot: ItentialBot;

  beforeAll(async () => {
    bot = await startItentialBot(sqlite, {
      workflows: WORKFLOWS,
      configYaml: CONFIG,
      // A failed post is retried after poll.minMs: long enough for the restart to come first.
      engine: { poll: { minMs: 1_500, maxMs: 2_000, failureMaxMs: 2_000 } },
    });
  });
  afterAll(() => bot.close());

  it('is found in the IM after the restart, not posted again, and nothing is lost', async () => {
    const { h } = bot;
    const { slack } = h;
    // Slack takes the DM, but the bot never hears back: it cannot know whether it landed.
    slack.inject('chat.postMessage', { kind: 'answer_lost' }, 1, im(ALICE));
    const newRun = await h.submitCommand(ALICE, 'itential start Quick Check', 'C0OPS', {
      workflow: { value: 'Quick Check', text: 'Quick Check' },
    });
    const run = await eventually(() => newRun(), 'the run');
    await waitFor(
      () => dmsAbout(slack, ALICE, run)[0],
      10_000,
      () => 'the DM that landed unanswered',
    );
    await h.restart();
    await eventually(async () => {
      const now = await h.bot.store.getRun(run.id);
      return now?.state === 'succeeded' && now.dmSeq === now.seq ? now : undefined;
    }, 'the run delivered after the restart');
    expect(dmsAbout(slack, ALICE, run)).toHaveLength(1);
    expect(blocksText(dmsAbout(slack, ALICE, run)[0] ?? { text: '' })).toContain('Succeeded');
    expect(slack.calls('conversations.history').some((c) => c.params.channel === im(ALICE))).toBe(true);
    expect(await h.bot.store.outstandingDirectMessages(run.id)).toEqual([]);
  });
});

describe.each(storeBackends())('a step DM in flight when the bot restarts on $name', (backend) => {
  let bot: ItentialBot;

  beforeAll(async () => {
    bot = await startItentialBot(backend, {
      workflows: WORKFLOWS,
      configYaml: CONFIG,
      // A failed post is retried after poll.minMs: long enough for the restart to come first.
      engine: { poll: { minMs: 1_500, maxMs: 2_000, failureMaxMs: 2_000 } },
    });
  });
  afterAll(() => bot.close());

  it('is found in the IM after the restart, not posted again', async () => {
    const { h } = bot;
    const { slack } = h;
    // Slack takes Bob's step DM, but the bot never hears back: it cannot know whether it landed.
    slack.inject('chat.postMessage', { kind: 'answer_lost' }, 1, im(BOB));
    const newRun = await h.submitCommand(ALICE, 'itential start Change Window', 'C0OPS', {
      workflow: { value: 'Change Window', text: 'Change Window' },
    });
    const run = await eventually(() => newRun(), 'the run');
    await waitFor(
      () => dmsAbout(slack, BOB, run)[0],
      HANG_MS,
      () => 'the step DM that landed unanswered',
    );
    await h.restart();
    await eventually(
      async () => ((await h.bot.store.outstandingDirectMessages(run.id)).length === 0 ? true : undefined),
      'every DM about the run delivered after the restart',
    );
    expect(dmsAbout(slack, BOB, run)).toHaveLength(1);
    expect(JSON.stringify(dmsAbout(slack, BOB, run)[0]?.blocks)).toContain(STEP_APPROVE);
    expect(slack.calls('conversations.history').some((c) => c.params.channel === im(BOB))).toBe(true);
  });
});

describe.each(storeBackends())('a Home tab change recorded just before a restart on $name', (backend) => {
  let bot: ItentialBot;

  beforeAll(async () => {
    bot = await startItentialBot(backend, {
      workflows: WORKFLOWS,
      configYaml: CONFIG,
      // A person's second republish waits this long: the bot stops long before it comes.
      homeRefreshMs: 3_600_000,
    });
  });
  afterAll(() => bot.close());

  it('is published once by the next bot on the same store', async () => {
    const { h } = bot;
    const { slack } = h;
    const publishes = (user: string) =>
      slack.calls('views.publish').filter((c) => c.params.user_id === user).length;
    const newRun = await h.submitCommand(ALICE, 'itential start Prod Push', 'C0OPS', {
      workflow: { value: 'Prod Push', text: 'Prod Push' },
    });
    const run = await eventually(() => newRun((r) => r.parentTs !== null), 'the posted request');
    // The request opens: Carol's Home is published at once, showing it.
    await waitFor(
      () => (JSON.stringify(slack.homeView(CAROL)?.blocks ?? []).includes(run.id) ? true : undefined),
      HANG_MS,
      () => "Carol's Home showing the request",
    );
    const before = publishes(CAROL);

    await h.driver.blockAction({
      user: BOB,
      actionId: APPROVE,
      channelId: run.channelId,
      messageTs: run.parentTs ?? '',
    });
    await eventually(async () => {
      const now = await h.bot.store.getRun(run.id);
      return now?.state === 'succeeded' && now.dmSeq === now.seq ? now : undefined;
    }, 'the run decided and delivered');
    // The decision changed Carol's Home: marked, but its republish is not due before the bot stops.
    expect(await h.bot.store.unclaimedHomes(new Date(), 10)).toContain(CAROL);
    expect(publishes(CAROL)).toBe(before);

    await h.restart();
    await eventually(
      async () => ((await h.bot.store.unclaimedHomes(new Date(8.64e15), 10)).length === 0 ? true : undefined),
      'every marked Home published',
    );
    expect(publishes(CAROL)).toBe(before + 1);
    expect(JSON.stringify(slack.homeView(CAROL)?.blocks ?? [])).not.toContain(run.id);
  });
});
