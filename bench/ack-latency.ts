import { join } from 'node:path';
import { Agent } from 'undici';
import { envCount, type BenchContext, type BenchReport, type Benchmark, type Verdict } from './benchmark';
import type { Child } from './support/child';
import { openLoopBlock, type BlockResult, type LoadTarget } from './support/open-loop';
import { answers, BenchSchema, benchDatabaseUrl } from './support/postgres';
import { serverCpu, startServer, type ServerInfo } from './support/server-process';
import { slashCommand } from './support/slash-command';
import { summarize, type LatencySummary } from './support/stats';
import { formatTable, ms } from './support/table';

const SIGNING_SECRET = 'bench-signing-secret-0123456789';
const RATE_PER_SEC = 200;
const INTERVAL_MS = 1000 / RATE_PER_SEC;
/** Flightdeck's p99 may be at most this many times a bare Bolt app's. */
const TARGET_RATIO = 1.25;
/** A full page of `/ops runs`. */
const SEEDED_RUNS = 20;
/** How long the after-ack replies of `/ops runs` may take to reach the fake once the load stops. */
const REPLY_GRACE_MS = 5_000;
/** Lets the after-ack work of one block finish before the next server's block starts. */
const AFTER_BLOCK_PAUSE_MS = 10;

/** The servers measured: a bare Bolt app, and Flightdeck on its embedded store and on PostgreSQL. */
type ServerName = 'bare' | 'flightdeck' | 'flightdeck-pg';
type Servers = Partial<Record<ServerName, Child<ServerInfo>>>;

interface Series {
  label: string;
  server: ServerName;
  /** The command's text, given what the server reported once started. */
  text: (server: ServerInfo) => string;
  check(status: number, text: string): string | undefined;
  /** Flightdeck posts a reply to the response_url after the ack. */
  repliesAfterAck: boolean;
}

const emptyAck = (status: number, text: string) =>
  status === 200 && text === '' ? undefined : `HTTP ${String(status)} ${text.slice(0, 80)}`;

/** `/ops help` is answered in the ack itself: an ephemeral message with blocks. */
const ephemeralAck = (status: number, text: string) => {
  if (status !== 200) return `HTTP ${String(status)} ${text.slice(0, 80)}`;
  try {
    const body = JSON.parse(text) as { response_type?: unknown; blocks?: unknown };
    return body.response_type === 'ephemeral' && Array.isArray(body.blocks) && body.blocks.length > 0
      ? undefined
      : `unexpected ack ${text.slice(0, 80)}`;
  } catch {
    return `ack is not JSON: ${text.slice(0, 80)}`;
  }
};

const BARE = 'bare Bolt 5, no-op ack';
const HELP = 'Flightdeck /ops help';
const RUNS = 'Flightdeck /ops runs';
const STATUS = 'Flightdeck /ops status <run>';
const HELP_ON_POSTGRES = 'Flightdeck /ops help, PostgreSQL';

