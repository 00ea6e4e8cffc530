import type { Kysely, Migration } from 'kysely';

/**
 * The Slack rate budget every replica shares (core/runs/budget-store.ts): one row per clock, a key's
 * GCRA timestamp or the tail of its refused calls, in integer milliseconds.
 */
export function slackBudget(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('slack_budget')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
