import { request } from 'undici';
import type { FakeItential } from '../fakes/itential';
import { waitFor } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { ACK_DEADLINE_MS } from '../support/slack-driver';
import { startItentialBot, type ItentialBot } from '../support/itential-bot';
import { storeBackends } from '../support/stores';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';

const POLICY = `
policy:
  rules:
    - name: oncall-runs-itential
      operations: ['itential.*']
      groups: [S0ONCALL]
      channels: [C0OPS]
      contact: '#netops-leads'
`;

describe.each(storeBackends())('/ops commands end to end on $name', (backend) => {
  let bot: ItentialBot;
  let itential: FakeItential;
  let h: Harness;

  beforeAll(async () => {
    bot = await startItentialBot(backend, {
      configYaml: POLICY,
    });
    ({ itential, h } = bot);
  });
  afterAll(() => bot.close());

  it('/ops help lists every command and shows unconfigured systems as such, in the ack', async () => {
    const res = await h.driver.command('help', { userId: ALICE, channelId: CHANNEL });
    expect(res.status).toBe(200);
    expect(res.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    const text = blocksText(res.body as { blocks: unknown });
    expect(text).toContain('/ops itential start [workflow]');
    expect(text).toContain('/ops iacm run');
    expect(text).toMatch(/Harness IaCM\* — _not configured_/);
    expect(text).toMatch(/Zitadel\* — _not configured_/);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
  });

  it('unknown words get usage, ephemerally', async () => {
    const res = await h.driver.command('deploy everything now', { userId: ALICE, channelId: CHANNEL });
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(blocksText(res.body as { blocks: unknown })).toContain('`deploy` is not a Flightdeck command');
  });

  it('a command of a system that is not configured says so', async () => {
    const res = await h.driver.command('iacm run my-module', { userId: ALICE, channelId: CHANNEL });
    expect(blocksText(res.body as { blocks: unknown })).toContain('Harness IaCM is not configured');
  });

  it('/ops alone opens the launcher; picking an operation replaces it with that operation’s modal', async () => {
    const { ack: res, view: launcher } = await h.commandModal(ALICE, '', CHANNEL, 'fd.launcher');
    expect(res.status).toBe(200);
    expect(JSON.stringify(launcher.blocks)).toContain('itential.start');
    const next = await h.driver.viewSubmission(launcher, { operation: 'itential.start' }, ALICE);
    expect(next.body).toMatchObject({ response_action: 'update', view: { callback_id: 'fd.operation' } });
    expect(next.viewProblem).toBeUndefined();
  });

  it('a denied user gets the rule and the contact, and nothing is called upstream; the attempt is audited', async () => {
    const starts = itential.count('POST', '/operations-manager/jobs/start');
    const before = h.slack.openedViews().length;
    const res = await h.driver.command('itential start Backup Devices', {
      userId: CAROL,
      channelId: CHANNEL,
    });
    expect(res.status).toBe(200);
    const denial = await waitFor(
      () => h.slack.ephemerals(undefined, CAROL).find((e) => e.text.includes("can't")),
      3000,
    );
    const text = blocksText(denial);
    expect(text).toContain('"oncall-runs-itential"');
    expect(text).toContain('Ask #netops-leads for access.');
    expect(h.slack.openedViews()).toHaveLength(before);
    expect(itential.count('POST', '/operations-manager/jobs/start')).toBe(starts);
    const audit = await h.bot.store.listAudit({ actorId: CAROL, limit: 10 });
    expect(audit[0]).toMatchObject({ action: 'open', outcome: 'denied', operationId: 'itential.start' });
  });

  it('the same user in a channel the rule does not cover is denied too', async () => {
    await h.driver.command('itential start', { userId: BOB, channelId: 'C0RANDOM' });
    const denial = await waitFor(
      () => h.slack.ephemerals(undefined, BOB).find((e) => e.text.includes("can't")),
      3000,
    );
    expect(blocksText(denial)).toContain('No rule allows `itential.start` to you in this channel');
  });

  it('the workflow picker answers from Itential, fast, and with a clear option when Itential is down', async () => {
    const { view } = await h.commandModal(ALICE, 'itential start', CHANNEL);
    const found = await h.driver.blockSuggestion({
      user: ALICE,
      view,
      blockId: 'workflow',
      actionId: 'fd.field.workflow',
      value: 'Back',
    });
    expect(found.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    expect(JSON.stringify(found.body)).toContain('Backup Devices');

    itential.inject({
      path: '/automation-studio/workflows',
      fault: { kind: 'html', status: 502 },
      times: 10,
    });
    const down = await h.driver.blockSuggestion({
      user: ALICE,
      view,
      blockId: 'workflow',
      actionId: 'fd.field.workflow',
      value: 'zzz',
    });
    expect(down.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    expect(JSON.stringify(down.body)).toContain('Itential is unavailable');
    const picked = await h.driver.viewSubmission(
      view,
      { workflow: { value: '__flightdeck_unavailable__', text: 'x' } },
      ALICE,
    );
    expect(picked.body).toMatchObject({
      response_action: 'errors',
      errors: { workflow: expect.stringContaining('could not be reached') },
    });
  });

  it('/ops runs lists this channel’s runs and /ops status shows one', async () => {
    const { view } = await h.commandModal(ALICE, 'itential start Backup Devices', CHANNEL);
    await h.driver.viewSubmission(
      view,
      { workflow: { value: 'Backup Devices', text: 'Backup Devices' } },
      ALICE,
    );
    await h.parentOf(CHANNEL);
    const [run] = await h.bot.store.listRuns({ requesterId: ALICE, limit: 1 });
    if (!run) throw new Error('no run recorded');

    await h.driver.command('runs mine', { userId: ALICE, channelId: CHANNEL });
    const list = await waitFor(
      () =>
        h.slack
          .ephemerals(CHANNEL, ALICE)
          .find((e) => e.via === 'response_url' && e.text.includes('Your recent runs')),
      3000,
    );
    expect(blocksText(list)).toContain(run.id);
    expect(blocksText(list)).toContain('Start');

    await h.driver.command(`status ${run.id}`, { userId: ALICE, channelId: CHANNEL });
    const status = await waitFor(
      () =>
        h.slack
          .ephemerals(CHANNEL, ALICE)
          .find((e) => e.via === 'response_url' && blocksText(e).includes(`Run \`${run.id}\``)),
      3000,
    );
    expect(blocksText(status)).toContain('Itential');

    await h.driver.command('status 00000000-0000-4000-8000-000000000000', {
      userId: ALICE,
      channelId: CHANNEL,
    });
    await waitFor(() => h.slack.ephemerals(CHANNEL, ALICE).find((e) => e.text.includes('No run')), 3000);
  });

  it('/healthz answers 200 while the store answers; /metrics serves Prometheus text', async () => {
    const base = `http://127.0.0.1:${String(h.bot.port)}`;
    const health = await request(`${base}/healthz`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toEqual({ status: 'ok' });
    const metrics = await request(`http://127.0.0.1:${String(h.bot.metricsPort)}/metrics`);
    expect(metrics.statusCode).toBe(200);
    const text = await metrics.body.text();
    expect(text).toContain('flightdeck_slack_requests_total');
    expect(text).toContain('flightdeck_process_resident_memory_bytes');
  });
});
