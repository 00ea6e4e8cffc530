import { KeyedPacer } from '../../../src/core/pacing';
import { PollBudget } from '../../../src/core/poll-budget';

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

describe('PollBudget', () => {
  it('holds each system to its own budget, a second’s worth at once', () => {
    const clock = { now: 0 };
    const budget = new PollBudget(
      { perSecond: 4, bySystem: { iacm: 2 }, maxWaitMs: 10_000 },
      () => clock.now,
    );
    const times = (system: string, n: number) =>
      Array.from({ length: n }, () => {
        const slot = budget.slot(system);
        return slot.granted ? slot.waitMs : -1;
      });
    expect(times('itential', 6)).toEqual([0, 0, 0, 0, 250, 500]);
    expect(times('iacm', 4)).toEqual([0, 0, 500, 1_000]);
  });

  it('over a long stretch, grants no more than the budget per second', () => {
    const clock = { now: 0 };
    const budget = new PollBudget({ perSecond: 5, bySystem: {}, maxWaitMs: 0 }, () => clock.now);
    let granted = 0;
    for (clock.now = 0; clock.now < 60_000; clock.now += 10) {
      for (let i = 0; i < 3; i += 1) if (budget.slot('itential').granted) granted += 1;
    }
    // 60 s at 5/s, plus the first second's burst.
    expect(granted).toBeLessThanOrEqual(5 * 60 + 5);
    expect(granted).toBeGreaterThanOrEqual(5 * 60 - 1);
  });
});
