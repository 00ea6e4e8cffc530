import type { Kysely, Migration } from 'kysely';

/**
 * People whose App Home must be republished (core/direct/home-mark-store.ts), so that a change recorded just
 * before a restart still reaches their Home: `version` counts the changes (a publish clears the mark only if
 * no change came after the Home it built), and `claimed_by` / `claim_until` let one replica publish it.
 */
export function homeMarks(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('home_marks')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('marked_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('claim_until', 'bigint')
        .execute();
    },
  };
}
