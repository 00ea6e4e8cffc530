import { waitFor } from '../fakes/slack';
import { seedRun } from '../digest/seed';
import { blocksText, Harness } from '../support/flightdeck-harness';
import { storeBackends, type StoreFixture } from '../support/stores';
import type { RunRecord } from '../../src/core/runs/run-store';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
/** An admin in the config below. */
const CAROL = 'U0CAROL';
const DAVE = 'U0DAVE';
/** Private, with the bot: Alice and Carol are in it, Bob has left it. */
const SECRET = 'C0SECRET';
/** Private, without the bot: Slack will not say who is in it. */
const HIDDEN = 'C0PRIVATE';
/** 250 members, the one who asks on the last page. */
const CROWD = 'C0CROWD';

const CONFIG = `
admins: [${CAROL}]
policy:
  rules:
    - name: no-digests-in-random
      effect: deny
      operations: [digest.schedule]
      channels: [C0RANDOM]
    - name: bob-tidies-digests
      operations: [digest.remove]
      users: [${BOB}]
`;

const SECRET_MESSAGE = 'router core-7 refused the change: password rotation pending';

describe.each(storeBackends())('who sees which runs, and who manages digests, on $name', (backend) => {
  let db: StoreFixture;
  let h: Harness;
  let secretRun: RunRecord;
  let hiddenRun: RunRecord;
  let crowdRun: RunRecord;
  let bobsOpsRun: RunRecord;
  let bobsSecretRun: RunRecord;

  beforeAll(async () => {
    db = await backend.open();
    h = await Harness.start({ place: db, configYaml: CONFIG });
    h.slack.addUser({ id: DAVE, name: 'dave', realName: 'Dave Example', tz: 'UTC' });
    h.slack.addChannel({
      id: SECRET,
      name: 'secret-incident',
      isPrivate: true,
      isArchived: false,
      members: ['U0BOT', ALICE, CAROL],
    });
    const crowd = Array.from({ length: 249 }, (_, i) => `U1${String(i).padStart(4, '0')}`);
    h.slack.addChannel({
      id: CROWD,
      name: 'crowd',
      isPrivate: true,
      isArchived: false,
      members: ['U0BOT', ...crowd, DAVE],
    });
    const now = Date.now();
    const failed = {
      state: 'failed' as const,
      problem: { title: 'Itential refused to start the job', message: SECRET_MESSAGE },
      finishedAt: new Date(now - 1_000),
    };
    secretRun = await seedRun(h.bot.store, { createdAt: new Date(now - 50_000), channelId: SECRET }, failed);
    hiddenRun = await seedRun(h.bot.store, { createdAt: new Date(now - 40_000), channelId: HIDDEN }, failed);
    crowdRun = await seedRun(h.bot.store, { createdAt: new Date(now - 30_000), channelId: CROWD }, failed);
    bobsOpsRun = await seedRun(h.bot.store, {
      createdAt: new Date(now - 20_000),
      channelId: 'C0OPS',
      requesterId: BOB,
    });
    bobsSecretRun = await seedRun(
      h.bot.store,
      { createdAt: new Date(now - 10_000), channelId: SECRET, requesterId: BOB },
      failed,
    );
  });
  afterAll(async () => {
    await h.close();
    await db.dispose();
  });

  /** What the bot answered to a command, through its response URL. */
  async function ask(text: string, userId: string, channelId: string) {
    const res = await h.driver.command(text, { userId, channelId });
    const response = await waitFor(
      () => h.slack.responses(res.responseUrl)[0],
      3_000,
      () => `an answer to /ops ${text}`,
    );
    return { body: response.body, text: blocksText(response.body as { blocks?: unknown }) };
  }

  async function openHome(user: string) {
    return blocksText((await h.openHome(user)).home);
  }

  describe('/ops status', () => {
    it('shows a private channel’s run to its members, asked from another channel', async () => {
      const { text } = await ask(`status ${secretRun.id}`, ALICE, 'C0OPS');
      expect(text).toContain(SECRET_MESSAGE);
      expect(text).toContain(`Run \`${secretRun.id}\` in <#${SECRET}>`);
    });

    it('refuses someone who is not in the run’s channel, says why, shows nothing of it, and audits it', async () => {
      const { text } = await ask(`status ${secretRun.id}`, BOB, 'C0OPS');
      expect(text).toContain(`Flightdeck does not show run \`${secretRun.id}\` to you.`);
      expect(text).toContain('You are not a member of the channel it belongs to.');
      expect(text).not.toContain(SECRET_MESSAGE);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('Itential');
      const [record] = await h.bot.store.listAudit({ actorId: BOB, limit: 1 });
      expect(record).toMatchObject({
        action: 'status',
        outcome: 'refused',
        runId: secretRun.id,
        channelId: 'C0OPS',
        detail: { why: 'You are not a member of the channel it belongs to.' },
      });
    });

    it('shows any run to an admin, without asking Slack', async () => {
      const calls = h.slack.calls('conversations.members').length;
      const { text } = await ask(`status ${hiddenRun.id}`, CAROL, 'C0OPS');
      expect(text).toContain(SECRET_MESSAGE);
      expect(h.slack.calls('conversations.members')).toHaveLength(calls);
    });

    it('shows a run of the channel it is asked in without asking Slack', async () => {
      const calls = h.slack.calls('conversations.members').length;
      const { text } = await ask(`status ${bobsOpsRun.id}`, DAVE, 'C0OPS');
      expect(text).toContain(`Run \`${bobsOpsRun.id}\` in <#C0OPS>`);
      expect(h.slack.calls('conversations.members')).toHaveLength(calls);
    });

    it('fails closed, readably, when Slack will not say who is in the channel', async () => {
      const { text } = await ask(`status ${hiddenRun.id}`, ALICE, 'C0OPS');
      expect(text).toContain('Flightdeck cannot see who is in the channel it belongs to');
      expect(text).not.toContain(SECRET_MESSAGE);
      const [record] = await h.bot.store.listAudit({ actorId: ALICE, limit: 1 });
      expect(record).toMatchObject({ action: 'status', outcome: 'refused', runId: hiddenRun.id });
    });

    it('reads every page of a large channel’s members, once while fresh', async () => {
      const before = h.slack.calls('conversations.members').filter((c) => c.params.channel === CROWD);
      expect(before).toHaveLength(0);
      expect((await ask(`status ${crowdRun.id}`, DAVE, 'C0OPS')).text).toContain(SECRET_MESSAGE);
      const pages = h.slack.calls('conversations.members').filter((c) => c.params.channel === CROWD);
      expect(pages).toHaveLength(2);
      expect(pages[1]?.params.cursor).toEqual(expect.any(String));
      expect((await ask(`status ${crowdRun.id}`, BOB, 'C0OPS')).text).toContain('does not show run');
      expect(h.slack.calls('conversations.members').filter((c) => c.params.channel === CROWD)).toHaveLength(
        2,
      );
    });
  });

  describe('/ops runs and the Home tab', () => {
    it('`/ops runs mine` lists the caller’s runs in channels they are still in, and says how many it left out', async () => {
      const { text } = await ask('runs mine', BOB, 'C0RANDOM');
      expect(text).toContain(bobsOpsRun.id);
      expect(text).toContain('in <#C0OPS>');
      expect(text).not.toContain(bobsSecretRun.id);
      expect(text).toContain('1 run not shown: 1 in channels you are not in.');
    });

    it('`/ops runs` in a channel lists that channel’s runs', async () => {
      const { text } = await ask('runs', ALICE, SECRET);
      expect(text).toContain(secretRun.id);
      expect(text).toContain(bobsSecretRun.id);
    });

    it('the Home tab leaves out runs in channels the viewer has left', async () => {
      const home = await openHome(BOB);
      expect(home).toContain('in <#C0OPS>');
      expect(home).not.toContain(`<#${SECRET}>`);
      expect(home).toContain('1 run not shown: 1 in channels you are not in.');
    });

    it('the Home tab leaves out runs whose channel Slack cannot answer for just now, says so, and asks again next time', async () => {
      await seedRun(h.bot.store, { createdAt: new Date(), channelId: 'C0RANDOM' });
      // The two channels not read yet (the one without the bot fails on its own anyway).
      h.slack.inject('conversations.members', { kind: 'http', status: 500 }, 2);
      const down = await openHome(ALICE);
      expect(down).not.toContain('<#C0RANDOM>');
      expect(down).not.toContain(`<#${HIDDEN}>`);
      // Alice was never in the crowd channel.
      expect(down).toContain(
        '3 runs not shown: 1 in channels you are not in, 2 in channels whose members Slack would not tell Flightdeck just now.',
      );
      expect(down).toContain(`<#${SECRET}>`);
      const back = await openHome(ALICE);
      expect(back).toContain('<#C0RANDOM>');
      expect(back).toContain(
        '2 runs not shown: 1 in channels you are not in, 1 in channels whose members Slack would not tell',
      );
    });
  });

  describe('digest schedules under the policy', () => {
    const scheduled = async (userId: string, channelId: string, when: string) => {
      const { text } = await ask(`digest schedule ${when} UTC`, userId, channelId);
      const id = /digest remove (\w+)/.exec(text)?.[1];
      if (!id) throw new Error(`not scheduled: ${text}`);
      return id;
    };

    it('anyone in a channel may schedule one unless a deny rule says otherwise; a refusal is audited', async () => {
      const id = await scheduled(DAVE, 'C0OPS', 'hourly');
      const refused = await ask('digest schedule daily 09:00 UTC', ALICE, 'C0RANDOM');
      expect(refused.body).toMatchObject({ response_type: 'ephemeral' });
      expect(refused.text).toContain("You can't schedule a digest here.");
      expect(refused.text).toContain('Rule "no-digests-in-random" denies `digest.schedule` to you');
      expect(await h.bot.store.listDigestSchedules({ channelId: 'C0RANDOM' })).toHaveLength(0);
      const [denied] = await h.bot.store.listAudit({ actorId: ALICE, limit: 1 });
      expect(denied).toMatchObject({
        action: 'digest.schedule',
        outcome: 'denied',
        rule: 'no-digests-in-random',
        channelId: 'C0RANDOM',
      });
      const [done] = await h.bot.store.listAudit({ actorId: DAVE, limit: 1 });
      expect(done).toMatchObject({ action: 'digest.schedule', outcome: 'done', detail: { id } });
    });

    it('only the creator, an admin or whom a rule allows may remove one; a refusal changes nothing and is audited', async () => {
      const byAlice = await scheduled(ALICE, 'C0OPS', 'daily 06:00');
      const refused = await ask(`digest remove ${byAlice}`, DAVE, 'C0OPS');
      expect(refused.body).toMatchObject({ response_type: 'ephemeral' });
      expect(refused.text).toContain(`You can't remove the digest \`${byAlice}\` here.`);
      expect(refused.text).toContain(
        'Only whoever scheduled it (<@U0ALICE>) or a Flightdeck admin may remove a digest.',
      );
      expect(await h.bot.store.getDigestSchedule(byAlice)).toBeDefined();
      const [denied] = await h.bot.store.listAudit({ actorId: DAVE, limit: 1 });
      expect(denied).toMatchObject({ action: 'digest.remove', outcome: 'denied', detail: { id: byAlice } });

      const removedBy = async (userId: string, id: string) => {
        const { body, text } = await ask(`digest remove ${id}`, userId, 'C0OPS');
        expect(body).toMatchObject({ response_type: 'in_channel' });
        expect(text).toContain(`<@${userId}> stopped the digest \`${id}\``);
        expect(await h.bot.store.getDigestSchedule(id)).toBeUndefined();
      };
      await removedBy(ALICE, byAlice);
      await removedBy(CAROL, await scheduled(ALICE, 'C0OPS', 'daily 07:00'));
      const [admin] = await h.bot.store.listAudit({ actorId: CAROL, limit: 1 });
      expect(admin).toMatchObject({ action: 'digest.remove', outcome: 'done' });
      await removedBy(BOB, await scheduled(DAVE, 'C0OPS', 'daily 08:00'));
      const [byRule] = await h.bot.store.listAudit({ actorId: BOB, limit: 1 });
      expect(byRule).toMatchObject({ action: 'digest.remove', outcome: 'done', rule: 'bob-tidies-digests' });
    });

    it('rules only about digests leave runs open to everyone', async () => {
      const { text } = await ask('whoami', DAVE, 'C0OPS');
      expect(text).toContain('No policy is configured: everyone may run everything.');
    });
  });
});
