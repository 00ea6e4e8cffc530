import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { sql } from 'kysely';
import { systemClock } from '../src/core/kit/clock';
import { silentLog } from '../src/core/kit/log';
import { openStore } from '../src/store';
import { connect } from '../src/store/connection';
import { SqlStore } from '../src/store/sql-store';
import {
  acceleratedBudget,
  botStats,
  type BotStats,
  type EngineOverrides,
} from '../test/fault/support/bot-contract';
import { seedRuns, type SeedRun } from '../test/fault/support/seed-runs';
import { envCount, type Benchmark, type BenchReport } from './benchmark';
import { isFinal, RUN_STATES } from '../src/core/runs/lifecycle';
import { DEFAULT_SLACK_BUDGET } from '../src/slack/slack-budget';
import { percentile } from './support/stats';
import { Child } from './support/child';
import { PRODUCTION_NODE_ARGS } from './support/production-node-args';
import { formatTable } from './support/table';
import {
  trackingItentialInfo,
  trackingItentialStats,
  trackingSlackInfo,
  trackingSlackStats,
  type TrackingFakeRequest,
  type TrackingItentialStats,
  type TrackingSlackStats,
} from './tracking-protocol';

const MB = 1_000_000;
const RSS_TARGET_MB = 250;
const FINAL_REPLY_TARGET_S = 60;
const CALLS_PER_CHANGE_TARGET = 2;
/** Methods the bot uses to show runs: posts, status-line edits, and the lookups that make posts recoverable. */
const RUN_METHODS = ['chat.postMessage', 'chat.update', 'conversations.replies', 'conversations.history'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the bot logged at warn level or worse, counted by message; and how many were errors (pino ≥ 50). */
function logSummary(logFile: string): { errors: number; byMessage: [string, number][] } {
  const counts = new Map<string, number>();
  let errors = 0;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const parsed = z.object({ level: z.number(), msg: z.string() }).safeParse(safeJson(line));
    if (!parsed.success || parsed.data.level < 40) continue;
    if (parsed.data.level >= 50) errors += 1;
    counts.set(parsed.data.msg, (counts.get(parsed.data.msg) ?? 0) + 1);
  }
  return { errors, byMessage: [...counts].sort((a, b) => b[1] - a[1]) };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Many runs in flight at once: seeded into the embedded store as just started (their first transition
 * not yet posted), tracked by one bot process with production timings and a poll budget, against a fake
 * Itential whose jobs move one step per poll and a fake Slack that answers some calls with 429.
 */
export const trackingBenchmark: Benchmark = {
  name: 'tracking',
  title: 'runs in flight against loopback fakes (memory, poll budget, Slack calls, 429s)',
  async run({ workDir }): Promise<BenchReport> {
    const runs = envCount('BENCH_TRACKING_RUNS', 10_000);
    const maxSeconds = envCount('BENCH_TRACKING_MAX_SECONDS', 300);
    const speed = envCount('BENCH_TRACKING_SPEED', 5);
    const budget = envCount('BENCH_TRACKING_POLLS_PER_SECOND', 100 * speed);
    const channelCount = envCount('BENCH_TRACKING_CHANNELS', 200);
    const fake = <T>(name: string, info: z.ZodType<T>, env: Record<string, string> = {}) =>
      Child.fork({
        modulePath: join(__dirname, `tracking-fake-${name}.js`),
        env,
        logFile: join(workDir, `tracking-fake-${name}.log`),
        info,
      });
    const slack = await fake('slack', trackingSlackInfo, {
      BENCH_CHANNELS: String(channelCount),
      BENCH_SPEED: String(speed),
    });
    try {
      const itential = await fake('itential', trackingItentialInfo);
      try {
        const startJobs: TrackingFakeRequest = { kind: 'start-jobs', count: runs };
        const jobs = await itential.call(startJobs, z.array(z.string()));
        const dataDir = join(workDir, 'tracking-data');
        const seedSeconds = await timed(async () => {
          const { channels } = slack.info;
          const seeds = jobs.map((jobId, i) => ({
            jobId,
            channelId: channels[i % channels.length] ?? '',
            workflow: itential.info.workflow,
          }));
          await seedFast(dataDir, seeds);
        });

        const engine: EngineOverrides = {
          pollBudget: { perSecond: budget, bySystem: {}, maxWaitMs: 1_000 },
          parentEditIntervalMs: 2_000 / speed,
        };
        const botLog = join(workDir, 'tracking-bot.log');
        const bot = await Child.fork({
          modulePath: join(__dirname, 'tracking-bot.js'),
          env: {
            SLACK_BOT_TOKEN: slack.info.botToken,
            SLACK_SIGNING_SECRET: 'bench-signing-secret',
            SLACK_API_URL: slack.info.apiUrl,
            PORT: '0',
            LOG_LEVEL: 'warn',
            DATA_DIR: dataDir,
            ITENTIAL_BASE_URL: itential.info.url,
            ITENTIAL_TOKEN: itential.info.token,
            FD_OWNER: 'bench-bot',
            FD_ENGINE: JSON.stringify(engine),
            FD_SLACK_BUDGET: JSON.stringify(acceleratedBudget(speed)),
            FD_WATCH_PATH: '^/operations-manager/jobs/[0-9a-f]{24}(\\?|$)',
          },
          logFile: botLog,
          info: z.object({ port: z.number() }),
          // Production's Node flags. Profiling the bot alone, e.g.
          // BENCH_BOT_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
          execArgv: [
            ...PRODUCTION_NODE_ARGS,
            ...(process.env.BENCH_BOT_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
          ],
        });
        let memory: BotStats;
        let seconds: number;
        try {
          seconds = await untilAllFinalsShown(dataDir, runs, maxSeconds);
          memory = await bot.call({ kind: 'stats' }, botStats);
        } finally {
          await bot.stop();
        }
        const stats: TrackingFakeRequest = { kind: 'stats' };
        const reading = await openStore({ dataDir });
        const stored = await reading.listRuns({ limit: runs + 1 }).finally(() => reading.close());
        const finals = await finalChanges(dataDir);
        return report({
          runs,
          seconds,
          maxSeconds,
          budget,
          channelCount,
          seedSeconds,
          memory,
          slack: await slack.call(stats, trackingSlackStats),
          polls: await itential.call(stats, trackingItentialStats),
          stored,
          finals,
          speed,
          log: logSummary(botLog),
        });
      } finally {
        await itential.stop();
      }
    } finally {
      await slack.stop();
    }
  },
};

/**
 * Seeds through the store's own queries, on a connection that does not wait for the disk after each
 * write: the bot opens the file afterwards as usual, and seeding 10,000 runs takes seconds, not minutes.
 */
async function seedFast(dataDir: string, seeds: SeedRun[]): Promise<void> {
  const connection = await connect({ dataDir, log: silentLog });
  await sql`pragma synchronous = off`.execute(connection.db);
  const store = new SqlStore(connection, systemClock, silentLog);
  try {
    await store.migrate();
    await seedRuns(store, seeds);
  } finally {
    await store.close();
  }
}

const PROGRESS_EVERY_MS = 2_000;

/**
 * Waits until every run has finished and its final state is in its thread (as the bot recorded it, read
 * beside it from the same file), or `maxSeconds` have passed; returns the seconds it took. Status lines
 * are not waited for: Tier 3 allows about 46 edits a minute, so 10,000 final edits take hours of Slack time.
 */
async function untilAllFinalsShown(dataDir: string, runs: number, maxSeconds: number): Promise<number> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1_000;
  const connection = await connect({ dataDir, log: silentLog });
  try {
    while (elapsed() < maxSeconds) {
      await sleep(PROGRESS_EVERY_MS);
      const shown = await connection.db
        .selectFrom('runs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('finished_at', 'is not', null)
        .whereRef('notified_seq', '>=', 'seq')
        .executeTakeFirstOrThrow();
      if (Number(shown.n) >= runs) break;
    }
    return elapsed();
  } finally {
    await connection.db.destroy();
  }
}

interface FinalChange {
  runId: string;
  seq: number;
  channelId: string;
  at: number;
}

/** Each run's final state change, as the bot recorded it. */
async function finalChanges(dataDir: string): Promise<FinalChange[]> {
  const connection = await connect({ dataDir, log: silentLog });
  try {
    const rows = await connection.db
      .selectFrom('transitions')
      .innerJoin('runs', 'runs.id', 'transitions.run_id')
      .select(['transitions.run_id', 'transitions.seq', 'transitions.at', 'runs.channel_id'])
      .where('transitions.state', 'in', RUN_STATES.filter(isFinal))
      .where('transitions.kind', '=', 'state')
      .execute();
    return rows.map((r) => ({ runId: r.run_id, seq: r.seq, channelId: r.channel_id, at: Number(r.at) }));
  } finally {
    await connection.db.destroy();
  }
}

/**
 * The best the tiers allow: each channel posting nothing but final replies, in the order the states
 * changed, at the budget's channel rate (with its burst). Milliseconds of wall time, like the measurement.
 */
function tierBoundDelays(finals: FinalChange[], speed: number): number[] {
  const { perSecond, burst } = DEFAULT_SLACK_BUDGET.postsPerChannel;
  const interval = 1_000 / (perSecond * speed);
  const byChannel = new Map<string, number[]>();
  for (const f of finals) byChannel.set(f.channelId, [...(byChannel.get(f.channelId) ?? []), f.at]);
  const delays: number[] = [];
  for (const times of byChannel.values()) {
    let emptyAt = 0;
    for (const at of times.sort((a, b) => a - b)) {
      const slot = Math.max(at, emptyAt - (burst - 1) * interval);
      emptyAt = Math.max(emptyAt, slot) + interval;
      delays.push(slot - at);
    }
  }
  return delays;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1_000;
}

function report(m: {
  runs: number;
  seconds: number;
  maxSeconds: number;
  budget: number;
  channelCount: number;
  seedSeconds: number;
  memory: BotStats;
  slack: TrackingSlackStats;
  polls: TrackingItentialStats;
  stored: { channelId: string; state: string; seq: number; notifiedSeq: number; finishedAt: Date | null }[];
  finals: FinalChange[];
  speed: number;
  log: ReturnType<typeof logSummary>;
}): BenchReport {
  const replyAt = new Map(m.slack.replies.map(([runId, seq, at]) => [`${runId} ${seq}`, at]));
  const reached = m.finals.flatMap((f) => {
    const at = replyAt.get(`${f.runId} ${f.seq}`);
    return at === undefined ? [] : [(at - f.at) * m.speed];
  });
  const p99 = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      99,
    ) / 1_000;
  const finalP99 = p99(reached);
  const boundP99 = p99(tierBoundDelays(m.finals, m.speed).map((d) => d * m.speed));
  const allowedP99 = Math.max(FINAL_REPLY_TARGET_S, boundP99);
  // Every run needs its parent and one reply per change in its channel, one post a second at most there.
  const postsByChannel = new Map<string, number>();
  for (const r of m.stored)
    postsByChannel.set(r.channelId, (postsByChannel.get(r.channelId) ?? 0) + 1 + r.seq);
  const busiestChannelPosts = Math.max(0, ...postsByChannel.values());
  const { perSecond, burst } = DEFAULT_SLACK_BUDGET.postsPerChannel;
  const channelDrainS = Math.max(0, busiestChannelPosts - burst) / perSecond;
  const changes = m.stored.reduce((sum, r) => sum + r.seq, 0);
  const shown = m.stored.reduce((sum, r) => sum + r.notifiedSeq, 0);
  const finished = m.stored.filter((r) => r.finishedAt !== null).length;
  const runCalls = RUN_METHODS.reduce((sum, method) => sum + (m.slack.calls[method] ?? 0), 0);
  const callsPerChange = shown === 0 ? Number.POSITIVE_INFINITY : runCalls / shown;
  const rssMb = m.memory.rssPeakBytes / MB;
  const meanPolls = m.polls.spanSeconds > 0 ? m.polls.polls / m.polls.spanSeconds : 0;
  const lines = [
    `${m.runs} runs seeded in flight over ${m.channelCount} channels (${m.seedSeconds.toFixed(1)} s to seed), ` +
      `tracked by one bot process until every final state was in its thread (${m.seconds.toFixed(0)} s; at most ` +
      `${m.maxSeconds} s) (embedded store, production timings, poll budget ` +
      `${m.budget}/s for Itential). Each poll moves a job one step (two task changes, then done). ` +
      `Slack's time runs ${m.speed}× faster: the fake's tiers and the bot's budget are ${m.speed}× Slack's, and ` +
      `delays are reported in Slack seconds (wall time × ${m.speed}). ` +
      'The budget is checked where it is spent, as requests leave the bot; arrivals at the fake Itential ' +
      'also carry the scheduling jitter of a shared machine.',
    `What the tiers allow: the busiest channel must carry ${busiestChannelPosts} posts (each run's parent and ` +
      `one reply per change); at chat.postMessage's ${perSecond}/s per channel (burst ${burst}) that is ` +
      `${channelDrainS.toFixed(0)} Slack s from its first post to its last. ` +
      (m.finals.length > 0
        ? `Posting nothing but final replies, each the moment its state changed, the channels allow a p99 of ` +
          `${boundP99.toFixed(1)} s (the tiers' bound printed beside the target).`
        : 'No run finished, so the bound for final replies could not be computed.'),
    formatTable(
      ['measured', 'value'],
      [
        ['runs finished during the run', `${finished} of ${m.runs}`],
        ['state changes recorded / shown in Slack', `${changes} / ${shown}`],
        ['status polls (mean per second)', `${m.polls.polls} (${meanPolls.toFixed(1)}/s)`],
        ['status polls arriving at Itential in its busiest second', String(m.polls.maxPollsPerSecond)],
        ...RUN_METHODS.map((method) => [method, String(m.slack.calls[method] ?? 0)]),
        ['status-line edits accepted (Tier 3)', String(m.slack.edits)],
        ['final states recorded / their replies seen in Slack', `${m.finals.length} / ${reached.length}`],
        ...m.log.byMessage.slice(0, 5).map(([msg, n]) => [`bot log (warn+): ${msg}`, String(n)]),
        [
          'bot CPU time (user + system) / per state change shown',
          `${m.memory.cpuSeconds.toFixed(0)} s / ${((m.memory.cpuSeconds / Math.max(1, shown)) * 1_000).toFixed(1)} ms`,
        ],
        [
          'bot heap: peak used / peak total',
          `${(m.memory.heapUsedPeakBytes / MB).toFixed(0)} / ${(m.memory.heapTotalPeakBytes / MB).toFixed(0)} MB`,
        ],
      ],
    ),
  ];
  return {
    lines,
    verdicts: [
      {
        label: 'peak RSS of the bot',
        value: `${rssMb.toFixed(0)} MB`,
        target: `≤ ${RSS_TARGET_MB} MB`,
        pass: rssMb <= RSS_TARGET_MB,
      },
      {
        label: 'status polls sent in the busiest second',
        value: String(m.memory.watched.busiestSecond),
        target: `≤ ${m.budget} (budget)`,
        pass: m.memory.watched.busiestSecond <= m.budget,
      },
      {
        label: 'Slack calls per state change shown',
        value: callsPerChange.toFixed(2),
        target: `≤ ${CALLS_PER_CHANGE_TARGET}`,
        pass: callsPerChange <= CALLS_PER_CHANGE_TARGET,
      },
      {
        label: '429s from the tier-enforcing fake',
        value: String(m.slack.rateLimited),
        target: '0',
        pass: m.slack.rateLimited === 0,
      },
      {
        label: 'final state → its thread reply, p99 (Slack s)',
        value: reached.length > 0 ? `${finalP99.toFixed(1)} s` : 'not measured: no final state shown',
        target:
          m.finals.length > 0
            ? `≤ ${allowedP99.toFixed(1)} s (60 s, or the tiers' bound: ${boundP99.toFixed(1)} s)`
            : `≤ 60 s (the tiers' bound needs final states)`,
        pass: reached.length > 0 && finalP99 <= allowedP99 && reached.length === m.finals.length,
      },
      {
        label: 'errors logged by the bot',
        value: String(m.log.errors),
        target: '0',
        pass: m.log.errors === 0,
      },
    ],
    failures: shown === 0 ? ['the bot showed no state change in Slack'] : [],
  };
}
