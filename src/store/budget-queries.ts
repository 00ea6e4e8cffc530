import { sql, type Kysely, type Transaction } from 'kysely';
import {
  clocksOf,
  pausedClock,
  planBooking,
  type Booking,
  type BookingRequest,
  type BudgetClocks,
  type BudgetKey,
  type BudgetStore,
} from '../core/runs/budget-store';
import type { Engine } from './engine';
import type { Database } from './schema';

/**
 * The shared Slack budget in one table. A booking is one transaction: the rows of its clocks are created
 * if missing, locked (PostgreSQL: FOR UPDATE, in key order so two bookings never deadlock; SQLite: the
 * single writer is the lock), read, and moved. One small transaction per Web API call.
 */
export class BudgetQueries implements BudgetStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  book(request: BookingRequest): Promise<Booking> {
    const names = clocksOf(request);
    return this.inTransaction(async (trx) => {
      const clocks = await this.lockClocks(trx, names, request.now.getTime());
      const { booking, updates } = planBooking(request, clocks);
      await this.write(trx, updates);
      return booking;
    });
  }

  pauseBudget(key: BudgetKey, until: Date): Promise<void> {
    return this.inTransaction(async (trx) => {
      const clocks = await this.lockClocks(trx, [key.key], 0);
      await this.write(trx, new Map([[key.key, pausedClock(key, clocks.get(key.key), until)]]));
    });
  }

  private inTransaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** Rows that did not exist start at `initial` (a bucket never used is full). */
  private async lockClocks(
    trx: Transaction<Database>,
    names: string[],
    initial: number,
  ): Promise<BudgetClocks> {
    await trx
      .insertInto('slack_budget')
      .values(names.map((key) => ({ key, at: initial })))
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const query = trx
      .selectFrom('slack_budget')
      .select(['key', 'at'])
      .where('key', 'in', names)
      .orderBy('key');
    const rows = await (this.engine === 'postgres' ? query.forUpdate() : query).execute();
    return new Map(rows.map((r) => [r.key, Number(r.at)]));
  }

  private async write(trx: Transaction<Database>, updates: BudgetClocks): Promise<void> {
    for (const [key, at] of updates) {
      await trx
        .updateTable('slack_budget')
        .set({ at: sql<number>`${Math.round(at)}` })
        .where('key', '=', key)
        .execute();
    }
  }
}
