import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, SqliteDialect, sql, type SqliteDatabase, type SqliteStatement } from 'kysely';
import Database from 'libsql';
import { Pool, types, type CustomTypesConfig } from 'pg';
import type { Log } from '../core/kit/log';
import type { Engine } from './engine';
import type { Database as Tables } from './schema';
import { CurrentSchemaPostgresDialect } from './schema-introspector';

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
  // libsql is synchronous: with FULL every commit waits for an fsync of the WAL on the event loop (about
  // 5 ms on a busy disk, and the tracker commits several times per run step), holding up every ack and
  // poll behind it. In WAL mode NORMAL syncs at checkpoints instead: a commit still survives the process
  // crashing or being killed; only a power loss or OS crash may roll back the last few commits.
  file.pragma('synchronous = NORMAL');
  file.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  file.pragma('foreign_keys = ON');
  return {
    db: new Kysely<Tables>({ dialect: new SqliteDialect({ database: reusingStatements(file) }) }),
    engine: 'sqlite',
  };
}

/** Distinct SQL texts kept prepared; the store has a few dozen queries, some in a few shapes. */
const PREPARED_STATEMENTS = 256;

/**
 * Kysely prepares every query anew. libsql compiles it each time and frees the native statement only when
 * the garbage collector gets to it, so a busy tracker spent its time compiling SQL and held native memory
 * the heap figures never show. The statements are kept by their SQL text instead (least recently used go
 * first); Kysely runs one query at a time on this connection, so a statement is never used by two at once.
 */
function reusingStatements(file: Database.Database): SqliteDatabase {
  const prepared = new Map<string, SqliteStatement>();
  return {
    close: () => file.close(),
    prepare(text: string): SqliteStatement {
      const known = prepared.get(text);
      prepared.delete(text);
      const statement = known ?? file.prepare(text);
      prepared.set(text, statement);
      const oldest = prepared.keys().next().value;
      if (prepared.size > PREPARED_STATEMENTS && oldest !== undefined) prepared.delete(oldest);
      return statement;
    },
  };
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
  const db = new Kysely<Tables>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
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
