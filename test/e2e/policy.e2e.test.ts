import { type FakeItential, scripts } from '../fakes/itential';
import { waitFor } from '../fakes/slack';
import type { RunRecord } from '../../src/core/runs/run-store';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { ACK_DEADLINE_MS } from '../support/slack-driver';
import { eventually } from '../support/eventually';
import { startItentialBot, type ItentialBot } from '../support/itential-bot';
import { storeBackends } from '../support/stores';

const CHANNEL = 'C0OPS';
const AUDIT = 'C0AUDIT';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';

// Oncall (Alice, Bob) may run backups in #ops; prod workflows need Bob's group; wipes are never allowed.
const CONFIG = `
admins: [U0ALICE]
auditChannel: ${AUDIT}
policy:
  rules:
    - name: oncall-backups
      operations: [itential.start]
      groups: [S0ONCALL]
      channels: [C0OPS]
      when: { workflow: 'Backup *' }
      contact: '#netops-leads'
    - name: prod-needs-approval
      effect: require-approval
      operations: [itential.start]
      groups: [S0ONCALL]
      when: { workflow: 'Prod *' }
      approvers: { groups: [S0APPROVERS] }
      contact: '#change-board'
    - name: no-wipes
      effect: deny
      operations: ['*']
      when: { workflow: '*wipe*' }
      contact: '@security'
`;

