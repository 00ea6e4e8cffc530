import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

/** The server benchmarks measure PostgreSQL on: BENCH_DATABASE_URL, the tests' server, or the local one. */
export function benchDatabaseUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? LOCAL_POSTGRES;
}

/** Whether a PostgreSQL server answers at `url`. */
export async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema of a benchmark's own on the server at `url`, dropped with everything in it afterwards. */
export class BenchSchema {
  readonly name = `bench_${randomBytes(6).toString('hex')}`;

  constructor(readonly url: string) {}

  /** Runs `work` on a connection whose search_path is this schema. */
  async sql<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.url, options: `-c search_path=${this.name}` });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  async create(): Promise<void> {
    await this.sql((client) => client.query(`create schema ${this.name}`));
  }

  /** `url` with this schema as the search_path, for a process that only takes DATABASE_URL. */
  databaseUrl(): string {
    const url = new URL(this.url);
    url.searchParams.set('options', `-c search_path=${this.name}`);
    return url.toString();
  }

  async drop(): Promise<void> {
    await this.sql((client) => client.query(`drop schema if exists ${this.name} cascade`));
  }
}
