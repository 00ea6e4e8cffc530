import { HomeRefresh, type Timer } from '../../../src/slack/home-refresh';
import { silentLog } from '../../../src/core/kit/log';
import type { Clock } from '../../../src/core/kit/clock';
import { storeBackends, type StoreFixture } from '../../support/stores';

/** Timers the test fires by hand, and a clock it moves. */
function manualTime() {
  let now = 0;
  const timers: { run: () => void; at: number; cancelled: boolean }[] = [];
  const timer: Timer = (run, ms) => {
    const entry = { run, at: now + ms, cancelled: false };
    timers.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  };
  return {
    clock: { now: () => new Date(now) } satisfies Clock,
    timer,
    pending: () => timers.filter((t) => !t.cancelled).map((t) => t.at),
    /** Moves the clock to the next timer and fires it. */
    fireNext() {
      const next = timers.filter((t) => !t.cancelled).sort((a, b) => a.at - b.at)[0];
      if (!next) throw new Error('no timer');
      next.cancelled = true;
      now = Math.max(now, next.at);
      next.run();
    },
  };
}

const sqlite = storeBackends().find((b) => b.name === 'sqlite');
if (!sqlite) throw new Error('the embedded store is always available');

describe('HomeRefresh', () => {
  let db: StoreFixture;
  beforeAll(async () => {
    db = await sqlite.open();
  });
  beforeEach(() => db.reset());
  afterAll(() => db.dispose());

  /** A refresher on the test's store whose publishes are recorded in `published` (and may be held). */
  function refresher(
    time: ReturnType<typeof manualTime>,
    published: string[],
    owner = 'A',
    hold: (user: string) => Promise<void> = async () => undefined,
  ) {
    const homes = new HomeRefresh({
      publish: async (user) => {
        await hold(user);
        published.push(user);
      },
      marks: db.store,
      owner,
      clock: time.clock,
      log: silentLog,
      intervalMs: 3_000,
      timer: time.timer,
    });
    return homes;
  }

  /** Everyone still marked, claimed or not. */
  const marksLeft = () => db.store.unclaimedHomes(new Date(8.64e15), 10);

  it('publishes at once, then at most once per interval per person, coalescing changes in between', async () => {
    const time = manualTime();
    const published: string[] = [];
    const homes = refresher(time, published);
    await homes.changed(['U1', 'U2', 'U1']);
    expect(time.pending()).toEqual([0, 0]);
    // Marked before anything is published.
    expect(await marksLeft()).toEqual(['U1', 'U2']);
    time.fireNext();
    time.fireNext();

    await homes.changed(['U1']);
    await homes.changed(['U1']);
    await homes.changed(['U1']);
    expect(time.pending()).toEqual([3_000]);
    time.fireNext();
    await homes.stop();
    expect(published).toEqual(['U1', 'U2', 'U1']);
    expect(await marksLeft()).toEqual([]);
  });

  it('a Home changed while it is published keeps its mark, and the next publish shows the change', async () => {
    const time = manualTime();
    const published: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const publishing = new Promise<void>((resolve) => (started = resolve));
    const homes = refresher(time, published, 'A', async () => {
      started();
      await held;
    });
    await homes.changed(['U1']);
    time.fireNext();
    await publishing;
    await homes.changed(['U1']);
    release();
    expect(time.pending()).toEqual([3_000]);
    // The process stops before the second publish: its mark stays for whoever starts next.
    await homes.stop();
    expect(published).toEqual(['U1']);
    expect(await marksLeft()).toEqual(['U1']);
  });

  it('takes up the marks a stopped process left, and of two replicas only one publishes each', async () => {
    await db.store.markHomes(['U1', 'U2'], new Date(0));
    const time = manualTime();
    const byA: string[] = [];
    const byB: string[] = [];
    const a = refresher(time, byA, 'A');
    const b = refresher(time, byB, 'B');
    await Promise.all([a.drain(), b.drain()]);
    expect(time.pending()).toEqual([0, 0, 0, 0]);
    for (let i = 0; i < 4; i += 1) time.fireNext();
    await Promise.all([a.stop(), b.stop()]);
    expect([...byA, ...byB].sort()).toEqual(['U1', 'U2']);
    expect(await marksLeft()).toEqual([]);
  });
});
