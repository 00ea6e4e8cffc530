import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Digest schedules and one row per schedule window. The window's primary key (schedule_id, window_end) is
 * what makes a digest post once across replicas: claiming a window is an insert that does nothing when the
 * row exists. `posted_at` / `failed_at` mark a settled window; an unsettled one whose lease ran out is taken
 * over by the next process that looks.
 */
export function digests(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('digest_schedules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('filters', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('digest_schedules_channel')
        .on('digest_schedules')
        .column('channel_id')
        .execute();
      await db.schema
        .createIndex('digest_schedules_creator')
        .on('digest_schedules')
        .column('created_by')
        .execute();

      await db.schema
        .createTable('digest_windows')
        .addColumn('schedule_id', 'text', (c) => c.notNull())
        .addColumn('window_end', 'bigint', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('claimed_by', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('parts_posted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('thread_ts', 'text')
        .addColumn('posted_at', 'bigint')
        .addColumn('failed_at', 'bigint')
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('digest_windows_pk', ['schedule_id', 'window_end'])
        .execute();
      await db.schema
        .createIndex('digest_windows_unsettled')
        .on('digest_windows')
        .column('lease_until')
        .where(sql<boolean>`posted_at is null and failed_at is null`)
        .execute();

      // A channel's digest reads the runs that finished in its window.
      await db.schema
        .createIndex('runs_channel_finished')
        .on('runs')
        .columns(['channel_id', 'finished_at'])
        .execute();
      // A digest's runs still going, and the typical durations it compares them with, are read by these.
      await db.schema
        .createIndex('runs_channel_state')
        .on('runs')
        .columns(['channel_id', 'state', 'created_at'])
        .execute();
      await db.schema
        .createIndex('runs_operation_state_finished')
        .on('runs')
        .columns(['operation_id', 'state', 'finished_at'])
        .execute();
    },
  };
}
