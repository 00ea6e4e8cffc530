import type { Kysely, Migration } from 'kysely';

/**
 * Approval requests (one per run that waits for approval) and votes. The vote's primary key
 * (run_id, approver_id) makes a repeated click count once; the run's own state, moved by one conditional
 * UPDATE out of awaiting_approval, makes the decision happen once.
 */
export function approvals(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('approval_requests')
        .addColumn('run_id', 'text', (c) => c.primaryKey().references('runs.id'))
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('approvers', 'text', (c) => c.notNull())
        .addColumn('required', 'integer', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('message_ts', 'text')
        .addColumn('fingerprint', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('outcome', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'bigint')
        .execute();

      await db.schema
        .createTable('approval_votes')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
        .addColumn('approver_id', 'text', (c) => c.notNull())
        .addColumn('vote', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('approval_votes_pk', ['run_id', 'approver_id'])
        .execute();
    },
  };
}
