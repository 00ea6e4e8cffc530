import type { Clock } from '../core/kit/clock';
import type { BudgetKey, BudgetPriority, BudgetRate, BudgetStore } from '../core/runs/budget-store';
import { PACED } from '../core/runs/notifier';
import { NotifyError } from '../core/errors';

/** A Web API tier: calls per minute for the whole workspace, and how many may go at once. */
export interface Tier {
  perMinute: number;
  burst: number;
}

export interface SlackBudgetSettings {
  /**
   * Per method, for the whole workspace and every replica together. Slack counts calls per minute
   * (api.slack.com/apis/rate-limits); a minute of bookings holds at most `burst + perMinute` calls, so for
   * Tier 3 (50) 40 + 3 = 43. The 7 spare are for calls that leave later than booked (a busy or paused
   * process sends a few late, next to the ones booked after them): with 46 + 3, two bots on a loaded
   * machine got 429s (test/fault/shared-budget.test.ts).
   */
  workspace: Record<string, Tier>;
  /** chat.postMessage in one channel: about one a second, short bursts allowed. */
  postsPerChannel: { perSecond: number; burst: number };
  /** How far ahead a call may book its slot: urgent ones (final states, approvals, errors) further. */
  aheadMs: Record<BudgetPriority, number>;
  /** Calls of one method that may wait in this process for their slot; more are handed back for later. */
  maxWaiting: number;
}

export const POST_MESSAGE = 'chat.postMessage';

export const DEFAULT_SLACK_BUDGET: SlackBudgetSettings = {
  workspace: {
    // Tier 3.
    'chat.update': { perMinute: 40, burst: 3 },
    'conversations.history': { perMinute: 40, burst: 3 },
    'conversations.replies': { perMinute: 40, burst: 3 },
    'conversations.open': { perMinute: 40, burst: 3 },
    // Tier 4.
    'views.publish': { perMinute: 84, burst: 6 },
    // chat.postMessage has a workspace-wide limit too, but Slack does not publish it: only the channel rate.
  },
  postsPerChannel: { perSecond: 1, burst: 3 },
  aheadMs: { urgent: 4_000, routine: 1_500 },
  maxWaiting: 1_000,
};

const rateOf = (tier: Tier): BudgetRate => ({ intervalMs: 60_000 / tier.perMinute, burst: tier.burst });

/**
 * The workspace's Web API budget as this process spends it: each call books a slot in the store, shared by
 * every replica, on its method (and, for posts, its channel), then waits here for it. The waiting calls are
 * the queue; it is bounded (`maxWaiting` per method, and by how far ahead a call may book), and its depth
 * per method is what `waiting()` reports.
 */
/** What this process learnt from a refusal: before `until` the store would refuse these calls too. */
interface NoRoom {
  until: number;
  /** The last turn handed out here, so calls refused here come back one interval apart. */
  tail: number;
  intervalMs: number;
}

/** Refusals remembered at most; past this, the ones already over are forgotten. */
const MAX_REMEMBERED = 1_000;

export class SlackBudget {
  private readonly waitingBy = new Map<string, number>();
  /**
   * By method, channel and priority. Thousands of runs asking for a channel's next post (or the next
   * status-line edit) would each cost a store transaction to be told "not yet"; they are told here.
   */
  private readonly noRoom = new Map<string, NoRoom>();

  constructor(
    private readonly store: BudgetStore,
    private readonly clock: Clock,
    private readonly settings: SlackBudgetSettings = DEFAULT_SLACK_BUDGET,
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
  ) {}

  /** Calls waiting for their slot, by method. */
  waiting(): Map<string, number> {
    return new Map(this.waitingBy);
  }

  /** Runs `work` in its turn; throws an unsent NotifyError (`paced`, with when to come back) when there is none. */
  async spend<T>(
    method: string,
    channel: string,
    priority: BudgetPriority,
    work: () => Promise<T>,
  ): Promise<T> {
    const waiting = this.waitingBy.get(method) ?? 0;
    if (waiting >= this.settings.maxWaiting) {
      throw paced(method, channel, this.settings.aheadMs[priority]);
    }
    const now = this.clock.now().getTime();
    const id = `${method} ${channel} ${priority}`;
    const known = this.noRoom.get(id);
    if (known && now < known.until) {
      known.tail = Math.max(known.tail, known.until) + known.intervalMs;
      throw paced(method, channel, known.tail - now);
    }
    this.noRoom.delete(id);
    this.waitingBy.set(method, waiting + 1);
    try {
      const keys = this.keys(method, channel);
      const booking = await this.store.book({
        keys,
        now: new Date(now),
        maxAheadMs: this.settings.aheadMs[priority],
        priority,
      });
      if (!booking.granted) {
        const intervalMs = Math.max(0, ...keys.map((k) => k.intervalMs));
        this.remember(id, { until: now + booking.freeInMs, tail: now + booking.retryInMs, intervalMs });
        throw paced(method, channel, booking.retryInMs);
      }
      await this.sleep(booking.waitMs);
    } finally {
      this.waitingBy.set(method, (this.waitingBy.get(method) ?? 1) - 1);
    }
    return work();
  }

  /** Slack answered 429: nobody, in any replica, calls `method` (in `channel`, for posts) before `retryAfterMs`. */
  async pause(method: string, channel: string, retryAfterMs: number): Promise<void> {
    const until = this.clock.now().getTime() + retryAfterMs;
    const keys = this.keys(method, channel);
    const intervalMs = Math.max(0, ...keys.map((k) => k.intervalMs));
    for (const priority of ['urgent', 'routine'] as const)
      this.remember(`${method} ${channel} ${priority}`, { until, tail: until, intervalMs });
    for (const key of keys) await this.store.pauseBudget(key, new Date(until));
  }

  private remember(id: string, noRoom: NoRoom): void {
    if (noRoom.until <= this.clock.now().getTime()) return;
    if (this.noRoom.size >= MAX_REMEMBERED) {
      const now = this.clock.now().getTime();
      for (const [key, known] of this.noRoom) if (known.until <= now) this.noRoom.delete(key);
    }
    if (this.noRoom.size < MAX_REMEMBERED) this.noRoom.set(id, noRoom);
  }

  private keys(method: string, channel: string): BudgetKey[] {
    const keys: BudgetKey[] = [];
    const tier = this.settings.workspace[method];
    if (tier) keys.push({ key: method, ...rateOf(tier) });
    if (method === POST_MESSAGE) {
      const { perSecond, burst } = this.settings.postsPerChannel;
      keys.push({ key: `${method} ${channel}`, intervalMs: 1_000 / perSecond, burst });
    }
    return keys;
  }
}

function paced(method: string, channel: string, retryInMs: number): NotifyError {
  return new NotifyError(`${method} in ${channel} waits its turn`, PACED, false, retryInMs, true);
}

const defaultSleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