describe.each(storeBackends())('policy, can-i, whoami, help and audit end to end on $name', (backend) => {
  let bot: ItentialBot;
  let itential: FakeItential;
  let h: Harness;

  beforeAll(async () => {
    bot = await startItentialBot(backend, {
      channels: [{ id: AUDIT, name: 'audit', isPrivate: true, isArchived: false, members: ['U0BOT', ALICE] }],
      workflows: ['Backup Devices', 'Prod Push', 'Lab wipe', 'Other Thing'].map((name) => ({
        name,
        script: scripts.happy(),
      })),
      advanceOnPoll: false,
      configYaml: CONFIG,
    });
    ({ itential, h } = bot);
  });
  afterAll(() => bot.close());

  const starts = () => itential.requests.filter((r) => r.path === '/operations-manager/jobs/start').length;
  const reply = (user: string, text: string) =>
    waitFor(
      () => h.slack.ephemerals(CHANNEL, user).find((e) => blocksText(e).includes(text)),
      5_000,
      () =>
        `a reply to ${user} with "${text}": ${JSON.stringify(h.slack.ephemerals(CHANNEL, user).map((e) => e.text))}`,
    );

  /** Submits the modal for `workflow`; resolves with the run it created, or undefined when none was. */
  async function submit(user: string, workflow: string): Promise<RunRecord | undefined> {
    const newRun = await h.submitCommand(user, `itential start ${workflow}`, CHANNEL, {
      workflow: { value: workflow, text: workflow },
    });
    await h.bot.afterAck.drain();
    return newRun();
  }

  it('allowed: a backup by an oncall member in #ops starts; the start is audited with its upstream id', async () => {
    const run = await submit(ALICE, 'Backup Devices');
    expect(run).toBeDefined();
    await eventually(
      async () => ((await h.bot.store.getRun(run?.id ?? ''))?.upstreamId ? true : undefined),
      'started',
    );
    expect(starts()).toBe(1);
    const audit = await h.bot.store.listAudit({ actorId: ALICE, limit: 20 });
    expect(audit.find((r) => r.runId === run?.id && r.action === 'launch')).toMatchObject({
      outcome: 'allowed',
      rule: 'oncall-backups',
    });
    expect(audit.find((r) => r.runId === run?.id && r.action === 'start')?.detail).toMatchObject({
      upstreamId: expect.any(String),
    });
  });

  it('denied at the command: the reply names the rules that would allow it and who can help', async () => {
    await h.driver.command('itential start', { userId: CAROL, channelId: CHANNEL });
    const denial = blocksText(await reply(CAROL, "can't"));
    expect(denial).toContain('No rule allows `itential.start` to you in this channel');
    expect(denial).toContain(
      '"oncall-backups" (<!subteam^S0ONCALL> in <#C0OPS>, when `workflow` is `Backup *`)',
    );
    expect(denial).toContain('Ask #netops-leads or #change-board for access.');
    expect(h.slack.openedViews().filter((v) => h.slack.viewOwner(v.id) === CAROL)).toHaveLength(0);
  });

  it('denied from the menu: the pick gets the denial instead of a form, and the refusal is audited as the command’s is', async () => {
    const openDenials = async () =>
      (await h.bot.store.listAudit({ actorId: CAROL, limit: 50 })).filter(
        (r) => r.action === 'open' && r.outcome === 'denied',
      );
    const before = (await openDenials()).length;
    const { view: launcher } = await h.commandModal(CAROL, '', CHANNEL, 'fd.launcher');
    const denied = await h.driver.viewSubmission(launcher, { operation: 'itential.start' }, CAROL);
    expect(denied.body).toMatchObject({
      response_action: 'update',
      view: { title: { text: 'Not allowed' } },
    });
    expect(blocksText((denied.body as { view: never }).view)).toContain('Ask #netops-leads');
    const after = await openDenials();
    expect(after).toHaveLength(before + 1);
    expect(after[0]).toMatchObject({ channelId: CHANNEL, operationId: 'itential.start', rule: null });
  });

  it('conditions on arguments: a denied workflow names its rule, another no rule allows is refused, nothing starts', async () => {
    const before = starts();
    expect(await submit(ALICE, 'Lab wipe')).toBeUndefined();
    const wipe = blocksText(await reply(ALICE, 'no-wipes'));
    expect(wipe).toContain('Rule "no-wipes" denies `itential.start` to you when `workflow` is `*wipe*`.');
    expect(wipe).toContain('Ask @security for access.');
    expect(await submit(ALICE, 'Other Thing')).toBeUndefined();
    expect(blocksText(await reply(ALICE, 'with these arguments'))).toContain(
      'No rule allows `itential.start` to you in this channel with these arguments',
    );
    const prod = await submit(ALICE, 'Prod Push');
    expect(prod?.state).toBe('awaiting_approval');
    expect(starts()).toBe(before);
    const denied = (await h.bot.store.listAudit({ actorId: ALICE, limit: 20 })).filter(
      (r) => r.action === 'launch' && r.outcome === 'denied',
    );
    expect(denied.map((r) => r.rule)).toEqual(expect.arrayContaining(['no-wipes', null]));
    expect(denied.find((r) => r.rule === 'no-wipes')?.detail).toMatchObject({
      facts: expect.arrayContaining([expect.objectContaining({ value: 'Lab wipe' })]),
    });
  });

  it('can-i answers for each case without running anything', async () => {
    const before = starts();
    const ask = async (user: string, text: string, expected: string) => {
      await h.driver.command(`can-i ${text}`, { userId: user, channelId: CHANNEL });
      return blocksText(await reply(user, expected));
    };
    expect(
      await ask(ALICE, 'itential start workflow="Prod Push"', 'Yes, with approval by <!subteam^S0APPROVERS>'),
    ).toContain('(rule "prod-needs-approval")');
    expect(
      await ask(ALICE, 'itential.start workflow=“Backup Devices”', 'Yes (rule "oncall-backups")'),
    ).toContain('Nothing was run.');
    expect(await ask(ALICE, 'itential start workflow=wipe-all', 'No, by rule "no-wipes".')).toContain(
      '@security',
    );
    expect(await ask(ALICE, 'itential start', 'Only: when `workflow` is `Backup *`')).toContain(
      'never when `workflow` is `*wipe*` (rule "no-wipes")',
    );
    expect(await ask(CAROL, 'itential start workflow="Backup Devices"', 'No. No rule allows')).toBeTruthy();
    const usage = await h.driver.command('can-i frobnicate', { userId: ALICE, channelId: CHANNEL });
    expect(blocksText(usage.body as { blocks: unknown })).toContain('`frobnicate` is not an operation');
    expect(starts()).toBe(before);
  });

  it('whoami shows the caller’s groups and, per operation, what they may run here', async () => {
    await h.driver.command('whoami', { userId: BOB, channelId: CHANNEL });
    const bob = blocksText(await reply(BOB, 'Who you are'));
    expect(bob).toContain('Your groups the policy names: <!subteam^S0ONCALL>, <!subteam^S0APPROVERS>.');
    expect(bob).toContain(
      '*Itential: Start an Itential job* (`itential.start`) — Only: when `workflow` is `Backup *`',
    );
    await h.driver.command('whoami', { userId: CAROL, channelId: CHANNEL });
    const carol = blocksText(await reply(CAROL, 'Who you are'));
    expect(carol).toContain('You are in none of the user groups the policy names.');
    expect(carol).toContain(':no_entry: *Itential: Start an Itential job* (`itential.start`) — No.');
  });

  it('help shows only what the caller may run, plus a line saying more exists', async () => {
    const alice = await h.driver.command('help', { userId: ALICE, channelId: CHANNEL });
    expect(alice.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    const aliceText = blocksText(alice.body as { blocks: unknown });
    expect(aliceText).toContain('/ops itential start [workflow]');
    expect(aliceText).not.toContain('more operation');
    const carol = blocksText(
      (await h.driver.command('help', { userId: CAROL, channelId: CHANNEL })).body as { blocks: unknown },
    );
    expect(carol).not.toContain('/ops itential start');
    expect(carol).toContain('*Itential*');
    expect(carol).toContain('1 more operation exists that you may not run here; `/ops whoami` says why.');
  });

  it('audit: admins read recent records, filtered by user; others are refused; the audit channel gets each record', async () => {
    await h.driver.command('audit --user U0CAROL --since 1h', { userId: ALICE, channelId: CHANNEL });
    const trail = blocksText(await reply(ALICE, 'Audit trail'));
    expect(trail).toContain('by <@U0CAROL> in the last 1h');
    // Once from `/ops itential start`, once from the `/ops` menu.
    expect(trail.split('<@U0CAROL> *open* `itential.start` in <#C0OPS> → *denied*')).toHaveLength(3);
    expect(trail).not.toContain('<@U0ALICE> *launch*');

    await h.driver.command('audit', { userId: ALICE, channelId: CHANNEL });
    const all = blocksText(
      await waitFor(
        () => h.slack.ephemerals(CHANNEL, ALICE).filter((e) => blocksText(e).includes('in the last 24h'))[0],
        5_000,
      ),
    );
    expect(all).toMatch(
      /<@U0ALICE> \*start\* `itential.start` in <#C0OPS> → \*started\* · Workflow: Backup Devices.* · upstream `[0-9a-f]+` · <http[^|]+\|run `/,
    );
    expect(all).toContain('→ *denied* (rule "no-wipes")');

    await h.driver.command('audit', { userId: BOB, channelId: CHANNEL });
    expect(blocksText(await reply(BOB, 'Only Flightdeck admins can read the audit trail'))).toContain(
      '`admins`',
    );

    const fed = await waitFor(
      () => {
        const lines = h.slack.messages(AUDIT).map((m) => m.text);
        return lines.some((l) => l.includes('*refused*')) ? lines : undefined;
      },
      5_000,
      () => 'the refusal in the audit channel',
    );
    expect(
      fed.some((l) => l.includes('*launch* `itential.start` in <#C0OPS> → *denied* (rule "no-wipes")')),
    ).toBe(true);
    expect(fed.some((l) => l.includes('→ *approval_requested* (rule "prod-needs-approval")'))).toBe(true);
    const stored = await h.bot.store.listAudit({ limit: 500 });
    expect(fed.length).toBe(stored.length);
  });

  it('bad audit arguments get usage', async () => {
    const res = await h.driver.command('audit --since forever', { userId: ALICE, channelId: CHANNEL });
    expect(blocksText(res.body as { blocks: unknown })).toContain('`forever` is not a duration');
    const who = await h.driver.command('audit --user @bob', { userId: ALICE, channelId: CHANNEL });
    expect(blocksText(who.body as { blocks: unknown })).toContain('`@bob` is not a Slack user id');
  });
});
