import { randomUUID } from 'node:crypto';
import Database from 'libsql';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Benchmark, BenchReport } from './benchmark';
import { envCount } from './benchmark';
import { composeDigest } from '../src/core/digest/compose';
import type { RunState } from '../src/core/runs/lifecycle';
import { digestMessages } from '../src/slack/ui/digest';
import { openStore } from '../src/store';
import { median, percentile } from './support/stats';
import { formatTable } from './support/table';

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

/**
 * 100,000 runs over 30 days (most in one channel, the rest spread over others; runs still going only
 * among the last two hours, as in life), written in one transaction straight into the embedded store's
 * file after the store has migrated it: seeding through the port costs two durable commits a run
 * (~3 minutes here) and is not what is measured.
 */
function seed(file: string, count: number, now: number): void {
  const db = new Database(file);
  const insert = db.prepare(
    `insert into runs (id, idempotency_key, operation_id, system, channel_id, requester_id, input, facts, state,
       problem, created_at, updated_at, started_at, finished_at)
     values (?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const seedAll = db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const kind = SYSTEMS[i % SYSTEMS.length] ?? SYSTEMS[0];
      const age = Math.floor((((i * 7919) % count) / count) * 30 * DAY);
      const createdAt = now - age;
      const outcome = OUTCOMES[i % OUTCOMES.length] ?? 'succeeded';
      const state: RunState =
        age > 2 * 3_600_000 && (outcome === 'running' || outcome === 'waiting') ? 'succeeded' : outcome;
      const final = state !== 'running' && state !== 'waiting';
      const id = randomUUID();
      insert.run(
        id,
        `bench:${id}`,
        kind.operationId,
        kind.system,
        i % 10 === 0 ? `C0OTHER${i % 7}` : CHANNEL,
        `U0USER${i % 40}`,
        JSON.stringify([{ label: 'Workflow', value: `workflow-${i % 25}` }]),
        state,
        state === 'failed'
          ? JSON.stringify({
              title: 'Itential: job failed',
              message: `task ${i % 9} failed: adapter timeout`,
            })
          : null,
        createdAt,
        createdAt,
        createdAt,
        final ? createdAt + ((i % 50) + 1) * 60_000 : null,
      );
    }
  });
  seedAll();
  db.close();
}

export const digestBenchmark: Benchmark = {
  name: 'digest',
  title: 'digest over 100,000 stored runs (embedded store)',
  async run({ workDir }): Promise<BenchReport> {
    const count = envCount('BENCH_DIGEST_RUNS', 100_000);
    const repeats = envCount('BENCH_DIGEST_REPEATS', 7);
    const dataDir = join(workDir, 'digest-store');
    const now = Date.now();
    await (await openStore({ dataDir })).close();
    const seedStarted = performance.now();
    seed(join(dataDir, 'flightdeck.db'), count, now);
    const store = await openStore({ dataDir });
    try {
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      const names = { system: (id: string) => id, operation: (id: string) => id };
      const rows: string[][] = [];
      const verdicts = [];
      for (const [label, spanMs] of [
        ['last 24 hours', DAY],
        ['last 7 days', 7 * DAY],
      ] as const) {
        const times: number[] = [];
        let runs = 0;
        let messages = 0;
        for (let i = 0; i < repeats; i += 1) {
          const started = performance.now();
          const summary = await composeDigest(
            store,
            {
              channelId: CHANNEL,
              filters: { failuresOnly: false },
              window: { start: new Date(now - spanMs), end: new Date(now) },
            },
            new Date(now),
          );
          const out = digestMessages(
            { channelId: CHANNEL, timeZone: 'Europe/Berlin', summary, skipped: 0 },
            names,
            new Map(),
          );
          times.push(performance.now() - started);
          runs = summary.total;
          messages = out.length;
        }
        const sorted = [...times].sort((a, b) => a - b);
        rows.push([
          label,
          String(runs),
          String(messages),
          median(sorted).toFixed(1),
          percentile(sorted, 100).toFixed(1),
        ]);
        verdicts.push({
          label: `digest, ${label} (${runs} runs), median`,
          value: `${median(sorted).toFixed(1)} ms`,
          target: `≤ ${TARGET_MS} ms`,
          pass: median(sorted) <= TARGET_MS,
        });
      }
      return {
        lines: [
          `${count} runs seeded in ${seedSeconds.toFixed(1)} s; ${repeats} digests per window, each read from the store, summarised and rendered to Block Kit:`,
          formatTable(['window', 'runs in window', 'messages', 'median ms', 'max ms'], rows),
        ],
        verdicts,
        failures: [],
      };
    } finally {
      await store.close();
    }
  },
};
