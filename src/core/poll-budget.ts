import { KeyedPacer, type Slot } from './pacing';

export interface PollBudgetSettings {
  /** Polls per second each upstream system may get from this process. */
  perSecond: number;
  /** Budgets of particular systems, by system id. */
  bySystem: Record<string, number>;
  /** How long a poll may wait for its slot; past that the run is put back until its slot comes. */
  maxWaitMs: number;
}

export const DEFAULT_POLL_BUDGET: PollBudgetSettings = { perSecond: 10, bySystem: {}, maxWaitMs: 1_000 };

/**
 * Keeps this process's status polls of each upstream system within its budget. A second's worth may go
 * at once (after a quiet spell); beyond that polls are spaced evenly.
 */
export class PollBudget {
  private readonly pacer: KeyedPacer;

  constructor(
    private readonly settings: PollBudgetSettings,
    now?: () => number,
  ) {
    this.pacer = new KeyedPacer((system) => {
      const perSecond = settings.bySystem[system] ?? settings.perSecond;
      return { perSecond, burst: Math.max(1, Math.floor(perSecond)) };
    }, now);
  }

  /** A slot to poll `system`: wait `waitMs` then poll, or put the run back for `retryInMs`. */
  slot(system: string): Slot {
    return this.pacer.reserve(system, this.settings.maxWaitMs);
  }
}
