import { performance } from 'node:perf_hooks';
import { KeyedPacer, sleep, type Slot } from '../kit/pacing';

export interface PollBudgetSettings {
  /** Polls per second each upstream system may get from this process. */
  perSecond: number;
  /** Budgets of particular systems, by system id. */
  bySystem: Record<string, number>;
  /** How long a poll may wait for its turn; past that the run is put back until its turn comes. */
  maxWaitMs: number;
}

export const DEFAULT_POLL_BUDGET: PollBudgetSettings = { perSecond: 10, bySystem: {}, maxWaitMs: 1_000 };

export interface BudgetTiming {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * A second, plus a tenth: a busy process sends a poll some milliseconds after its turn, and those delays
 * differ, so turns are counted over a slightly longer window for the polls as sent to stay in budget.
 */
const WINDOW_MS = 1_100;

/**
 * Keeps this process's status polls of each upstream system within its budget. Turns are handed out
 * evenly spaced; and because a busy process wakes late and would then send its overdue polls together,
 * each poll also checks, just before it goes, that the last second holds fewer than the budget.
 */
export class PollBudget {
  private readonly pacer: KeyedPacer;
  /** When each system's polls of the last second went, oldest first. */
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly settings: PollBudgetSettings,
    // Monotonic and sub-millisecond: the window check must agree with itself to the microsecond.
    private readonly timing: BudgetTiming = { now: () => performance.now(), sleep },
  ) {
    this.pacer = new KeyedPacer((system) => ({ perSecond: this.perSecond(system), burst: 1 }), timing.now);
  }

  /** Waits for a turn to poll `system`; a turn further off than `maxWaitMs` is not taken: come back then. */
  async take(system: string): Promise<Slot> {
    const slot = this.pacer.reserve(system, this.settings.maxWaitMs);
    if (!slot.granted) return slot;
    await this.timing.sleep(slot.waitMs);
    await this.admit(system);
    return slot;
  }

  private perSecond(system: string): number {
    return this.settings.bySystem[system] ?? this.settings.perSecond;
  }

  private async admit(system: string): Promise<void> {
    const limit = Math.max(1, Math.floor(this.perSecond(system)));
    const sent = this.sent.get(system) ?? [];
    this.sent.set(system, sent);
    for (;;) {
      const now = this.timing.now();
      while (sent.length > 0 && (sent[0] ?? 0) <= now - WINDOW_MS) sent.shift();
      if (sent.length < limit) {
        sent.push(now);
        return;
      }
      await this.timing.sleep((sent[0] ?? now) + WINDOW_MS - now);
    }
  }
}
