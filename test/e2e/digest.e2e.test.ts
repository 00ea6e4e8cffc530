import { waitFor, type FakeMessage } from '../fakes/slack';
import { FakeSlack } from '../fakes/slack';
import { ShiftedClock } from '../digest/clocks';
import { seedRun } from '../digest/seed';
import { blocksText, Harness } from '../support/flightdeck-harness';
import { ACK_DEADLINE_MS } from '../support/slack-driver';
import { storeBackends, type StoreFixture } from '../support/stores';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const FAST_DIGESTS = { tickMs: 40, leaseMs: 1_000, retryMs: 200 };
/** 2026-03-29 06:59:40 UTC: twenty seconds before the spring-forward day's 09:00 in Berlin. */
const START = new Date('2026-03-29T06:59:40Z');

const ackText = (res: { body: unknown }) => blocksText(res.body as { blocks?: unknown; text?: string });
const isDigest = (m: FakeMessage) => !m.threadTs && /Flightdeck digest/.test(m.text);

describe.each(storeBackends())('/ops digest end to end on $name', (backend) => {
  let db: StoreFixture;
  let clock: ShiftedClock;
  let h: Harness;

  beforeAll(async () => {
    db = await backend.open();
    clock = new ShiftedClock(START);
    h = await Harness.start({ place: db, clock, digests: FAST_DIGESTS });
  });
  afterAll(async () => {
    await h.close();
    await db.dispose();
  });

  async function respondedTo(responseUrl: string) {
    const response = await waitFor(
      () => h.slack.responses(responseUrl)[0],
      3_000,
      () => 'a response',
    );
    return { body: response.body, text: blocksText(response.body as { blocks?: unknown }) };
  }

  it.each([
    ['digest', 'What should Flightdeck do with digests?'],
    ['digest schedule', 'When should the digest be posted?'],
    ['digest schedule daily 25:00', '`daily` needs a time of day like `09:00`, not `25:00`.'],
    ['digest schedule hourly Mars/Base', '`Mars/Base` is neither a time zone'],
    ['digest schedule 0 9 * *', 'is not a schedule'],
    ['digest schedule 0 9 30 2 *', 'never fires'],
    ['digest schedule hourly system=jenkins', 'There is no system `jenkins`.'],
    ['digest remove', 'Which schedule?'],
    ['digest now 99x', '`99x` is not a window'],
    ['digest now 90d', 'out of range'],
    ['digest purge', '`purge` is not a digest command.'],
  ])('`/ops %s` is refused in the ack, ephemerally, naming what was wrong', async (text, reason) => {
    const res = await h.driver.command(text, { userId: ALICE, channelId: CHANNEL });
    expect(res.status).toBe(200);
    expect(res.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(ackText(res)).toContain(reason);
    expect(ackText(res)).toContain('`/ops digest schedule &lt;when&gt; [time zone] [filters]`');
  });

  it('digests belong in channels, not direct messages', async () => {
    const res = await h.driver.command('digest list', { userId: ALICE, channelId: 'D0ALICE' });
    expect(ackText(res)).toContain('Digests are posted in channels');
  });

  it('schedule in the requester’s Slack time zone (asked once), list with next runs, refuse a twin, remove', async () => {
    const channel = 'C0RANDOM';
    const usersInfo = () => h.slack.calls('users.info').filter((c) => c.params.user === BOB).length;
    const first = await h.driver.command('digest schedule weekdays 08:30 failures', {
      userId: BOB,
      channelId: channel,
    });
    expect(first.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    const created = await respondedTo(first.responseUrl);
    expect(created.body).toMatchObject({ response_type: 'in_channel' });
    expect(created.text).toContain(
      '<@U0BOB> scheduled a digest here: `weekdays 08:30` (America/New_York), only failures.',
    );
    expect(created.text).toContain('First one: Mon 30 Mar 08:30.');
    const id = /digest remove (\w+)/.exec(created.text)?.[1] ?? '';
    expect(id).toMatch(/^[a-z0-9]{8}$/);

    const second = await h.driver.command('digest schedule hourly Asia/Kolkata', {
      userId: BOB,
      channelId: channel,
    });
    expect((await respondedTo(second.responseUrl)).text).toContain('`hourly` (Asia/Kolkata)');
    expect(usersInfo()).toBe(1);

    const twin = await h.driver.command('digest schedule hourly asia/kolkata', {
      userId: ALICE,
      channelId: channel,
    });
    expect((await respondedTo(twin.responseUrl)).text).toContain('This channel already has that digest');

    const list = await h.driver.command('digest list', { userId: CAROL, channelId: channel });
    const listed = await respondedTo(list.responseUrl);
    expect(listed.body).toMatchObject({ response_type: 'ephemeral' });
    expect(listed.text).toContain(
      `\`${id}\` · \`weekdays 08:30\` (America/New_York) · only failures · by <@U0BOB>`,
    );
    expect(listed.text).toContain('Next: Mon 30 Mar 08:30');
    expect(listed.text).toMatch(/`hourly` \(Asia\/Kolkata\)[^\n]*\nNext: Sun 29 Mar 13:00/);

    const elsewhere = await h.driver.command(`digest remove ${id}`, { userId: BOB, channelId: CHANNEL });
    expect((await respondedTo(elsewhere.responseUrl)).text).toContain(
      `There is no digest \`${id}\` in this channel.`,
    );
    const removed = await h.driver.command(`digest remove ${id}`, { userId: BOB, channelId: channel });
    const removal = await respondedTo(removed.responseUrl);
    expect(removal.body).toMatchObject({ response_type: 'in_channel' });
    expect(removal.text).toContain(`<@U0BOB> stopped the digest \`${id}\` (\`weekdays 08:30\`).`);
    const after = await respondedTo(
      (await h.driver.command('digest list', { userId: BOB, channelId: channel })).responseUrl,
    );
    expect(after.text).not.toContain(id);
    expect(after.text).toContain('`hourly`');
    const audit = await h.bot.store.listAudit({ actorId: BOB, limit: 10 });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['digest.schedule', 'digest.schedule', 'digest.remove']),
    );
  });

  it('`/ops digest now` posts the last window at once: counts, the failure’s reason and thread link, in the requester’s zone', async () => {
    const now = clock.now();
    const parent = h.slack.postAsUser({ channel: 'C0OPS', user: ALICE, text: 'stand-in for a run message' });
    await seedRun(
      h.bot.store,
      { createdAt: new Date(now.getTime() - 3_600_000), requesterId: CAROL },
      {
        state: 'failed',
        finishedAt: new Date(now.getTime() - 3_000_000),
        parentTs: parent.ts,
        problem: { title: 'Itential: the job failed', message: 'Device <core-1> refused the change' },
      },
    );
    await seedRun(
      h.bot.store,
      { createdAt: new Date(now.getTime() - 7_200_000), operationId: 'iacm.run', system: 'iacm' },
      { state: 'succeeded', finishedAt: new Date(now.getTime() - 7_000_000) },
    );
    await seedRun(
      h.bot.store,
      { createdAt: new Date(now.getTime() - 30 * 3_600_000) },
      { state: 'succeeded' },
    );
    const before = h.slack.messages(CHANNEL).filter(isDigest).length;
    const res = await h.driver.command('digest now 24h', { userId: CAROL, channelId: CHANNEL });
    expect(res.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    const digest = await waitFor(
      () => h.slack.messages(CHANNEL).filter(isDigest)[before],
      3_000,
      () => 'a digest',
    );
    const text = blocksText(digest);
    expect(text).toContain('(Asia/Kolkata)');
    expect(text).toContain('Asked for by <@U0CAROL>');
    expect(text).toContain('• *Itential*: 1 run — 1 failed');
    expect(text).toContain('• *Harness IaCM*: 1 run — 1 succeeded');
    expect(text).toContain('> *Itential: the job failed*: Device &lt;core-1&gt; refused the change');
    expect(text).toContain(
      `<https://flightdeck-test.slack.com/archives/C0OPS/p${parent.ts.replace('.', '')}|thread>`,
    );
    expect(text).toContain('Requesters: <@U0ALICE> (1) · <@U0CAROL> (1)');
  });

  it('`/ops digest now` over a quiet window says so in one line', async () => {
    const res = await h.driver.command('digest now 5m', { userId: ALICE, channelId: 'C0RANDOM' });
    expect(res.status).toBe(200);
    const digest = await waitFor(
      () => h.slack.messages('C0RANDOM').find(isDigest),
      3_000,
      () => 'a digest',
    );
    expect(digest.blocks).toHaveLength(1);
    expect(blocksText(digest)).toMatch(
      /^\*Digest\* — no runs · .*\(Europe\/Berlin\) · Asked for by <@U0ALICE>$/,
    );
  });

  it('a channel Slack will not take a digest in gets a reason, not silence', async () => {
    await h.driver.command('digest now', { userId: ALICE, channelId: 'C0OLD' });
    const notice = await waitFor(
      () => h.slack.ephemerals('C0OLD', ALICE).find((e) => e.text.includes('archived')),
      3_000,
      () => 'an ephemeral notice',
    );
    expect(notice.text).toContain('This channel is archived');
  });

  it('a schedule fires once per window, late windows included, from the clock it is given', async () => {
    const channel = 'C0FIRE';
    h.slack.addChannel({
      id: channel,
      name: 'fire',
      isPrivate: false,
      isArchived: false,
      members: ['U0BOT', ALICE],
    });
    // Five seconds past a minute, so that no minute ends on its own while the test runs.
    clock.setTo('2026-03-29T08:00:05Z');
    const res = await h.driver.command('digest schedule * * * * * UTC', {
      userId: ALICE,
      channelId: channel,
    });
    expect((await respondedTo(res.responseUrl)).text).toContain('`* * * * *` (UTC)');
    const digests = () => h.slack.messages(channel).filter(isDigest);

    clock.setTo('2026-03-29T08:01:05Z');
    const first = await waitFor(
      () => digests()[0],
      5_000,
      () => 'the first digest',
    );
    expect(first.text).toContain('Flightdeck digest · * * * * *');
    expect(blocksText(first)).not.toContain('Late');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(digests()).toHaveLength(1);

    // Down for five minutes: on restart, the latest window is posted once, late, covering the missed ones.
    await h.stopBot();
    clock.setTo('2026-03-29T08:06:05Z');
    await h.boot();
    const late = await waitFor(
      () => digests()[1],
      5_000,
      () => 'the late digest',
    );
    const text = blocksText(late);
    expect(text).toContain(
      ':hourglass: *Late*: 4 earlier windows were missed while Flightdeck was not running; this digest covers them too.',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(digests()).toHaveLength(2);
  });
});

describe.each(storeBackends().filter((b) => b.name === 'postgres'))(
  'two bot processes on one $name',
  (backend) => {
    it('post one digest per window between them', async () => {
      const db = await backend.open();
      const slack = await FakeSlack.start();
      const clock = new ShiftedClock(new Date('2026-03-29T09:00:05Z'));
      const [a, b] = await Promise.all([
        Harness.start({ place: db, slack, clock, digests: FAST_DIGESTS }),
        Harness.start({ place: db, slack, clock, digests: FAST_DIGESTS }),
      ]);
      try {
        const res = await a.driver.command('digest schedule * * * * * UTC', {
          userId: ALICE,
          channelId: CHANNEL,
        });
        await waitFor(
          () => slack.responses(res.responseUrl)[0],
          3_000,
          () => 'the schedule',
        );
        for (let minute = 1; minute <= 3; minute += 1) {
          clock.advance(60_000);
          await waitFor(
            () => (slack.messages(CHANNEL).filter(isDigest).length >= minute ? true : undefined),
            5_000,
            () => `digest ${minute}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(slack.messages(CHANNEL).filter(isDigest)).toHaveLength(3);
      } finally {
        await Promise.all([a.close(), b.close()]);
        await slack.close();
        await db.dispose();
      }
    });
  },
);
