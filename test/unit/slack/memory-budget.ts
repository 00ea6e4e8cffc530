import {
  clocksOf,
  pausedClock,
  planBooking,
  type Booking,
  type BookingRequest,
  type BudgetKey,
  type BudgetStore,
} from '../../../src/core/runs/budget-store';

/** The store's budget without a database, for unit tests: the same planning, clocks kept in a map. */
export function memoryBudgetStore(): BudgetStore {
  const clocks = new Map<string, number>();
  return {
    book: async (request: BookingRequest): Promise<Booking> => {
      const read = new Map(
        clocksOf(request).flatMap((k) => (clocks.has(k) ? [[k, clocks.get(k) ?? 0]] : [])),
      );
      const { booking, updates } = planBooking(request, read);
      for (const [k, v] of updates) clocks.set(k, v);
      return booking;
    },
    pauseBudget: async (key: BudgetKey, until: Date) => {
      clocks.set(key.key, pausedClock(key, clocks.get(key.key), until));
    },
  };
}
