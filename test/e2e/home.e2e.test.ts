import { waitFor } from '../fakes/slack';
import { seedRun } from '../digest/seed';
import { validateView } from '../support/block-kit';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { ACK_DEADLINE_MS } from '../support/slack-driver';
import { startItentialBot, type ItentialBot } from '../support/itential-bot';
import { storeBackends } from '../support/stores';

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

const POLICY = `
policy:
  rules:
    - name: itential-in-ops
      operations: ['itential.*']
      channels: [C0OPS]
      contact: '#netops-leads'
`;

describe.each(storeBackends())('App Home end to end on $name', (backend) => {
  let bot: ItentialBot;
  let h: Harness;

  beforeAll(async () => {
    bot = await startItentialBot(backend, {
      configYaml: POLICY,
    });
    ({ h } = bot);
  });
  afterAll(() => bot.close());

  async function openHome(user: string) {
    const { ack, home } = await h.openHome(user);
    expect(ack.status).toBe(200);
    expect(ack.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    return home;
  }

  it('shows the viewer’s recent runs with status and thread, what waits on them, their schedules, and launch buttons', async () => {
    const parent = h.slack.postAsUser({ channel: 'C0OPS', user: ALICE, text: 'stand-in for a run message' });
    const now = Date.now();
    await seedRun(
      h.bot.store,
      { createdAt: new Date(now - 60_000) },
      { state: 'succeeded', parentTs: parent.ts, finishedAt: new Date(now - 30_000) },
    );
    await seedRun(
      h.bot.store,
      { createdAt: new Date(now - 30_000), operationId: 'iacm.run', system: 'iacm', channelId: 'C0RANDOM' },
      { state: 'waiting', waitingFor: 'an approval' },
    );
    await seedRun(h.bot.store, { createdAt: new Date(now), requesterId: BOB }, { state: 'failed' });
    const schedule = await h.driver.command('digest schedule daily 07:30', {
      userId: ALICE,
      channelId: 'C0OPS',
    });
    await waitFor(
      () => h.slack.responses(schedule.responseUrl)[0],
      3_000,
      () => 'the schedule',
    );

    const home = await openHome(ALICE);
    expect(validateView(h.slack.calls('views.publish').at(-1)?.params.view)).toBeUndefined();
    const text = blocksText(home);
    expect(text).toContain('*Waiting for you*');
    expect(text).toMatch(/Waiting for a person · \*Harness IaCM: [^*]+\* in <#C0RANDOM>/);
    expect(text).toMatch(/:white_check_mark: Succeeded · \*Itential: [^*]+\* in <#C0OPS>/);
    expect(text).toContain(
      `<https://flightdeck-test.slack.com/archives/C0OPS/p${parent.ts.replace('.', '')}|thread>`,
    );
    expect(text).not.toContain('Failed');
    expect(text).toMatch(/`[a-z0-9]{8}` · `daily 07:30` \(Europe\/Berlin\) in <#C0OPS> · next /);
    expect(JSON.stringify(home.blocks)).toContain('fd.home.launch.itential.start');

    const bobs = blocksText(await openHome(BOB));
    expect(bobs).toContain(':x: Failed');
    expect(bobs).toContain('None. `/ops digest schedule daily 09:00` in a channel starts one.');
  });

  it('opening the Messages tab publishes nothing', async () => {
    const before = h.slack.calls('views.publish').length;
    await h.driver.event({ type: 'app_home_opened', user: ALICE, channel: 'D0ALICE', tab: 'messages' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.slack.calls('views.publish')).toHaveLength(before);
  });

  it('launching from Home asks for a channel, then opens the operation’s form there, and the run reports in it', async () => {
    const home = await openHome(ALICE);
    const before = h.slack.openedViews().length;
    await h.driver.blockAction({ user: ALICE, view: home, actionId: 'fd.home.launch.itential.start' });
    const pick = await h.openedView(ALICE, 'fd.home.channel', before);
    expect(validateView(h.slack.calls('views.open').at(-1)?.params.view)).toBeUndefined();

    const empty = await h.driver.viewSubmission(pick, {}, ALICE);
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { channel: expect.any(String) } });
    expect(empty.viewProblem).toBeUndefined();

    const next = await h.driver.viewSubmission(pick, { channel: 'C0OPS' }, ALICE);
    expect(next.viewProblem).toBeUndefined();
    expect(next.body).toMatchObject({ response_action: 'update', view: { callback_id: 'fd.operation' } });
    const form = h.slack.view(pick.id);
    if (!form) throw new Error('the form is gone');
    expect(JSON.parse(String(form.private_metadata))).toMatchObject({ channelId: 'C0OPS' });

    const submitted = await h.driver.viewSubmission(
      form,
      { workflow: { value: 'Backup Devices', text: 'Backup Devices' } } as never,
      ALICE,
    );
    expect(submitted.status).toBe(200);
    const parent = await h.parentOf('C0OPS', (m) => blocksText(m).includes('Backup Devices'));
    expect(blocksText(parent)).toContain('<@U0ALICE>');
  });

  it('a channel the policy does not allow gets the denial before any form, and the refusal is audited', async () => {
    const home = await openHome(ALICE);
    const before = h.slack.openedViews().length;
    await h.driver.blockAction({ user: ALICE, view: home, actionId: 'fd.home.launch.itential.start' });
    const pick = await h.openedView(ALICE, 'fd.home.channel', before);
    const denied = await h.driver.viewSubmission(pick, { channel: 'C0RANDOM' }, ALICE);
    expect(denied.body).toMatchObject({
      response_action: 'update',
      view: { title: { text: 'Not allowed' } },
    });
    expect(blocksText((denied.body as { view: unknown }).view as never)).toContain('#netops-leads');
    const audit = await h.bot.store.listAudit({ actorId: ALICE, limit: 20 });
    expect(audit.filter((r) => r.action === 'open')).toEqual([
      expect.objectContaining({
        channelId: 'C0RANDOM',
        operationId: 'itential.start',
        outcome: 'denied',
        rule: null,
      }),
    ]);
  });
});
