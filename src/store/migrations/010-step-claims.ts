import type { Kysely, Migration } from 'kysely';

/**
 * Claims on upstream human steps (a Harness approval, an Itential manual task) decided from Flightdeck.
 * The primary key (run_id, step_id) makes the first click the only one that reaches the upstream.
 */
export function stepClaims(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('step_claims')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('step_claims_pk', ['run_id', 'step_id'])
        .execute();
    },
  };
}
