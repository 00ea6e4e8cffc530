import { KeyedPacer } from '../../../src/core/kit/pacing';
import { PollBudget } from '../../../src/core/runs/poll-budget';

/** A pacer on a clock the test moves. */
function pacerAt(rate = { perSecond: 1, burst: 3 }) {
  const clock = { now: 1_000_000 };
  const pacer = new KeyedPacer(
    (key) => (key.startsWith('paced') ? rate : undefined),
    () => clock.now,
  );
  return { pacer, clock };
}

describe('KeyedPacer', () => {
  it('lets a burst through at once, then spaces calls at the rate', () => {
    const { pacer } = pacerAt();
    const waits = Array.from({ length: 5 }, () => pacer.reserve('paced:C1', 10_000));
    expect(waits).toEqual([
      { granted: true, waitMs: 0 },
      { granted: true, waitMs: 0 },
      { granted: true, waitMs: 0 },
      { granted: true, waitMs: 1_000 },
      { granted: true, waitMs: 2_000 },
    ]);
  });

  it('refuses a slot beyond the caller’s patience without booking it', () => {
    const { pacer, clock } = pacerAt({ perSecond: 2, burst: 1 });
    expect(pacer.reserve('paced:C1', 100)).toEqual({ granted: true, waitMs: 0 });
    expect(pacer.reserve('paced:C1', 100)).toEqual({ granted: false, retryInMs: 500 });
    expect(pacer.reserve('paced:C1', 100)).toEqual({ granted: false, retryInMs: 500 });
    clock.now += 500;
    expect(pacer.reserve('paced:C1', 100)).toEqual({ granted: true, waitMs: 0 });
  });

  it('refills after a quiet spell, but never beyond the burst', () => {
    const { pacer, clock } = pacerAt();
    for (let i = 0; i < 3; i += 1) pacer.reserve('paced:C1', 10_000);
    clock.now += 60_000;
    const waits = Array.from({ length: 4 }, () => pacer.reserve('paced:C1', 10_000));
    expect(waits.map((w) => (w.granted ? w.waitMs : -1))).toEqual([0, 0, 0, 1_000]);
  });

  it('keeps each key to itself: a busy or paused key does not slow another', () => {
    const { pacer } = pacerAt();
    for (let i = 0; i < 3; i += 1) pacer.reserve('paced:C1', 10_000);
    pacer.pause('paced:C1', 30_000);
    expect(pacer.reserve('paced:C2', 0)).toEqual({ granted: true, waitMs: 0 });
    expect(pacer.reserve('paced:C1', 1_000)).toEqual({ granted: false, retryInMs: 30_000 });
  });

  it('waits out a pause on a key without a rate, and then lets everything through', () => {
    const { pacer, clock } = pacerAt();
    expect(pacer.reserve('free:C1', 0)).toEqual({ granted: true, waitMs: 0 });
    pacer.pause('free:C1', 2_000);
    expect(pacer.pausedFor('free:C1')).toBe(2_000);
    expect(pacer.reserve('free:C1', 5_000)).toEqual({ granted: true, waitMs: 2_000 });
    clock.now += 2_000;
    expect(pacer.pausedFor('free:C1')).toBe(0);
    expect(Array.from({ length: 50 }, () => pacer.reserve('free:C1', 0)).every((s) => s.granted)).toBe(true);
  });

  it('a shorter pause never cuts a longer one short', () => {
    const { pacer } = pacerAt();
    pacer.pause('free:C1', 5_000);
    pacer.pause('free:C1', 1_000);
    expect(pacer.pausedFor('free:C1')).toBe(5_000);
  });
});

/** A budget on virtual time: sleeping moves the clock. */
function budgetAt(settings: { perSecond: number; bySystem?: Record<string, number>; maxWaitMs: number }) {
  const clock = { now: 0 };
  const budget = new PollBudget(
    { bySystem: {}, ...settings },
    {
      now: () => clock.now,
      sleep: async (ms) => {
        clock.now += ms;
      },
    },
  );
  return { budget, clock };
}

describe('PollBudget', () => {
  it('holds each system to its own budget, spaced evenly', async () => {
    const { budget, clock } = budgetAt({ perSecond: 4, bySystem: { iacm: 2 }, maxWaitMs: 10_000 });
    const sentAt = async (system: string, n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i += 1) {
        const slot = await budget.take(system);
        times.push(slot.granted ? clock.now : -1);
      }
      return times;
    };
    expect(await sentAt('itential', 5)).toEqual([0, 250, 500, 750, 1_100]);
    clock.now = 0;
    expect(await sentAt('iacm', 3)).toEqual([0, 500, 1_100]);
  });

  it('turns away a poll whose turn is further off than it may wait, booking nothing', async () => {
    const { budget } = budgetAt({ perSecond: 2, maxWaitMs: 100 });
    expect(await budget.take('itential')).toEqual({ granted: true, waitMs: 0 });
    expect(await budget.take('itential')).toEqual({ granted: false, retryInMs: 500 });
    expect(await budget.take('itential')).toEqual({ granted: false, retryInMs: 500 });
  });

  it('a process that wakes late does not send its overdue polls together (real timers)', async () => {
    const budget = new PollBudget({ perSecond: 20, bySystem: {}, maxWaitMs: 5_000 });
    const sent: number[] = [];
    const polls = Array.from({ length: 30 }, () =>
      budget.take('itential').then((slot) => {
        if (slot.granted) sent.push(performance.now());
      }),
    );
    // The event loop is busy for 400 ms: eight turns come due meanwhile.
    const busyUntil = performance.now() + 400;
    while (performance.now() < busyUntil);
    await Promise.all(polls);
    const worstSecond = Math.max(...sent.map((t) => sent.filter((u) => u >= t && u < t + 1_000).length));
    expect(sent).toHaveLength(30);
    expect(worstSecond).toBeLessThanOrEqual(20);
  });
});
