/** How often something may happen per key: `perSecond` on average, `burst` at once after a quiet spell. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** The slot a caller got: go after `waitMs`; or none within its patience, ask again in `retryInMs`. */
export type Slot = { granted: true; waitMs: number } | { granted: false; retryInMs: number };

interface KeyState {
  /** When the bucket is empty again (GCRA's "theoretical arrival time"), in ms. */
  emptyAt: number;
  /** A server asked us to stop until then (429 Retry-After), in ms. */
  pausedUntil: number;
}

/** Keys idle longer than this are forgotten; their next slot is free anyway. */
const SWEEP_AT_SIZE = 4096;

/**
 * Paces work per key (a Slack channel, an upstream system): a token bucket per key, kept as one
 * timestamp (GCRA), plus pauses a server asked for. It only books slots; callers do the waiting, so
 * nothing here holds a timer, and a key that is paused or busy never delays another key.
 */
export class KeyedPacer {
  private readonly keys = new Map<string, KeyState>();

  /** `rate(key)` undefined: no pacing for that key, only pauses. */
  constructor(
    private readonly rate: (key: string) => Rate | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Books the next slot for `key` if it comes within `maxWaitMs`; otherwise books nothing. */
  reserve(key: string, maxWaitMs: number): Slot {
    const now = this.now();
    const state = this.keys.get(key) ?? { emptyAt: now, pausedUntil: 0 };
    const rate = this.rate(key);
    const interval = rate ? 1000 / rate.perSecond : 0;
    const tolerance = rate ? (Math.max(1, rate.burst) - 1) * interval : 0;
    const at = Math.max(now, state.emptyAt - tolerance, state.pausedUntil);
    if (at - now > maxWaitMs) return { granted: false, retryInMs: Math.ceil(at - now) };
    this.keys.set(key, { ...state, emptyAt: Math.max(state.emptyAt, at) + interval });
    this.sweep(now);
    return { granted: true, waitMs: Math.ceil(at - now) };
  }

  /** Nothing goes for `key` during the next `ms` (a 429's Retry-After). */
  pause(key: string, ms: number): void {
    const now = this.now();
    const state = this.keys.get(key) ?? { emptyAt: now, pausedUntil: 0 };
    this.keys.set(key, { ...state, pausedUntil: Math.max(state.pausedUntil, now + ms) });
  }

  /** How long `key` is still paused, in ms (0 when it is not). */
  pausedFor(key: string): number {
    return Math.max(0, (this.keys.get(key)?.pausedUntil ?? 0) - this.now());
  }

  private sweep(now: number): void {
    if (this.keys.size < SWEEP_AT_SIZE) return;
    for (const [key, state] of this.keys) {
      if (state.emptyAt <= now && state.pausedUntil <= now) this.keys.delete(key);
    }
  }
}

export const sleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
