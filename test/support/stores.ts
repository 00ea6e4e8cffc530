import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { Client } from 'pg';
import { openStore, type OpenStoreOptions } from '../../src/store';
import { SQLITE_FILE } from '../../src/store/connection';
import type { Store } from '../../src/core/store';

/**
 * The databases a store suite runs against. SQLite always; PostgreSQL when TEST_DATABASE_URL is set or the
 * local test server answers. On CI (CI=true) a missing PostgreSQL fails the suite instead of thinning it.
 *
 *   describe.each(storeBackends())('on $name', (backend) => {
 *     let db: StoreFixture;
 *     beforeAll(async () => { db = await backend.open(); });
 *     beforeEach(() => db.reset());
 *     afterAll(() => db.dispose());
 *   });
 *
 * (or `open()` in beforeEach and `dispose()` in afterEach, for a new database per test: ~5x slower on PostgreSQL).
 */
export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, empty place for data (a temp dir, or a new PostgreSQL schema); nothing opened yet. */
  place(): Promise<StorePlace>;
  /** A fresh place with one migrated store open on it. */
  open(extra?: StoreExtras): Promise<StoreFixture>;
}

export type StoreExtras = Pick<OpenStoreOptions, 'log' | 'clock'>;

export interface StorePlace {
  /** What openStore gets for this place. */
  readonly options: OpenStoreOptions;
  /** Opens (and migrates) another store here, as a second replica or a restarted process would. */
  openStore(extra?: StoreExtras): Promise<Store>;
  /** Deletes every row but keeps the migrated tables: a cheap fresh start between tests sharing a place. */
  reset(): Promise<void>;
  /** Closes every store opened here, then deletes the data. */
  dispose(): Promise<void>;
}

export interface StoreFixture extends StorePlace {
  readonly store: Store;
}

/**
 * Two replicas on one fresh place: on PostgreSQL two stores with their own pools; SQLite serves one
 * process, through one handle, so both are the same store there.
 */
export async function replicaPair(backend: StoreBackend): Promise<{ place: StorePlace; a: Store; b: Store }> {
  const place = await backend.place();
  const a = await place.openStore();
  const b = backend.name === 'postgres' ? await place.openStore() : a;
  return { place, a, b };
}

export const LOCAL_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function storeBackends(): StoreBackend[] {
  const url = postgresTestUrl();
  const backends = [backend('sqlite', sqlitePlace)];
  if (url !== undefined) backends.push(postgres(url));
  return backends;
}

/** The PostgreSQL the suites use, or undefined when there is none and that is allowed. */
export function postgresTestUrl(): string | undefined {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured) return configured;
  if (answers(LOCAL_TEST_DATABASE_URL) || process.env.CI === 'true') return LOCAL_TEST_DATABASE_URL;
  return undefined;
}

function backend(name: StoreBackend['name'], newPlace: () => Promise<StorePlace>): StoreBackend {
  return {
    name,
    place: newPlace,
    async open(extra) {
      const fresh = await newPlace();
      try {
        return { ...fresh, store: await fresh.openStore(extra) };
      } catch (err) {
        await fresh.dispose();
        throw err;
      }
    },
  };
}

function postgres(url: string): StoreBackend {
  if (!answers(url)) {
    const failing = async (): Promise<never> => {
      throw new Error(
        `PostgreSQL at ${redact(url)} does not answer, and the store suites must run on it here (CI=true or ` +
          'TEST_DATABASE_URL set). Start it, or point TEST_DATABASE_URL at one.',
      );
    };
    return { name: 'postgres', place: failing, open: failing };
  }
  return backend('postgres', () => postgresPlace(url));
}

const DELETE_ALL_ROWS =
  'delete from home_marks; delete from direct_messages; delete from notify_prefs; delete from step_claims; delete from approval_votes; delete from approval_requests; delete from transitions; delete from runs; delete from audit; delete from once_keys; delete from store_surfaces;';

async function sqlitePlace(): Promise<StorePlace> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flightdeck-store-'));
  return place(
    { dataDir },
    {
      async run(statements) {
        const file = new Database(join(dataDir, SQLITE_FILE));
        try {
          file.pragma('busy_timeout = 5000');
          file.exec(statements);
        } finally {
          file.close();
        }
      },
      remove: async () => rmSync(dataDir, { recursive: true, force: true }),
    },
  );
}

async function postgresPlace(databaseUrl: string): Promise<StorePlace> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const run = async (statements: string) => {
    const client = new Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      await client.query(statements);
    } finally {
      await client.end();
    }
  };
  return place(
    { databaseUrl, schema, dataDir: tmpdir() },
    { run, remove: () => run(`drop schema if exists ${schema} cascade`) },
  );
}

interface RawAccess {
  run(statements: string): Promise<void>;
  remove(): Promise<void>;
}

function place(options: OpenStoreOptions, raw: RawAccess): StorePlace {
  const opened: Store[] = [];
  return {
    options,
    async openStore(extra) {
      const store = await openStore({ ...options, ...extra });
      opened.push(store);
      return store;
    },
    reset: () => raw.run(DELETE_ALL_ROWS),
    async dispose() {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await raw.remove();
    },
  };
}

const probed = new Map<string, boolean>();

/**
 * Whether PostgreSQL accepts a connection, asked synchronously because describe.each needs its list at once.
 * A refused connection answers at once; the bounds are for a server that is slow to answer on a busy machine,
 * which must not turn into "PostgreSQL does not answer" and fail every store suite.
 */
function answers(url: string): boolean {
  let result = probed.get(url);
  if (result === undefined) {
    const probe = `
      const { Client } = require(process.argv[1]);
      const client = new Client({ connectionString: process.argv[2], connectionTimeoutMillis: 15_000 });
      client.connect().then(() => client.query('select 1')).then(() => client.end())
        .then(() => process.exit(0), () => process.exit(1));`;
    const child = spawnSync(process.execPath, ['-e', probe, require.resolve('pg'), url], { timeout: 30_000 });
    result = child.status === 0;
    probed.set(url, result);
  }
  return result;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
