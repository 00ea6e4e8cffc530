import type { Kysely, Migration } from 'kysely';

/**
 * `rerun_of` (runs): the run a re-run was started from, indexed to find a run's re-runs. `retry_step`
 * (runs): JSON, the failed step a run that may recover offers to retry from its thread.
 */
export function rerunsAndRetries(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').addColumn('rerun_of', 'text').execute();
      await db.schema.alterTable('runs').addColumn('retry_step', 'text').execute();
      await db.schema.createIndex('runs_rerun_of').on('runs').column('rerun_of').execute();
    },
  };
}
