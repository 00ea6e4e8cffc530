/**
 * A rate budget shared by every process on one store: each key (a Web API method for the whole workspace,
 * or a method in one channel) is a token bucket kept as one timestamp, GCRA's "theoretical arrival time"
 * (`tat`): the bucket is empty until then. Booking a call is one transaction that reads and moves the
 * timestamps of its keys, so two replicas can never book the same slot.
 *
 * Callers book ahead: a granted call goes at `now + waitMs`. Priority is how far ahead a call may book:
 * urgent calls may queue behind more booked slots than routine ones, so under load the routine ones are
 * refused first, in every replica alike. A refused call gets a turn further on (`retryInMs`), spaced by
 * the key's interval behind the other refused calls of its priority, so they come back one at a time.
 */

/** How often one key may be used: one call per `intervalMs` on average, `burst` at once after a quiet spell. */
export interface BudgetRate {
  intervalMs: number;
  burst: number;
}

export interface BudgetKey extends BudgetRate {
  key: string;
}

export type BudgetPriority = 'urgent' | 'routine';

export interface BookingRequest {
  /** All must have room at the same moment; the call is booked on each of them. */
  keys: BudgetKey[];
  now: Date;
  /** How far past `now` the call's slot may be and still be booked. */
  maxAheadMs: number;
  priority: BudgetPriority;
}

/**
 * Refused: `retryInMs` is this call's place behind the other refused ones; `freeInMs` is how long no call
 * of these keys and priority can be granted at all (clocks only move forward), so a process may refuse
 * such calls itself until then without asking the store.
 */
export type Booking =
  { granted: true; waitMs: number } | { granted: false; retryInMs: number; freeInMs: number };

/** The clocks a booking reads and writes: each key's `tat`, and per key and priority the refused calls' tail. */
export type BudgetClocks = Map<string, number>;

export interface BudgetStore {
  book(request: BookingRequest): Promise<Booking>;
  /** Nothing goes on `key` before `until` (Slack answered 429 with Retry-After). */
  pauseBudget(key: BudgetKey, until: Date): Promise<void>;
}

export const tailKey = (key: string, priority: BudgetPriority) => `${key}#tail:${priority}`;

/** The clock names a booking of these keys reads. */
export function clocksOf(request: Pick<BookingRequest, 'keys' | 'priority'>): string[] {
  return request.keys.flatMap((k) => [k.key, tailKey(k.key, request.priority)]).sort();
}

const tolerance = (rate: BudgetRate) => (Math.max(1, rate.burst) - 1) * rate.intervalMs;

/**
 * The booking, and the clocks it moves (`updates`), given the clocks as stored (absent = never used). The
 * slot is the first moment every key has room; all keys are booked at that same moment, so a call that
 * waits for a busy channel does not spend workspace budget earlier than it is sent.
 */
export function planBooking(
  request: BookingRequest,
  clocks: BudgetClocks,
): { booking: Booking; updates: BudgetClocks } {
  const now = request.now.getTime();
  const slot = Math.max(now, ...request.keys.map((k) => (clocks.get(k.key) ?? now) - tolerance(k)));
  const updates: BudgetClocks = new Map();
  if (slot - now <= request.maxAheadMs) {
    for (const k of request.keys) updates.set(k.key, Math.max(clocks.get(k.key) ?? now, slot) + k.intervalMs);
    return { booking: { granted: true, waitMs: slot - now }, updates };
  }
  // Refused: take the next place behind the other refused calls of this priority, on the slowest key.
  let turn = slot - request.maxAheadMs;
  for (const k of request.keys) {
    const name = tailKey(k.key, request.priority);
    const tail = Math.max(clocks.get(name) ?? now, turn) + k.intervalMs;
    updates.set(name, tail);
    turn = Math.max(turn, tail);
  }
  return {
    booking: {
      granted: false,
      retryInMs: Math.ceil(turn - now),
      freeInMs: Math.floor(slot - request.maxAheadMs - now),
    },
    updates,
  };
}

/** The key's clock after a pause until `until`: its next slot is no earlier. */
export function pausedClock(key: BudgetKey, stored: number | undefined, until: Date): number {
  return Math.max(stored ?? 0, until.getTime() + tolerance(key));
}
