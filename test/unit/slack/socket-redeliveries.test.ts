import type { ReceiverEvent } from '@slack/bolt';
import type { Clock } from '../../../src/core/kit/clock';
import type { OnceStore } from '../../../src/core/kit/once-store';
import { REQUEST_KEY_TTL_SEC } from '../../../src/slack/request-guard';
import { SocketRedeliveries } from '../../../src/slack/socket-redeliveries';
import { RecordingLog } from '../../support/recording-log';

const NOW = new Date('2026-06-01T12:00:00Z');
const clock: Clock = { now: () => NOW };

/** Another replica's store: keys claimed there before this process starts, and every claim asked of it. */
class SharedStore implements OnceStore {
  readonly asked: { key: string; expiresAt: Date }[] = [];
  constructor(
    readonly claimed = new Set<string>(),
    private readonly down = false,
  ) {}
  async claimOnce(key: string, expiresAt: Date): Promise<boolean> {
    this.asked.push({ key, expiresAt });
    if (this.down) throw new Error('connection refused');
    if (this.claimed.has(key)) return false;
    this.claimed.add(key);
    return true;
  }
  async sweepOnceKeys(): Promise<number> {
    return 0;
  }
}

/** One delivery of an envelope: what its ack answered, and whether a listener saw it. */
async function deliver(
  redeliveries: SocketRedeliveries,
  body: Record<string, unknown>,
  retryNum: number,
  answer?: unknown,
): Promise<{ handled: boolean; acks: unknown[] }> {
  const acks: unknown[] = [];
  let handled = false;
  const event: ReceiverEvent = {
    body,
    retryNum,
    ack: async (response?: unknown) => void acks.push(response),
  };
  await redeliveries.process(event, async (e) => {
    handled = true;
    await e.ack(answer);
  });
  return { handled, acks };
}

const COMMAND = { command: '/ops', trigger_id: '1.2.abc' };

describe('SocketRedeliveries', () => {
  it('claims each keyed delivery in the shared store for the HTTP TTL before a listener sees it', async () => {
    const store = new SharedStore();
    const redeliveries = new SocketRedeliveries({ log: new RecordingLog(), clock, requestKeys: store });
    let claimedFirst = false;
    await redeliveries.process({ body: COMMAND, retryNum: 0, ack: async () => undefined }, async () => {
      claimedFirst = store.claimed.has('trigger:1.2.abc');
    });
    expect(claimedFirst).toBe(true);
    expect(await deliver(redeliveries, { event_id: 'Ev1' }, 0)).toEqual({ handled: true, acks: [undefined] });
    expect(store.asked).toEqual([
      { key: 'trigger:1.2.abc', expiresAt: new Date(NOW.getTime() + REQUEST_KEY_TTL_SEC * 1000) },
      { key: 'event:Ev1', expiresAt: new Date(NOW.getTime() + REQUEST_KEY_TTL_SEC * 1000) },
    ]);
  });

  it('a redelivery remembered here gets the first answer again, without asking the store', async () => {
    const store = new SharedStore();
    const redeliveries = new SocketRedeliveries({ log: new RecordingLog(), clock, requestKeys: store });
    const errors = { response_action: 'errors', errors: { workflow: 'no such workflow' } };
    await deliver(redeliveries, COMMAND, 0, errors);
    expect(await deliver(redeliveries, COMMAND, 1)).toEqual({ handled: false, acks: [errors] });
    expect(store.asked).toHaveLength(1);
  });

  it('a redelivery another replica claimed gets a bare ack, reaches no listener, and is logged at info', async () => {
    const log = new RecordingLog();
    const store = new SharedStore(new Set(['trigger:1.2.abc']));
    const redeliveries = new SocketRedeliveries({ log, clock, requestKeys: store });
    expect(await deliver(redeliveries, COMMAND, 1, { text: 'again' })).toEqual({
      handled: false,
      acks: [undefined],
    });
    expect(log.entries.filter((e) => e.level === 'info')).toEqual([
      expect.objectContaining({ obj: { key: 'trigger:1.2.abc', retryNum: 1 } }),
    ]);
    // And once more, now from this process's memory.
    expect(await deliver(redeliveries, COMMAND, 2)).toEqual({ handled: false, acks: [undefined] });
  });

  it('a first delivery (retry 0) is handled whatever the store says; one without a key is not claimed', async () => {
    const store = new SharedStore(new Set(['trigger:1.2.abc']));
    const redeliveries = new SocketRedeliveries({ log: new RecordingLog(), clock, requestKeys: store });
    expect((await deliver(redeliveries, COMMAND, 0)).handled).toBe(true);
    const options = { type: 'block_suggestion', value: 'Back' };
    expect((await deliver(redeliveries, options, 1)).handled).toBe(true);
    expect(store.asked.map((a) => a.key)).toEqual(['trigger:1.2.abc']);
  });

  it('a store that cannot be reached lets a redelivery through with a warning', async () => {
    const log = new RecordingLog();
    const redeliveries = new SocketRedeliveries({
      log,
      clock,
      requestKeys: new SharedStore(new Set(), true),
    });
    expect((await deliver(redeliveries, COMMAND, 1)).handled).toBe(true);
    expect(log.entries.map((e) => e.level)).toEqual(['warn']);
  });

  it('without a shared store, a redelivery new to this process is handled', async () => {
    const redeliveries = new SocketRedeliveries({ log: new RecordingLog(), clock });
    expect((await deliver(redeliveries, COMMAND, 1)).handled).toBe(true);
    expect((await deliver(redeliveries, COMMAND, 2)).handled).toBe(false);
  });
});
