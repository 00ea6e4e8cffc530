import { Migrator } from 'kysely';
import type { Log } from '../core/kit/log';
import type { Connection } from './connection';
import { migrations } from './migrations';

/**
 * Applies pending migrations. On PostgreSQL, Kysely's migrator holds an advisory lock around one
 * transaction, so processes starting together apply each migration once; on SQLite the transaction's
 * write lock does the same. Bookkeeping tables carry our own names so another Kysely user of the same
 * database cannot mistake them for theirs.
 */
export async function migrate({ db, engine, migrationSchema }: Connection, log: Log): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrations(engine),
    migrationTableName: 'flightdeck_migration',
    migrationLockTableName: 'flightdeck_migration_lock',
    migrationTableSchema: migrationSchema,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const result of results) {
    if (result.status === 'Success')
      log.info({ migration: result.migrationName }, 'applied database migration');
  }
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed ?? 'setup'} failed: ${reason}`, { cause: error });
  }
}
