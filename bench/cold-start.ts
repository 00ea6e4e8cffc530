import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { envCount, type BenchContext, type BenchReport, type Benchmark } from './benchmark';
import { endProcess, exitOf, logTail } from './support/child';
import { median } from './support/stats';
import { formatTable, ms } from './support/table';
import { PRODUCTION_NODE_ARGS } from './support/production-node-args';

const TARGET_MS = 2_000;
const GIVE_UP_MS = 20_000;
const POLL_EVERY_MS = 10;

/** The compiled `src/main.js` next to this benchmark (the bench build compiles src too). */
const MAIN_JS = join(__dirname, '..', 'src', 'main.js');

/** A port nobody listens on right now; main.js needs a fixed one to be found at. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function healthy(agent: Agent, url: string): Promise<boolean> {
  try {
    const res = await request(url, { dispatcher: agent });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Spawns `node main.js` (with production's Node flags) on a fresh embedded store and times it until /healthz answers 200. */
async function coldStart(context: BenchContext, attempt: number, agent: Agent): Promise<number> {
  const dir = join(context.workDir, `cold-start-${String(attempt)}`);
  mkdirSync(dir);
  const logFile = join(dir, 'main.log');
  const port = await freePort();
  const { apiUrl, botToken } = context.fakeSlack.info;
  const log = openSync(logFile, 'a');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...PRODUCTION_NODE_ARGS, MAIN_JS], {
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
      SLACK_API_URL: apiUrl,
      PORT: String(port),
      METRICS_PORT: '0',
      DATA_DIR: join(dir, 'data'),
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  try {
    let exited: string | undefined;
    void exitOf(child).then((code) => (exited = code));
    const url = `http://127.0.0.1:${String(port)}/healthz`;
    for (;;) {
      if (await healthy(agent, url)) return Number(process.hrtime.bigint() - started) / 1e6;
      const waited = Number(process.hrtime.bigint() - started) / 1e6;
      if (exited !== undefined || waited > GIVE_UP_MS) {
        const why =
          exited !== undefined ? `exited (${exited})` : `was not healthy after ${String(GIVE_UP_MS)} ms`;
        throw new Error(
          `cold start ${String(attempt)}: main.js ${why}; its log ends with:\n${logTail(logFile)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
    }
  } finally {
    await endProcess(child, () => child.kill('SIGTERM'));
  }
}

/** Issue 5: how long a fresh process takes to serve (node start, config, migrations, auth.test, listen). */
export const coldStartBenchmark: Benchmark = {
  name: 'cold-start',
  title: 'Cold start: spawn `node main.js` (embedded store, fresh DATA_DIR) until /healthz answers 200',
  async run(context): Promise<BenchReport> {
    const runs = envCount('BENCH_COLD_RUNS', 5);
    const agent = new Agent({ pipelining: 0 });
    const times: number[] = [];
    try {
      for (let attempt = 1; attempt <= runs; attempt++) times.push(await coldStart(context, attempt, agent));
    } finally {
      await agent.close();
    }
    const typical = median(times);
    return {
      lines: [
        formatTable(
          ['run', 'ms to healthy'],
          times.map((t, i) => [String(i + 1), ms(t)]),
        ),
      ],
      verdicts: [
        {
          label: `median cold start of ${String(runs)}`,
          value: `${ms(typical)} ms`,
          target: `≤ ${String(TARGET_MS)} ms`,
          pass: typical <= TARGET_MS,
        },
      ],
      failures: [],
    };
  },
};