const SERIES: Series[] = [
  {
    label: BARE,
    server: 'bare',
    text: () => 'help',
    check: emptyAck,
    repliesAfterAck: false,
  },
  {
    label: HELP,
    server: 'flightdeck',
    text: () => 'help',
    check: ephemeralAck,
    repliesAfterAck: false,
  },
  {
    label: RUNS,
    server: 'flightdeck',
    text: () => 'runs',
    check: emptyAck,
    repliesAfterAck: true,
  },
  {
    label: STATUS,
    server: 'flightdeck',
    text: (server) => `status ${server.statusRunId ?? ''}`,
    check: emptyAck,
    repliesAfterAck: true,
  },
  {
    label: HELP_ON_POSTGRES,
    server: 'flightdeck-pg',
    text: () => 'help',
    check: ephemeralAck,
    repliesAfterAck: false,
  },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `perSeries` requests of every series in alternating blocks (A, B, C, A, B, C …) so drift hits all alike. */
async function alternate(
  agent: Agent,
  targets: LoadTarget[],
  perSeries: number,
  blockSize: number,
): Promise<BlockResult[][]> {
  const results: BlockResult[][] = targets.map(() => []);
  for (let done = 0; done < perSeries; done += blockSize) {
    for (const [i, target] of targets.entries()) {
      results[i]?.push(
        await openLoopBlock(agent, target, Math.min(blockSize, perSeries - done), INTERVAL_MS),
      );
      await sleep(AFTER_BLOCK_PAUSE_MS);
    }
  }
  return results;
}

function summaryRow(label: string, s: LatencySummary): string[] {
  return [
    label,
    String(s.requests),
    ms(s.medianMs),
    ms(s.p90Ms),
    ms(s.p99Ms),
    ms(s.maxMs),
    String(s.errors),
    s.ratePerSec.toFixed(1),
  ];
}

function ratioVerdict(label: string, flightdeck: LatencySummary, bare: LatencySummary): Verdict {
  const ratio = flightdeck.p99Ms / bare.p99Ms;
  return {
    label: `${label}: Flightdeck p99 / bare p99`,
    value: `${ms(flightdeck.p99Ms)} / ${ms(bare.p99Ms)} = ${ratio.toFixed(2)}`,
    target: `≤ ${TARGET_RATIO.toFixed(2)}`,
    pass: ratio <= TARGET_RATIO,
  };
}

async function waitForReplies(context: BenchContext, expected: number): Promise<number> {
  const deadline = Date.now() + REPLY_GRACE_MS;
  let accepted = await context.fakeSlack.acceptedResponses();
  while (accepted < expected && Date.now() < deadline) {
    await sleep(100);
    accepted = await context.fakeSlack.acceptedResponses();
  }
  return accepted;
}

const SERVER_NAMES: ServerName[] = ['bare', 'flightdeck', 'flightdeck-pg'];

async function measure(context: BenchContext, servers: Servers, series: Series[]) {
  const requests = envCount('BENCH_REQUESTS', 6000);
  const warmup = envCount('BENCH_WARMUP', 300);
  const blockSize = envCount('BENCH_BLOCK', 20);
  const { identity } = context.fakeSlack.info;
  const infoOf = (name: ServerName) => {
    const server = servers[name];
    if (!server) throw new Error(`ack-latency: the ${name} server is not running`);
    return server.info;
  };
  const targets = await Promise.all(
    series.map(async (s): Promise<LoadTarget> => {
      const responseUrls = await context.fakeSlack.issueResponseUrls(warmup + requests);
      const info = infoOf(s.server);
      return {
        url: `http://127.0.0.1:${String(info.port)}/slack/events`,
        next: () => slashCommand(SIGNING_SECRET, identity, s.text(info), responseUrls.pop() ?? ''),
        check: s.check,
      };
    }),
  );
  const agent = new Agent({
    connections: 8,
    keepAliveTimeout: 10_000,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const running = SERVER_NAMES.filter((name) => servers[name]);
  const cpu = async () =>
    new Map(
      await Promise.all(
        running.map(async (name) => {
          const answer = await servers[name]?.call({ kind: 'cpu' }, serverCpu);
          return [name, answer?.cpuSeconds ?? 0] as const;
        }),
      ),
    );
  try {
    const repliesBefore = await context.fakeSlack.acceptedResponses();
    await alternate(agent, targets, warmup, blockSize);
    const cpuBefore = await cpu();
    const results = await alternate(agent, targets, requests, blockSize);
    const expectedReplies = series.filter((s) => s.repliesAfterAck).length * (warmup + requests);
    const replies = (await waitForReplies(context, repliesBefore + expectedReplies)) - repliesBefore;
    const cpuAfter = await cpu();
    // CPU time per request measured, each server over its own series: it does not depend on how busy
    // the machine is, as the latencies do.
    const cpuPerRequestMs = new Map(
      running.map((name) => {
        const served = series.filter((s) => s.server === name).length * requests;
        const seconds = (cpuAfter.get(name) ?? 0) - (cpuBefore.get(name) ?? 0);
        return [name, (seconds * 1_000) / served] as const;
      }),
    );
    return { requests, warmup, blockSize, results, replies, expectedReplies, cpuPerRequestMs };
  } finally {
    await agent.close();
  }
}

/** The PostgreSQL server and schema for Flightdeck's second instance, or why there is none. */
async function postgresFor(): Promise<BenchSchema | string> {
  const url = benchDatabaseUrl();
  if (!(await answers(url))) return 'no server answers (set BENCH_DATABASE_URL)';
  const schema = new BenchSchema(url);
  await schema.create();
  return schema;
}

async function startServers(context: BenchContext, schema: BenchSchema | undefined): Promise<Servers> {
  const { apiUrl, botToken, identity } = context.fakeSlack.info;
  const slackEnv = { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl };
  const flightdeckEnv = (name: string, store: Record<string, string>) => ({
    ...slackEnv,
    ...store,
    PORT: '0',
    METRICS_PORT: '0',
    DATA_DIR: join(context.workDir, `${name}-data`),
    BENCH_SEED_CHANNEL: identity.channelId,
    BENCH_SEED_USER: identity.userId,
    BENCH_SEED_RUNS: String(SEEDED_RUNS),
  });
  const logOf = (name: string) => join(context.workDir, `${name}.log`);
  const starting: [ServerName, Promise<Child<ServerInfo>>][] = [
    ['bare', startServer('bare-bolt', slackEnv, logOf('bare-bolt'))],
    ['flightdeck', startServer('flightdeck', flightdeckEnv('flightdeck', {}), logOf('flightdeck'))],
  ];
  if (schema) {
    const env = flightdeckEnv('flightdeck-pg', { DATABASE_URL: schema.databaseUrl() });
    starting.push(['flightdeck-pg', startServer('flightdeck', env, logOf('flightdeck-pg'))]);
  }
  const settled = await Promise.allSettled(starting.map(([, child]) => child));
  const servers: Servers = {};
  for (const [i, outcome] of settled.entries()) {
    const name = starting[i]?.[0];
    if (name && outcome.status === 'fulfilled') servers[name] = outcome.value;
  }
  const reasons = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
  if (reasons.length === 0) return servers;
  await stopAll(servers);
  throw new AggregateError(
    reasons,
    reasons.map((r) => (r instanceof Error ? r.message : String(r))).join('\n'),
  );
}

const stopAll = (servers: Servers) => Promise.all(Object.values(servers).map((s) => s.stop()));

/** Issue 2: the ack Slack waits for must cost little more than Bolt's own. */
export const ackLatency: Benchmark = {
  name: 'ack-latency',
  title: `Slash-command ack latency, open loop at ${String(RATE_PER_SEC)} req/s, keep-alive`,
  async run(context): Promise<BenchReport> {
    const postgres = await postgresFor();
    const schema = typeof postgres === 'string' ? undefined : postgres;
    try {
      const servers = await startServers(context, schema);
      try {
        return await report(context, servers, typeof postgres === 'string' ? postgres : undefined);
      } finally {
        await stopAll(servers);
      }
    } finally {
      await schema?.drop();
    }
  },
};

async function report(context: BenchContext, servers: Servers, noPostgres?: string): Promise<BenchReport> {
  const series = SERIES.filter((s) => servers[s.server]);
  const run = await measure(context, servers, series);
  const summaries = new Map(series.map((s, i) => [s.label, summarize(run.results[i] ?? [])]));
  const of = (label: string) => {
    const summary = summaries.get(label);
    if (!summary) throw new Error(`ack-latency: no results for ${label}`);
    return summary;
  };
  const bare = of(BARE);
  const failures = series.flatMap((s) => {
    const summary = of(s.label);
    return summary.errors > 0
      ? [`${s.label}: ${String(summary.errors)} failed requests (${summary.errorKinds.join('; ')})`]
      : [];
  });
  if (run.replies < run.expectedReplies)
    failures.push(
      `/ops runs and /ops status: ${String(run.replies)} of ${String(run.expectedReplies)} after-ack replies reached Slack`,
    );
  const table = formatTable(
    ['series (ms)', 'n', 'median', 'p90', 'p99', 'max', 'errors', 'req/s'],
    series.map((s) => summaryRow(s.label, of(s.label))),
  );
  const cpuOf = (name: ServerName) => ms(run.cpuPerRequestMs.get(name) ?? Number.NaN);
  const pgHelp = summaries.get(HELP_ON_POSTGRES);
  return {
    lines: [
      `${String(run.requests)} measured requests per series after ${String(run.warmup)} warm-up, ` +
        `alternating blocks of ${String(run.blockSize)}; each server in its own process on 127.0.0.1.`,
      table,
      `/ops runs and /ops status after-ack replies accepted by the fake Slack: ${String(run.replies)}/${String(run.expectedReplies)}`,
      `CPU time per measured request (user + system, the server's own process): bare Bolt ` +
        `${cpuOf('bare')} ms; Flightdeck ${cpuOf('flightdeck')} ms ` +
        `(its three series together, the after-ack work and replies included)` +
        (pgHelp ? `; Flightdeck on PostgreSQL ${cpuOf('flightdeck-pg')} ms (/ops help)` : ''),
      pgHelp
        ? `PostgreSQL (several replicas share it; each ack first claims the request's key there): ` +
          `/ops help p99 ${ms(pgHelp.p99Ms)} ms = ${(pgHelp.p99Ms / bare.p99Ms).toFixed(2)} × bare, ` +
          `median ${ms(pgHelp.medianMs)} ms against ${ms(of(HELP).medianMs)} ms on the embedded store`
        : `PostgreSQL: not measured, ${noPostgres ?? 'no server'}.`,
    ],
    verdicts: [
      ratioVerdict('/ops runs', of(RUNS), bare),
      ratioVerdict('/ops status', of(STATUS), bare),
      ratioVerdict('/ops help', of(HELP), bare),
    ],
    failures,
  };
}
