import type { BudgetStore } from '../../../src/core/runs/budget-store';
import { DEFAULT_SLACK_BUDGET, SlackBudget } from '../../../src/slack/slack-budget';
import { memoryBudgetStore } from './memory-budget';
import { NotifyError } from '../../../src/core/errors';

const UPDATE = 'chat.update';

/** The budget on a clock of the test's: waiting for a slot moves the clock. */
function budget() {
  let now = Date.parse('2026-11-24T10:00:00Z');
  const inner = memoryBudgetStore();
  const asked = { book: 0 };
  const store: BudgetStore = {
    book: (request) => {
      asked.book += 1;
      return inner.book(request);
    },
    pauseBudget: (key, until) => inner.pauseBudget(key, until),
  };
  const clock = { now: () => new Date(now) };
  const slack = new SlackBudget(
    store,
    clock,
    {
      ...DEFAULT_SLACK_BUDGET,
      workspace: { [UPDATE]: { perMinute: 60, burst: 1 } },
      aheadMs: { urgent: 0, routine: 0 },
    },
    async (ms) => {
      now += ms;
    },
  );
  const spend = () =>
    slack
      .spend(UPDATE, 'C1', 'routine', async () => 'sent')
      .catch((err: unknown) => {
        if (err instanceof NotifyError && err.retryAfterMs !== undefined) return err.retryAfterMs;
        throw err;
      });
  return { slack, asked, spend, advance: (ms: number) => (now += ms) };
}

describe('SlackBudget in one process', () => {
  it('refuses by itself what the store just refused, until there can be room, each refused call one interval later', async () => {
    const { asked, spend, advance } = budget();
    expect(await spend()).toBe('sent');
    const first = await spend();
    expect(asked.book).toBe(2);
    const later = [await spend(), await spend()];
    expect(asked.book).toBe(2);
    expect(later).toEqual([Number(first) + 1_000, Number(first) + 2_000]);
    advance(1_000);
    expect(await spend()).toBe('sent');
    expect(asked.book).toBe(3);
  });

  it('after a 429 refuses the method by itself for the Retry-After', async () => {
    const { slack, asked, spend, advance } = budget();
    await slack.pause(UPDATE, 'C1', 30_000);
    expect(await spend()).toBeGreaterThanOrEqual(30_000);
    expect(asked.book).toBe(0);
    advance(30_000);
    expect(await spend()).toBe('sent');
  });
});
