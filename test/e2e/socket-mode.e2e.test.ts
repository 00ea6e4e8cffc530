import { type FakeItential, scripts, steps } from '../fakes/itential';
import { type FakeSlack, waitFor, type JsonObject } from '../fakes/slack';
import type { FakeSocketMode } from '../fakes/slack/socket-mode';
import type { RunRecord } from '../../src/core/runs/run-store';
import { eventually } from '../support/eventually';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { startItentialBot, type ItentialBot } from '../support/itential-bot';
import { ACK_DEADLINE_MS } from '../support/slack-driver';
import { storeBackends, type StoreBackend } from '../support/stores';

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

const CONFIG = `
policy:
  rules:
    - name: everyone-runs
      operations: [itential.start]
    - name: prod-needs-approval
      effect: require-approval
      operations: [itential.start]
      when: { workflow: 'Prod *' }
      approvers: { users: [U0BOB] }
`;

// The transport is under test here, not the store: one backend is enough.
const backend = storeBackends()[0] as StoreBackend;

describe('Socket Mode end to end', () => {
  let slack: FakeSlack;
  let bot: ItentialBot;
  let itential: FakeItential;
  let h: Harness;
  let socket: FakeSocketMode;

  beforeAll(async () => {
    bot = await startItentialBot(backend, {
      workflows: [
        { name: 'Backup Devices', script: scripts.happy() },
        { name: 'Prod Push', script: scripts.happy() },
        { name: 'Long Job', script: [steps.running('stepOne', 0.1), steps.running('stepTwo', 0.5)] },
      ],
      advanceOnPoll: false,
      configYaml: CONFIG,
      socketMode: true,
    });
    ({ itential, h } = bot);
    ({ slack } = h);
    if (!h.socket) throw new Error('the harness did not start Socket Mode');
    socket = h.socket;
  });
  afterAll(() => bot.close());

  // Each test in its own channel: Flightdeck paces posts per channel as Slack asks (about one a second).
  let channel = '';
  let channels = 0;
  beforeEach(() => {
    channels += 1;
    channel = `C0SOCK${channels}`;
    slack.addChannel({
      id: channel,
      name: `socket-${channels}`,
      isPrivate: false,
      isArchived: false,
      members: ['U0BOT', ALICE, BOB],
    });
  });
  afterEach(() => {
    // Slack caps an app at 10 connections; the bot never needs more than one.
    expect(socket.maxConcurrentConnections).toBe(1);
  });

  const starts = (workflow: string) =>
    itential.requests.filter(
      (r) =>
        r.path === '/operations-manager/jobs/start' &&
        (r.body as { workflow?: string } | undefined)?.workflow === workflow,
    ).length;
  const parents = () => slack.messages(channel).filter((m) => !m.threadTs);
  /** Deliveries that reached the bot's listeners (counted before any ack, so an ack in hand settles it). */
  const handled = async () =>
    (await h.bot.metrics.slackRequests.get()).values.reduce((sum, v) => sum + v.value, 0);

  async function launch(user: string, workflow: string): Promise<RunRecord> {
    const newRun = await h.submitCommand(user, `itential start ${workflow}`, channel, {
      workflow: { value: workflow, text: workflow },
    });
    return eventually(() => newRun((r) => r.parentTs !== null), `a posted run of ${workflow}`);
  }

  /** The last envelope of `type` Slack sent, to send it again as Slack's redelivery would. */
  const lastEnvelope = (type: string) => {
    const envelope = socket
      .sent()
      .reverse()
      .find((e) => e.type === type);
    if (!envelope) throw new Error(`no ${type} envelope sent`);
    return envelope;
  };

  it('connects with the app-level token over one connection; the bot token cannot open one', async () => {
    const opens = slack.calls('apps.connections.open');
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens.every((c) => c.token === socket.appToken)).toBe(true);
    expect(socket.openConnections).toBe(1);

    const res = await fetch(`${slack.apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.botToken}` },
    });
    expect(await res.json()).toEqual({ ok: false, error: 'not_allowed_token_type' });
    const appTokenElsewhere = await fetch(`${slack.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${socket.appToken}` },
    });
    expect(await appTokenElsewhere.json()).toMatchObject({ ok: false, error: 'not_allowed_token_type' });
  });

  it('/ops help comes back as the ack payload of the slash_commands envelope, within the deadline', async () => {
    const res = await h.driver.command('help', { userId: ALICE, channelId: channel });
    expect(res.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(blocksText(res.body as { blocks: unknown })).toContain('/ops itential start [workflow]');
    expect(lastEnvelope('slash_commands').accepts_response_payload).toBe(true);
  });

  it('opens the modal, answers its picker in the ack, and starts the run from the submission; the thread follows it', async () => {
    const { ack, view } = await h.commandModal(ALICE, 'itential start', channel);
    expect(ack.body).toBe('');
    expect(slack.calls('views.open').at(-1)?.response).toMatchObject({ ok: true });

    const options = await h.driver.blockSuggestion({
      user: ALICE,
      view,
      blockId: 'workflow',
      actionId: 'fd.field.workflow',
      value: 'Back',
    });
    expect(options.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    expect(JSON.stringify((options.body as JsonObject).options)).toContain('Backup Devices');

    const submitted = await h.driver.viewSubmission(
      view,
      { workflow: { value: 'Backup Devices', text: 'Backup Devices' } },
      ALICE,
    );
    expect(submitted.body).toBe('');
    expect(slack.isViewOpen(view.id)).toBe(false);
    const parent = await h.parentOf(channel);
    expect(blocksText(parent)).toContain('Backup Devices');
    await h.threadTexts(channel, parent.ts, (t) => t.some((x) => x.includes('Started by <@U0ALICE>')));
    const [jobId] = [...itential.jobs.keys()].slice(-1);
    itential.advance(jobId ?? '');
    itential.advance(jobId ?? '');
    const texts = await h.threadTexts(channel, parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
    expect(texts.filter((x) => x.includes('Succeeded'))).toHaveLength(1);
    expect(starts('Backup Devices')).toBe(1);
  });

  it('a bad submission is answered with response_action errors in the ack, and the modal stays open', async () => {
    const before = starts('Backup Devices');
    const { view } = await h.commandModal(ALICE, 'itential start Backup Devices', channel);
    const res = await h.driver.viewSubmission(
      view,
      { workflow: { value: 'Backup Devices', text: 'Backup Devices' }, variables: '{"a": 1,,}' },
      ALICE,
    );
    expect(res.body).toMatchObject({ response_action: 'errors', errors: { variables: expect.any(String) } });
    expect(res.viewProblem).toBeUndefined();
    expect(slack.isViewOpen(view.id)).toBe(true);
    expect(starts('Backup Devices')).toBe(before);
  });

  it('cancel from the parent message (block_actions) cancels once', async () => {
    const run = await launch(ALICE, 'Long Job');
    await h.threadTexts(channel, run.parentTs ?? '', (t) => t.some((x) => x.includes('Started')));
    const click = await h.driver.blockAction({
      user: ALICE,
      actionId: 'fd.run.cancel',
      channelId: channel,
      messageTs: run.parentTs ?? '',
    });
    expect(click.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    const texts = await h.threadTexts(channel, run.parentTs ?? '', (t) =>
      t.some((x) => x.includes('Canceled')),
    );
    expect(texts.filter((x) => x.includes('asked Itential to cancel'))).toHaveLength(1);
  });

  it('an approval through the socket starts the run once', async () => {
    const run = await launch(ALICE, 'Prod Push');
    expect(run.state).toBe('awaiting_approval');
    expect(starts('Prod Push')).toBe(0);
    await h.driver.blockAction({
      user: BOB,
      actionId: 'fd.run.approve',
      channelId: channel,
      messageTs: run.parentTs ?? '',
      blockId: `approval:${run.id}`,
      value: run.id,
    });
    await h.threadTexts(
      channel,
      run.parentTs ?? '',
      (t) => t.some((x) => x.includes('Approved by <@U0BOB>')) && t.some((x) => x.includes('Started by')),
    );
    expect(starts('Prod Push')).toBe(1);
  });

  it('events_api envelopes are acked without a payload; app_home_opened publishes the Home tab', async () => {
    const res = await h.driver.appHomeOpened(ALICE);
    expect(res.body).toBe('');
    expect(lastEnvelope('events_api').accepts_response_payload).toBe(false);
    await waitFor(
      () => slack.homeView(ALICE),
      3_000,
      () => 'a Home tab for Alice',
    );
  });

  it.each(['refresh_requested', 'warning'] as const)(
    'after a disconnect (%s) the bot opens a new connection and closes the old; commands arrive once, a run starts once',
    async (reason) => {
      const opened = socket.connections().length;
      const opens = slack.calls('apps.connections.open').length;
      const before = starts('Backup Devices');
      socket.disconnect(reason);
      // Slack sends nothing new on a connection it asked to leave: this command waits for the new one.
      const res = await h.driver.command('help', { userId: ALICE, channelId: channel });
      expect(blocksText(res.body as { blocks: unknown })).toContain('/ops itential start');
      await socket.waitForConnections(opened + 1);
      const envelope = lastEnvelope('slash_commands');
      const carriers = socket.connections().filter((c) => c.delivered.includes(envelope.envelope_id));
      expect(carriers.map((c) => c.id)).toEqual([opened + 1]);
      expect(socket.acks().filter((a) => a.envelopeId === envelope.envelope_id)).toHaveLength(1);
      // A fresh URL from apps.connections.open (a ticket opens one connection), and the old link is let go.
      expect(slack.calls('apps.connections.open')).toHaveLength(opens + 1);
      await waitFor(
        () => socket.connections()[opened - 1]?.closedAt,
        3_000,
        () => 'the old connection closed',
      );
      expect(socket.openConnections).toBe(1);
      expect(socket.maxConcurrentConnections).toBe(1);

      const run = await launch(ALICE, 'Backup Devices');
      await h.threadTexts(channel, run.parentTs ?? '', (t) => t.some((x) => x.includes('Started')));
      expect(starts('Backup Devices')).toBe(before + 1);
      expect(parents()).toHaveLength(1);
    },
  );

  it('/ops digest now through the socket: acked at once, the digest posted in the channel', async () => {
    const run = await launch(ALICE, 'Long Job');
    await h.threadTexts(channel, run.parentTs ?? '', (t) => t.some((x) => x.includes('Started')));
    const posted = slack.messages(channel).length;
    const res = await h.driver.command('digest now 1h', { userId: ALICE, channelId: channel });
    expect(res.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
    expect(res.body).toBe('');
    const digest = await waitFor(
      () =>
        slack
          .messages(channel)
          .slice(posted)
          .find((m) => blocksText(m).includes('Asked for by <@U0ALICE>')),
      3_000,
      () => 'the digest in the channel',
    );
    expect(blocksText(digest)).toContain('1 run — 1 in progress');
    expect(
      socket.acks().filter((a) => a.envelopeId === lastEnvelope('slash_commands').envelope_id),
    ).toHaveLength(1);
  });

  it('a command sent while the socket is down is delivered after the reconnect, once', async () => {
    const opened = socket.connections().length;
    socket.drop();
    const res = await h.driver.command('help', { userId: ALICE, channelId: channel });
    expect(blocksText(res.body as { blocks: unknown })).toContain('/ops itential start');
    const envelope = lastEnvelope('slash_commands');
    expect(envelope.retry_attempt).toBe(0);
    expect(socket.sent().filter((e) => e.envelope_id === envelope.envelope_id)).toHaveLength(1);
    expect(socket.connections().length).toBe(opened + 1);
  });

  it('a command and a submission whose acks are lost with the socket are redelivered, answered again, and done once', async () => {
    const before = starts('Backup Devices');
    const opened = socket.connections().length;
    const modals = slack.calls('views.open').length;
    const seen = await handled();
    const command = await h.driver.command('itential start Backup Devices', {
      userId: ALICE,
      channelId: channel,
      loseAck: true,
    });
    expect(command.body).toBe('');
    expect(await handled()).toBe(seen + 1);
    const view = await h.openedView(ALICE, 'fd.operation', slack.openedViews().length - 1);
    expect(slack.calls('views.open')).toHaveLength(modals + 1);

    const submitted = await h.driver.viewSubmission(
      view,
      { workflow: { value: 'Backup Devices', text: 'Backup Devices' } },
      ALICE,
      { loseAck: true },
    );
    expect(submitted.body).toBe('');
    expect(await handled()).toBe(seen + 2);
    const envelope = lastEnvelope('interactive');
    const deliveries = socket.sent().filter((e) => e.envelope_id === envelope.envelope_id);
    expect(deliveries.map((e) => [e.retry_attempt, e.retry_reason])).toEqual([
      [0, ''],
      [1, 'timeout'],
    ]);
    await socket.waitForConnections(opened + 2);
    await h.parentOf(channel);
    await eventually(async () => (starts('Backup Devices') > before ? true : undefined), 'the start');
    expect(starts('Backup Devices')).toBe(before + 1);
    expect(parents()).toHaveLength(1);
  });

  it('a redelivered envelope (retry_attempt > 0) starts nothing twice and gets the first answer again', async () => {
    const before = starts('Backup Devices');
    const { view } = await h.commandModal(ALICE, 'itential start Backup Devices', channel);
    const values = { workflow: { value: 'Backup Devices', text: 'Backup Devices' } };
    await h.driver.viewSubmission(view, values, ALICE);
    const run = await eventually(
      async () =>
        (await h.bot.store.listRuns({ requesterId: ALICE, limit: 100 })).find(
          (r) => r.channelId === channel && r.parentTs !== null,
        ),
      'the posted run',
    );
    const submission = lastEnvelope('interactive');
    let seen = await handled();
    const again = await socket.deliver('interactive', submission.payload, {
      envelopeId: submission.envelope_id,
      retryAttempt: 1,
      retryReason: 'timeout',
    });
    expect(again.payload).toEqual({});
    expect(await handled()).toBe(seen);

    const { view: bad } = await h.commandModal(ALICE, 'itential start Backup Devices', channel);
    const refused = await h.driver.viewSubmission(
      bad,
      { workflow: { value: 'Backup Devices', text: 'Backup Devices' }, groups: 'not-a-group' },
      ALICE,
    );
    expect(refused.body).toMatchObject({ response_action: 'errors' });
    const badEnvelope = lastEnvelope('interactive');
    seen = await handled();
    const refusedAgain = await socket.deliver('interactive', badEnvelope.payload, { retryAttempt: 2 });
    expect(refusedAgain.payload).toEqual(refused.body);
    expect(await handled()).toBe(seen);

    const help = await h.driver.command('help', { userId: ALICE, channelId: channel });
    seen = await handled();
    const helpAgain = await socket.deliver('slash_commands', lastEnvelope('slash_commands').payload, {
      retryAttempt: 1,
    });
    expect(helpAgain.payload).toEqual(help.body);
    expect(await handled()).toBe(seen);

    await h.threadTexts(channel, run.parentTs ?? '', (t) => t.some((x) => x.includes('Started')));
    expect(starts('Backup Devices')).toBe(before + 1);
    expect(parents()).toHaveLength(1);
  });
});
