import type { Kysely, Migration } from 'kysely';

/**
 * `runs.lease_token`: the fencing token of a run's lease, raised by every claim and required by every write
 * made under the lease, so a claim that stalled and was superseded writes nothing. Existing runs start at 0.
 */
export function leaseTokens(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('runs')
        .addColumn('lease_token', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
