import { join } from 'node:path';
import { Agent } from 'undici';
import { envCount, type BenchContext, type BenchReport, type Benchmark, type Verdict } from './benchmark';
import type { Child } from './support/child';
import { openLoopBlock, type BlockResult, type LoadTarget } from './support/open-loop';
import { serverCpu, startServer, type ServerInfo, type ServerKind } from './support/server-process';
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

interface Series {
  label: string;
  server: ServerKind;
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

const SERIES: Series[] = [
  {
    label: 'bare Bolt 5, no-op ack',
    server: 'bare-bolt',
    text: () => 'help',
    check: emptyAck,
    repliesAfterAck: false,
  },
  {
    label: 'Flightdeck /ops help',
    server: 'flightdeck',
    text: () => 'help',
    check: ephemeralAck,
    repliesAfterAck: false,
  },
  {
    label: 'Flightdeck /ops runs',
    server: 'flightdeck',
    text: () => 'runs',
    check: emptyAck,
    repliesAfterAck: true,
  },
  {
    label: 'Flightdeck /ops status <run>',
    server: 'flightdeck',
    text: (server) => `status ${server.statusRunId ?? ''}`,
    check: emptyAck,
    repliesAfterAck: true,
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

async function measure(context: BenchContext, servers: Record<ServerKind, Child<ServerInfo>>) {
  const requests = envCount('BENCH_REQUESTS', 2000);
  const warmup = envCount('BENCH_WARMUP', 300);
  const blockSize = envCount('BENCH_BLOCK', 20);
  const { identity } = context.fakeSlack.info;
  const targets = await Promise.all(
    SERIES.map(async (series): Promise<LoadTarget> => {
      const responseUrls = await context.fakeSlack.issueResponseUrls(warmup + requests);
      const { info } = servers[series.server];
      return {
        url: `http://127.0.0.1:${String(info.port)}/slack/events`,
        next: () => slashCommand(SIGNING_SECRET, identity, series.text(info), responseUrls.pop() ?? ''),
        check: series.check,
      };
    }),
  );
  const agent = new Agent({
    connections: 8,
    keepAliveTimeout: 10_000,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const cpuOf = async (kind: ServerKind) => (await servers[kind].call({ kind: 'cpu' }, serverCpu)).cpuSeconds;
  const cpu = async () => {
    const [bare, flightdeck] = await Promise.all([cpuOf('bare-bolt'), cpuOf('flightdeck')]);
    return { bare, flightdeck };
  };
  try {
    const repliesBefore = await context.fakeSlack.acceptedResponses();
    await alternate(agent, targets, warmup, blockSize);
    const cpuBefore = await cpu();
    const results = await alternate(agent, targets, requests, blockSize);
    const expectedReplies = SERIES.filter((s) => s.repliesAfterAck).length * (warmup + requests);
    const replies = (await waitForReplies(context, repliesBefore + expectedReplies)) - repliesBefore;
    const cpuAfter = await cpu();
    // CPU time per request measured, each server over its own series: it does not depend on how busy
    // the machine is, as the latencies do.
    const flightdeckRequests = SERIES.filter((s) => s.server === 'flightdeck').length * requests;
    const cpuPerRequestMs = {
      bare: ((cpuAfter.bare - cpuBefore.bare) * 1_000) / requests,
      flightdeck: ((cpuAfter.flightdeck - cpuBefore.flightdeck) * 1_000) / flightdeckRequests,
    };
    return { requests, warmup, blockSize, results, replies, expectedReplies, cpuPerRequestMs };
  } finally {
    await agent.close();
  }
}

async function startServers(context: BenchContext): Promise<Record<ServerKind, Child<ServerInfo>>> {
  const { apiUrl, botToken, identity } = context.fakeSlack.info;
  const slackEnv = { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl };
  const [bare, flightdeck] = await Promise.allSettled([
    startServer('bare-bolt', slackEnv, join(context.workDir, 'bare-bolt.log')),
    startServer(
      'flightdeck',
      {
        ...slackEnv,
        PORT: '0',
        METRICS_PORT: '0',
        DATA_DIR: join(context.workDir, 'ack-latency-data'),
        BENCH_SEED_CHANNEL: identity.channelId,
        BENCH_SEED_USER: identity.userId,
        BENCH_SEED_RUNS: String(SEEDED_RUNS),
      },
      join(context.workDir, 'flightdeck.log'),
    ),
  ]);
  if (bare.status === 'fulfilled' && flightdeck.status === 'fulfilled')
    return { 'bare-bolt': bare.value, flightdeck: flightdeck.value };
  await Promise.all([bare, flightdeck].map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  const reasons = [bare, flightdeck].flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
  throw new AggregateError(
    reasons,
    reasons.map((r) => (r instanceof Error ? r.message : String(r))).join('\n'),
  );
}

/** Issue 2: the ack Slack waits for must cost little more than Bolt's own. */
export const ackLatency: Benchmark = {
  name: 'ack-latency',
  title: `Slash-command ack latency, open loop at ${String(RATE_PER_SEC)} req/s, keep-alive`,
  async run(context): Promise<BenchReport> {
    const servers = await startServers(context);
    try {
      const run = await measure(context, servers);
      const summaries = run.results.map((blocks) => summarize(blocks));
      const [bare, help, runs, status] = summaries;
      if (!bare || !help || !runs || !status) throw new Error('ack-latency: a series has no results');
      const failures = SERIES.flatMap((series, i) => {
        const s = summaries[i];
        return s && s.errors > 0
          ? [`${series.label}: ${String(s.errors)} failed requests (${s.errorKinds.join('; ')})`]
          : [];
      });
      if (run.replies < run.expectedReplies)
        failures.push(
          `/ops runs and /ops status: ${String(run.replies)} of ${String(run.expectedReplies)} after-ack replies reached Slack`,
        );
      const table = formatTable(
        ['series (ms)', 'n', 'median', 'p90', 'p99', 'max', 'errors', 'req/s'],
        SERIES.map((series, i) => summaryRow(series.label, summaries[i] ?? bare)),
      );
      return {
        lines: [
          `${String(run.requests)} measured requests per series after ${String(run.warmup)} warm-up, ` +
            `alternating blocks of ${String(run.blockSize)}; each server in its own process on 127.0.0.1.`,
          table,
          `/ops runs and /ops status after-ack replies accepted by the fake Slack: ${String(run.replies)}/${String(run.expectedReplies)}`,
          `CPU time per measured request (user + system, the server's own process): bare Bolt ` +
            `${ms(run.cpuPerRequestMs.bare)} ms; Flightdeck ${ms(run.cpuPerRequestMs.flightdeck)} ms ` +
            `(its three series together, the after-ack work and replies included)`,
        ],
        verdicts: [
          ratioVerdict('/ops runs', runs, bare),
          ratioVerdict('/ops status', status, bare),
          ratioVerdict('/ops help', help, bare),
        ],
        failures,
      };
    } finally {
      await Promise.all(Object.values(servers).map((s) => s.stop()));
    }
  },
};
