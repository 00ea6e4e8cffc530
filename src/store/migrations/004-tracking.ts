import { sql, type Kysely, type Migration } from 'kysely';

/**
 * What makes thread posts recoverable and Slack trouble visible:
 * - `attempted_at` (transitions) and `parent_attempted_at` (runs): set just before a post goes to Slack, so
 *   after a crash the next attempt looks in Slack for it (message metadata) instead of posting it twice;
 * - `parent_seq` / `parent_edited_at`: the transition the parent's status line shows and when it was last
 *   edited, so edits are coalesced through the store and the final state is never lost;
 * - `notify_after` / `notify_problem`: when Slack refused or rate-limited a post, the next try and the
 *   problem people (the Home tab) can see.
 */
export function tracking(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('transitions').addColumn('attempted_at', 'bigint').execute();
      for (const [name, type] of [
        ['parent_attempted_at', 'bigint'],
        ['parent_edited_at', 'bigint'],
        ['notify_after', 'bigint'],
        ['notify_problem', 'text'],
      ] as const) {
        await db.schema.alterTable('runs').addColumn(name, type).execute();
      }
      await db.schema
        .alterTable('runs')
        .addColumn('parent_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Runs posted before this migration show what was posted last.
      await sql`update runs set parent_seq = notified_seq`.execute(db);
    },
  };
}
