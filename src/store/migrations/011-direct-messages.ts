import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Direct messages, delivered like thread replies (core/direct):
 * - `runs.dm_seq`: the last transition whose direct messages are all delivered. Runs that exist before this
 *   migration are caught up, so nobody is told about what happened before DMs existed;
 * - `direct_messages`: one row per person told about one transition, with its IM channel, its ts once
 *   Slack took it, the attempt mark that makes a post recoverable after a crash, and the transition it must
 *   be edited to show (an approval request once decided);
 * - `notify_prefs`: a person's choice about DMs (`/ops notify off|on`); no row means DMs are on.
 */
export function directMessages(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('runs')
        .addColumn('dm_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update runs set dm_seq = seq`.execute(db);

      await db.schema
        .createTable('direct_messages')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('channel_id', 'text')
        .addColumn('ts', 'text')
        .addColumn('attempted_at', 'bigint')
        .addColumn('shown_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('update_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('direct_messages_pk', ['run_id', 'seq', 'user_id'])
        .execute();

      await db.schema
        .createTable('notify_prefs')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('direct_messages', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
