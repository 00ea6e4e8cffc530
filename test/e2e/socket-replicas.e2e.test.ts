import { scripts } from '../fakes/itential';
import { waitFor } from '../fakes/slack';
import type { Envelope, FakeSocketMode } from '../fakes/slack/socket-mode';
import { eventually } from '../support/eventually';
import { blocksText, Harness } from '../support/flightdeck-harness';
import { startItentialBot, type ItentialBot } from '../support/itential-bot';
import { storeBackends } from '../support/stores';

const CHANNEL = 'C0SOCKREP';
const ALICE = 'U0ALICE';
const WORKFLOW = 'Backup Devices';
const TOKEN = 'static-token-1';
const START_PATH = '/operations-manager/jobs/start';
const postgres = storeBackends().find((b) => b.name === 'postgres');

/**
 * Two replicas in Socket Mode, each holding its own connection of one Slack app, sharing one PostgreSQL.
 * Slack sends an envelope on one connection; its ack is lost, and Slack redelivers it (`retry_attempt` 1) on
 * the other connection. The other replica's memory has never seen it: only the store can say it was handled.
 */
(postgres ? describe : describe.skip)('a Socket Mode redelivery that lands on the other replica', () => {
  // `one` starts first and owns the fakes; the driver's deliveries go to the newest connection, `two`'s.
  let one: ItentialBot;
  let two: Harness;
  let socket: FakeSocketMode;
  let oneConnection = 0;

  beforeAll(async () => {
    if (!postgres) return;
    one = await startItentialBot(postgres, {
      workflows: [{ name: WORKFLOW, script: scripts.happy() }],
      token: TOKEN,
      advanceOnPoll: false,
      socketMode: true,
    });
    if (!one.h.socket) throw new Error('the harness did not start Socket Mode');
    socket = one.h.socket;
    oneConnection = socket.connections().length;
    one.h.slack.addChannel({
      id: CHANNEL,
      name: 'socket-replicas',
      isPrivate: false,
      isArchived: false,
      members: ['U0BOT', ALICE],
    });
    two = await Harness.start({
      place: one.db,
      slack: one.h.slack,
      socket,
      env: { ITENTIAL_BASE_URL: one.itential.url, ITENTIAL_TOKEN: TOKEN },
    });
    await socket.waitForConnections(oneConnection + 1);
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  /** Deliveries that reached a replica's listeners (counted before any ack, so an ack in hand settles it). */
  const handled = async (h: Harness) =>
    (await h.bot.metrics.slackRequests.get()).values.reduce((sum, v) => sum + v.value, 0);

  /** The last envelope of `type` Slack sent, and where it went. */
  const lastEnvelope = (type: Envelope['type']) => {
    const envelope = socket
      .sent()
      .reverse()
      .find((e) => e.type === type);
    if (!envelope) throw new Error(`no ${type} envelope sent`);
    return envelope;
  };

  /**
   * Slack redelivers `envelope` on replica `one`'s connection, as its first ack was lost; resolves with how
   * many deliveries reached `one`'s listeners meanwhile. That count is settled by the ack in hand; what a
   * listener does after its ack (a second views.open, a second run) may land later, so the count is what
   * proves that nothing more will be seen.
   */
  async function redeliverToOne(envelope: Envelope): Promise<number> {
    const seen = await handled(one.h);
    const ack = await socket.deliver(envelope.type, envelope.payload, {
      envelopeId: envelope.envelope_id,
      retryAttempt: 1,
      retryReason: 'timeout',
      connection: oneConnection,
    });
    expect(ack.connection).toBe(oneConnection);
    expect(ack.payload).toEqual({});
    return (await handled(one.h)) - seen;
  }

  it('a slash command handled by one replica and redelivered to the other opens one modal', async () => {
    const opens = one.h.slack.calls('views.open').length;
    const { view } = await two.commandModal(ALICE, `itential start ${WORKFLOW}`, CHANNEL);
    const command = lastEnvelope('slash_commands');
    expect(socket.connections().find((c) => c.delivered.includes(command.envelope_id))?.id).toBe(
      oneConnection + 1,
    );

    const reached = await redeliverToOne(command);

    expect(one.h.slack.calls('views.open')).toHaveLength(opens + 1);
    expect(one.h.slack.isViewOpen(view.id)).toBe(true);
    expect(one.h.slack.ephemerals(CHANNEL)).toEqual([]);
    expect(reached).toBe(0);
    expect(
      one.h.logs.lines.some(
        (l) => l.includes('another replica already received') && l.includes('"level":"info"'),
      ),
    ).toBe(true);
  });

  it('a submission handled by one replica and redelivered to the other starts one run', async () => {
    const starts = one.itential.count('POST', START_PATH);
    const { view } = await two.commandModal(ALICE, `itential start ${WORKFLOW}`, CHANNEL);
    const submitted = await two.driver.viewSubmission(
      view,
      { workflow: { value: WORKFLOW, text: WORKFLOW } },
      ALICE,
    );
    expect(submitted.body).toBe('');
    await eventually(
      async () => (one.itential.count('POST', START_PATH) === starts + 1 ? true : undefined),
      'the job started',
    );

    const reached = await redeliverToOne(lastEnvelope('interactive'));

    const runs = await one.db.store.listRuns({ requesterId: ALICE, limit: 10 });
    expect(runs).toHaveLength(1);
    expect(one.itential.count('POST', START_PATH)).toBe(starts + 1);
    expect(reached).toBe(0);
  });

  it('/ops digest now handled by one replica and redelivered to the other posts one digest', async () => {
    const digests = () =>
      one.h.slack.messages(CHANNEL).filter((m) => blocksText(m).includes('Asked for by <@U0ALICE>'));
    const before = digests().length;
    const res = await two.driver.command('digest now 1h', { userId: ALICE, channelId: CHANNEL });
    expect(res.body).toBe('');
    await waitFor(
      () => (digests().length === before + 1 ? true : undefined),
      3_000,
      () => 'the digest in the channel',
    );

    const reached = await redeliverToOne(lastEnvelope('slash_commands'));

    expect(digests()).toHaveLength(before + 1);
    expect(reached).toBe(0);
  });
});
