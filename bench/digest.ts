import { randomUUID } from 'node:crypto';
import Database from 'libsql';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Benchmark, BenchReport, Verdict } from './benchmark';
import { envCount } from './benchmark';
import { composeDigest } from '../src/core/digest/compose';
import type { RunState } from '../src/core/runs/lifecycle';
import { digestMessages } from '../src/slack/ui/digest';
import type { Store } from '../src/core/store';
import { openStore } from '../src/store';
import { median, percentile } from './support/stats';
import { formatTable } from './support/table';
import { answers, BenchSchema, benchDatabaseUrl } from './support/postgres';

const TARGET_MS = 300;
const CHANNEL = 'C0BENCH';
const DAY = 86_400_000;
const SYSTEMS = [
  { system: 'itential', operationId: 'itential.start' },
  { system: 'iacm', operationId: 'iacm.run' },
  { system: 'zitadel', operationId: 'zitadel.set-execution' },
] as const;
const OUTCOMES: RunState[] = [
  'succeeded',
  'succeeded',
  'succeeded',
  'succeeded',
  'succeeded',
  'succeeded',
  'succeeded',
  'failed',
  'canceled',
  'running',
  'waiting',
];

const COLUMNS = [
  'id',
  'idempotency_key',
  'operation_id',
  'system',
  'channel_id',
  'requester_id',
  'input',
  'facts',
  'state',
  'problem',
  'created_at',
  'updated_at',
  'started_at',
  'finished_at',
] as const;
type Row = (string | number | null)[];

/**
 * 100,000 runs over 30 days (most in one channel, the rest spread over others; runs still going only
 * among the last two hours, as in life), in COLUMNS order.
 */
function* benchRuns(count: number, now: number): Generator<Row> {
  for (let i = 0; i < count; i += 1) {
    const kind = SYSTEMS[i % SYSTEMS.length] ?? SYSTEMS[0];
    const age = Math.floor((((i * 7919) % count) / count) * 30 * DAY);
    const createdAt = now - age;
    const outcome = OUTCOMES[i % OUTCOMES.length] ?? 'succeeded';
    const state: RunState =
      age > 2 * 3_600_000 && (outcome === 'running' || outcome === 'waiting') ? 'succeeded' : outcome;
    const final = state !== 'running' && state !== 'waiting';
    const id = randomUUID();
    yield [
      id,
      `bench:${id}`,
      kind.operationId,
      kind.system,
      i % 10 === 0 ? `C0OTHER${i % 7}` : CHANNEL,
      `U0USER${i % 40}`,
      '{}',
      JSON.stringify([{ label: 'Workflow', value: `workflow-${i % 25}` }]),
      state,
      state === 'failed'
        ? JSON.stringify({ title: 'Itential: job failed', message: `task ${i % 9} failed: adapter timeout` })
        : null,
      createdAt,
      createdAt,
      createdAt,
      final ? createdAt + ((i % 50) + 1) * 60_000 : null,
    ];
  }
}

