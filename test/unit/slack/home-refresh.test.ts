import { HomeRefresh, type Timer } from '../../../src/slack/home-refresh';
import { silentLog } from '../../../src/core/kit/log';

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
    clock: { now: () => new Date(now) },
    timer,
    pending: () => timers.filter((t) => !t.cancelled).map((t) => t.at),
    /** Moves the clock to the next timer and fires it. */
    async fireNext() {
      const next = timers.filter((t) => !t.cancelled).sort((a, b) => a.at - b.at)[0];
      if (!next) throw new Error('no timer');
      next.cancelled = true;
      now = Math.max(now, next.at);
      next.run();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('HomeRefresh', () => {
  it('publishes at once, then at most once per interval per person, coalescing changes in between', async () => {
    const time = manualTime();
    const published: string[] = [];
    const homes = new HomeRefresh(
      async (user) => {
        published.push(user);
      },
      time.clock,
      silentLog,
      3_000,
      time.timer,
    );
    homes.changed(['U1', 'U2', 'U1']);
    expect(time.pending()).toEqual([0, 0]);
    await time.fireNext();
    await time.fireNext();
    expect(published).toEqual(['U1', 'U2']);

    homes.changed(['U1']);
    homes.changed(['U1']);
    homes.changed(['U1']);
    expect(time.pending()).toEqual([3_000]);
    await time.fireNext();
    expect(published).toEqual(['U1', 'U2', 'U1']);
    await homes.stop();
  });
});
