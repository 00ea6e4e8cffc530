import { systemClock, type Clock } from '../core/kit/clock';
import { silentLog, type Log } from '../core/kit/log';
import { connect } from './connection';
import type { Store } from '../core/store';
import { SqlStore } from './sql-store';

export interface OpenStoreOptions {
  /** `postgres://…`: PostgreSQL, for one or more replicas. Unset: a SQLite file in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL only: keep every table in this schema (created if missing). Tests isolate themselves with it. */
  schema?: string;
  log?: Log;
  /** Stamps `updatedAt`. */
  clock?: Clock;
}

/** Connects, applies pending migrations, and returns the store ready for use. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const log = (opts.log ?? silentLog).child({ component: 'store' });
  const connection = await connect({ ...opts, log });
  const store = new SqlStore(connection, opts.clock ?? systemClock, log);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  log.info({ engine: connection.engine }, 'store ready');
  return store;
}