/** Where the runs are stored and how they get there: straight into the tables, after the store migrated them. */
interface BenchStore {
  name: string;
  open(): Promise<Store>;
  seed(count: number, now: number): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Seeding through the port costs two durable commits a run (~3 minutes here) and is not what is measured:
 * one transaction writes the embedded store's file directly.
 */
function sqliteStore(workDir: string): BenchStore {
  const dataDir = join(workDir, 'digest-store');
  return {
    name: 'SQLite',
    open: () => openStore({ dataDir }),
    async seed(count, now) {
      const db = new Database(join(dataDir, 'flightdeck.db'));
      const insert = db.prepare(
        `insert into runs (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
      );
      db.transaction(() => {
        for (const row of benchRuns(count, now)) insert.run(...row);
      })();
      db.close();
      return Promise.resolve();
    },
    dispose: () => Promise.resolve(),
  };
}

/**
 * A schema of its own on the local test server (or BENCH_DATABASE_URL), filled by multi-row inserts and
 * then vacuumed and analysed, as autovacuum would have done long before a table held 100,000 runs.
 */
function postgresStore(url: string, workDir: string): BenchStore {
  const schema = new BenchSchema(url);
  return {
    name: 'PostgreSQL',
    open: () => openStore({ databaseUrl: url, schema: schema.name, dataDir: workDir }),
    seed: (count, now) =>
      schema.sql(async (client) => {
        let batch: Row[] = [];
        const flush = async () => {
          const values = batch.map(
            (_, r) => `(${COLUMNS.map((_c, c) => `$${String(r * COLUMNS.length + c + 1)}`).join(', ')})`,
          );
          await client.query(
            `insert into runs (${COLUMNS.join(', ')}) values ${values.join(', ')}`,
            batch.flat(),
          );
          batch = [];
        };
        for (const row of benchRuns(count, now)) {
          batch.push(row);
          if (batch.length === 1_000) await flush();
        }
        if (batch.length > 0) await flush();
        await client.query('vacuum analyze runs');
      }),
    dispose: () => schema.drop(),
  };
}

const WINDOWS = [
  ['last 24 hours', DAY],
  ['last 7 days', 7 * DAY],
] as const;

/** Seeds one store, then composes (reads and summarises) and renders each window `repeats` times. */
async function measure(
  bench: BenchStore,
  count: number,
  repeats: number,
): Promise<{ line: string; rows: string[][]; verdicts: Verdict[] }> {
  const now = Date.now();
  await (await bench.open()).close();
  const seedStarted = performance.now();
  await bench.seed(count, now);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const store = await bench.open();
  const names = { system: (id: string) => id, operation: (id: string) => id };
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  try {
    for (const [label, spanMs] of WINDOWS) {
      const reads: number[] = [];
      const totals: number[] = [];
      const cpu: number[] = [];
      let runs = 0;
      let messages = 0;
      for (let i = 0; i < repeats; i += 1) {
        const started = performance.now();
        const cpuStarted = process.cpuUsage();
        const summary = await composeDigest(
          store,
          {
            channelId: CHANNEL,
            filters: { failuresOnly: false },
            window: { start: new Date(now - spanMs), end: new Date(now) },
          },
          new Date(now),
        );
        const read = performance.now();
        const out = digestMessages(
          { channelId: CHANNEL, timeZone: 'Europe/Berlin', summary, skipped: 0 },
          names,
          new Map(),
        );
        reads.push(read - started);
        totals.push(performance.now() - started);
        const used = process.cpuUsage(cpuStarted);
        cpu.push((used.user + used.system) / 1000);
        runs = summary.total;
        messages = out.length;
      }
      const read = median([...reads].sort((a, b) => a - b));
      const sorted = [...totals].sort((a, b) => a - b);
      rows.push([
        bench.name,
        label,
        String(runs),
        String(messages),
        read.toFixed(1),
        median([...cpu].sort((a, b) => a - b)).toFixed(1),
        median(sorted).toFixed(1),
        percentile(sorted, 100).toFixed(1),
      ]);
      verdicts.push({
        label: `digest on ${bench.name}, ${label} (${runs} runs), median`,
        value: `${median(sorted).toFixed(1)} ms`,
        target: `≤ ${TARGET_MS} ms`,
        pass: median(sorted) <= TARGET_MS,
      });
    }
  } finally {
    await store.close();
  }
  return { line: `${bench.name}: ${count} runs seeded in ${seedSeconds.toFixed(1)} s`, rows, verdicts };
}

export const digestBenchmark: Benchmark = {
  name: 'digest',
  title: 'digest over 100,000 stored runs (embedded store and PostgreSQL)',
  async run({ workDir }): Promise<BenchReport> {
    const count = envCount('BENCH_DIGEST_RUNS', 100_000);
    const repeats = envCount('BENCH_DIGEST_REPEATS', 7);
    const url = benchDatabaseUrl();
    const stores = [sqliteStore(workDir)];
    const lines: string[] = [];
    if (await answers(url)) stores.push(postgresStore(url, workDir));
    else lines.push('PostgreSQL: not measured, no server answers (set BENCH_DATABASE_URL).');
    const rows: string[][] = [];
    const verdicts: Verdict[] = [];
    for (const bench of stores) {
      try {
        const result = await measure(bench, count, repeats);
        lines.push(result.line);
        rows.push(...result.rows);
        verdicts.push(...result.verdicts);
      } finally {
        await bench.dispose();
      }
    }
    return {
      lines: [
        ...lines,
        `${repeats} digests per window, each read from the store and summarised (read), then rendered to Block Kit (total):`,
        "cpu ms: this process's CPU time for a whole digest (the PostgreSQL server's not included): about what the wall-clock median comes to on an idle machine.",
        formatTable(
          ['store', 'window', 'runs in window', 'messages', 'read ms', 'cpu ms', 'median ms', 'max ms'],
          rows,
        ),
      ],
      verdicts,
      failures: [],
    };
  },
};
