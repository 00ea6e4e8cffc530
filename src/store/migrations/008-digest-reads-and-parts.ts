import type { Kysely, Migration } from 'kysely';

/**
 * Digests resume an interrupted post without repeating a part: the part being posted is recorded first.
 *
 * A digest counts its window in the store (store/digest-queries.ts). Each way a run belongs to a window is
 * one index range, and these indexes carry every column the counts read, so counting 20,000 runs reads
 * index pages only instead of fetching each row. They replace the narrower indexes on the same leading
 * columns, which served the same ranges and now would only cost writes.
 */
export function digestReadsAndParts(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // The digest part whose post began and is not recorded as done (store/digest-queries.ts).
      await db.schema.alterTable('digest_windows').addColumn('attempted_part', 'integer').execute();
      await db.schema.dropIndex('runs_channel_created').execute();
      await db.schema
        .createIndex('runs_channel_created_cover')
        .on('runs')
        .columns(['channel_id', 'created_at', 'state', 'system', 'operation_id', 'requester_id'])
        .execute();
      await db.schema.dropIndex('runs_channel_finished').execute();
      await db.schema
        .createIndex('runs_channel_finished_cover')
        .on('runs')
        .columns(['channel_id', 'finished_at', 'created_at', 'state', 'system', 'operation_id'])
        .execute();
      // The durations a digest compares runs still going with.
      await db.schema.dropIndex('runs_operation_state_finished').execute();
      await db.schema
        .createIndex('runs_operation_state_finished_cover')
        .on('runs')
        .columns(['operation_id', 'state', 'finished_at', 'started_at', 'created_at'])
        .execute();
    },
  };
}
