import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../engine';

export function initial(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('operation_id', 'text', (c) => c.notNull())
        .addColumn('system', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('requester_id', 'text', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('facts', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('upstream_id', 'text')
        .addColumn('upstream_url', 'text')
        .addColumn('upstream_status', 'text')
        .addColumn('detail', 'text')
        .addColumn('progress', 'double precision')
        .addColumn('waiting_for', 'text')
        .addColumn('problem', 'text')
        .addColumn('memo', 'text')
        .addColumn('may_recover', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('notified_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('parent_ts', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addColumn('next_poll_at', 'bigint')
        .addColumn('poll_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('cancel_requested_by', 'text')
        .addColumn('cancel_requested_at', 'bigint')
        .execute();
      // claimDue looks only for runs whose next_poll_at has come: the engine sets it to "now" whenever a
      // transition still has to be posted, and later after a failed post, so a channel that refuses posts
      // is retried with backoff instead of on every tick.
      await db.schema
        .createIndex('runs_due')
        .on('runs')
        .column('next_poll_at')
        .where(sql<boolean>`next_poll_at is not null`)
        .execute();
      await db.schema.createIndex('runs_created').on('runs').columns(['created_at', 'id']).execute();
      await db.schema
        .createIndex('runs_channel_created')
        .on('runs')
        .columns(['channel_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('runs_requester_created')
        .on('runs')
        .columns(['requester_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('transitions')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('upstream_status', 'text')
        .addColumn('detail', 'text')
        .addColumn('progress', 'double precision')
        .addColumn('waiting_for', 'text')
        .addColumn('problem', 'text')
        .addColumn('actor_id', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('notified_ts', 'text')
        .addPrimaryKeyConstraint('transitions_pk', ['run_id', 'seq'])
        .execute();

      await db.schema
        .createTable('audit')
        .addColumn('id', engine === 'postgres' ? 'bigint' : 'integer', (c) =>
          engine === 'postgres'
            ? c.primaryKey().generatedByDefaultAsIdentity()
            : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('operation_id', 'text')
        .addColumn('run_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('rule', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_at').on('audit').columns(['at', 'id']).execute();
      await db.schema.createIndex('audit_actor_at').on('audit').columns(['actor_id', 'at']).execute();
    },
  };
}
