import type { Booking, BudgetKey } from '../../src/core/runs/budget-store';
import type { Store } from '../../src/core/store';
import { replicaPair, storeBackends, type StorePlace } from '../support/stores';

const UPDATE: BudgetKey = { key: 'chat.update', intervalMs: 60_000 / 40, burst: 3 };
const t0 = new Date('2026-11-24T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

/** Most calls whose slots fall in any window of `windowMs`. */
function busiestWindow(slots: number[], windowMs: number): number {
  const sorted = [...slots].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= windowMs) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe.each(storeBackends())('the shared Slack budget on $name', (backend) => {
  let place: StorePlace;
  let a: Store;
  let b: Store;
  // A fresh place per test: the budget's clocks are not among the rows a shared place resets.
  beforeEach(async () => {
    ({ place, a, b } = await replicaPair(backend));
  });
  afterEach(() => place.dispose());

  it('two replicas booking at once never get more than the tier in any minute', async () => {
    const slots: number[] = [];
    // Each replica asks 60 times over two minutes, both at the same moments.
    for (let i = 0; i < 60; i += 1) {
      const now = at(i * 2_000);
      const answers = await Promise.all(
        [a, b].map((s) => s.book({ keys: [UPDATE], now, maxAheadMs: 1_500, priority: 'routine' })),
      );
      for (const answer of answers) if (answer.granted) slots.push(now.getTime() + answer.waitMs);
    }
    expect(busiestWindow(slots, 60_000)).toBeLessThanOrEqual(43);
    // Both together used what there was: the tier, not half of it.
    expect(slots.length).toBeGreaterThanOrEqual(78);
  });

  it('urgent calls book further ahead; routine ones are refused first and sent back one interval apart', async () => {
    const now = at(0);
    const urgent: Booking[] = [];
    for (let i = 0; i < 5; i += 1)
      urgent.push(await a.book({ keys: [UPDATE], now, maxAheadMs: 4_000, priority: 'urgent' }));
    expect(urgent.every((u) => u.granted)).toBe(true);
    const routine = [
      await b.book({ keys: [UPDATE], now, maxAheadMs: 1_500, priority: 'routine' }),
      await b.book({ keys: [UPDATE], now, maxAheadMs: 1_500, priority: 'routine' }),
    ];
    expect(routine.map((r) => r.granted)).toEqual([false, false]);
    const [first, second] = routine.map((r) => (r.granted ? 0 : r.retryInMs));
    expect((second ?? 0) - (first ?? 0)).toBeCloseTo(UPDATE.intervalMs, -1);
  });

  it('a channel and the workspace are booked for the same moment; a pause holds every replica', async () => {
    const channel: BudgetKey = { key: 'chat.postMessage C1', intervalMs: 1_000, burst: 1 };
    const workspace: BudgetKey = { key: 'chat.postMessage', intervalMs: 100, burst: 1 };
    const keys = [workspace, channel];
    expect(await a.book({ keys, now: at(0), maxAheadMs: 0, priority: 'urgent' })).toEqual({
      granted: true,
      waitMs: 0,
    });
    expect(await b.book({ keys, now: at(0), maxAheadMs: 2_000, priority: 'urgent' })).toEqual({
      granted: true,
      waitMs: 1_000,
    });
    await a.pauseBudget(workspace, at(30_000));
    const paused = await b.book({
      keys: [workspace, { ...channel, key: 'chat.postMessage C2' }],
      now: at(0),
      maxAheadMs: 2_000,
      priority: 'urgent',
    });
    expect(paused.granted).toBe(false);
  });
});
