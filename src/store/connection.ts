import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import Database from 'libsql';
import { Pool, types, type CustomTypesConfig } from 'pg';
import type { Log } from '../core/kit/log';
import type { Engine } from './engine';
import type { Database as Tables } from './schema';

export interface ConnectionOptions {
  databaseUrl?: string;
  dataDir: string;
  schema?: string;
  log: Log;
}

export interface Connection {
  db: Kysely<Tables>;
  engine: Engine;
  /** Where the migration bookkeeping lives (PostgreSQL); the store's tables follow the search path. */
  migrationSchema?: string;
}

export const SQLITE_FILE = 'flightdeck.db';
const BUSY_TIMEOUT_MS = 5000;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Times are stored as int8 milliseconds; read them as numbers, and refuse rather than round a huge one. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`stored integer ${text} is beyond the safe range`);
  return value;
}

// Scoped to this pool, so other pg users in the process keep pg's defaults.
const pgTypes: CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === types.builtins.INT8 && format !== 'binary' ? parseInt8 : types.getTypeParser(oid, format),
};

export async function connect(opts: ConnectionOptions): Promise<Connection> {
  return opts.databaseUrl ? connectPostgres(opts.databaseUrl, opts) : connectSqlite(opts.dataDir);
}

function connectSqlite(dataDir: string): Connection {
  mkdirSync(dataDir, { recursive: true });
  const file = new Database(join(dataDir, SQLITE_FILE));
  file.pragma('journal_mode = WAL');
  file.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  file.pragma('foreign_keys = ON');
  return { db: new Kysely<Tables>({ dialect: new SqliteDialect({ database: file }) }), engine: 'sqlite' };
}

async function connectPostgres(databaseUrl: string, opts: ConnectionOptions): Promise<Connection> {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
    throw new Error(`invalid PostgreSQL schema name "${opts.schema}"`);
  }
  const pool = new Pool({
    connectionString: databaseUrl,
    types: pgTypes,
    // A schema that does not exist yet is fine here: the migrator creates it, and lookups follow at once.
    options: opts.schema === undefined ? undefined : `-c search_path=${opts.schema}`,
  });
  // An idle connection that drops must not take the process down; the next query reconnects.
  pool.on('error', (err) => opts.log.warn({ err: err.message }, 'idle PostgreSQL connection failed'));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  try {
    const migrationSchema = opts.schema ?? (await currentSchema(db));
    return { db, engine: 'postgres', migrationSchema };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

async function currentSchema(db: Kysely<Tables>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema)
    throw new Error('PostgreSQL has no current schema: check the search_path of the database user');
  return schema;
}
