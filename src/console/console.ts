import type { Readable, Writable } from 'node:stream';
import { loadConsoleConfig } from '../config';
import { silentLog } from '../core/kit/log';
import type { Env } from '../core/operations/integration';
import type { EngineSettings } from '../core/runs/engine-deps';
import type { DigestSettings } from '../core/digest/scheduler';
import type { Clock } from '../core/kit/clock';
import { DEMO_CHANNEL, DEMO_GROUP, DEMO_USERS, startDemo, type Demo } from '../demo';
import { demoPace, type Pace } from '../demo/scenario';
import { INTEGRATIONS } from '../integrations';
import { createLogger } from '../observability/logger';
import { CONSOLE_HELP, runCommandLoop } from './command-loop';
import { BotStoreError, startConsoleEngine } from './engine';
import { StreamTerminal } from './terminal';

export interface ConsoleOptions {
  argv: string[];
  env: Env;
  input: Readable;
  output: Writable;
  /** The simulators' scripted timing (`--demo`); tests make it instant. */
  pace?: Pace;
  /** Tracker timings; the demo polls often, tests oftener. */
  engine?: Partial<EngineSettings>;
  /** Digest scheduler timings and the time source; tests move the clock to fire a schedule. */
  digests?: Partial<DigestSettings>;
  clock?: Clock;
  /** Where digest times are shown when a command names no zone; default the machine's. */
  timeZone?: string;
}

/** Quick enough to watch a scripted run move, slow enough to read it. */
const DEMO_ENGINE: Partial<EngineSettings> = {
  poll: { minMs: 500, maxMs: 2_000, failureMaxMs: 10_000 },
  tickMs: 100,
  parentEditIntervalMs: 0,
};

const USAGE = 'Usage: npm run console -- [--demo] [--user U0123ABCD] [--channel C0123ABCD]';

/** Without --demo and without any system's variables the console can only check the policy. */
const NOTHING_CONFIGURED = [
  'No system is configured: set the variables of the systems to reach (README, Configuration; no Slack',
  'setting is needed), or leave and run `npm run console -- --demo` to try every system on simulators.',
];

function unlistedGroupsLines(groups: string[]): string[] {
  if (groups.length === 0) return [];
  return [
    `The policy names user groups that console.groups in the config file does not list (${groups.join(', ')}):`,
    'nobody is in them here. List their members there to check rules about them as Slack would.',
  ];
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** `npm run console`: the core with a terminal surface, against the configured upstreams or (`--demo`) simulators. */
export async function runConsole(options: ConsoleOptions): Promise<number> {
  const { argv, output } = options;
  const terminal = new StreamTerminal(options.input, output);
  const demoMode = argv.includes('--demo');
  const unknown = argv.filter((a) => a.startsWith('--') && !['--demo', '--user', '--channel'].includes(a));
  if (unknown.length > 0) {
    terminal.print(`Unknown option ${unknown.join(', ')}. ${USAGE}`);
    return 2;
  }
  let demo: Demo | undefined;
  try {
    if (demoMode) demo = await startDemo(options.pace ?? demoPace());
    const env = demo ? { ...demo.env, LOG_LEVEL: options.env.LOG_LEVEL } : options.env;
    let config;
    try {
      config = loadConsoleConfig(env, INTEGRATIONS);
    } catch (err) {
      terminal.print(err instanceof Error ? err.message : String(err));
      return 2;
    }
    // Log lines would interleave with the session: only when asked for, and then on stderr.
    const log = env.LOG_LEVEL ? createLogger(config.env.LOG_LEVEL, process.stderr) : silentLog;
    let engine;
    try {
      engine = await startConsoleEngine({
        config,
        terminal,
        log,
        engine: { ...(demo ? DEMO_ENGINE : {}), ...options.engine },
        ...(options.digests ? { digests: options.digests } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      });
    } catch (err) {
      if (!(err instanceof BotStoreError)) throw err;
      terminal.print(err.message);
      return 2;
    }
    try {
      const subject = {
        userId: flag(argv, '--user') ?? (demo ? DEMO_USERS.you : 'U0CONSOLE1'),
        channelId: flag(argv, '--channel') ?? (demo ? DEMO_CHANNEL : 'C0CONSOLE1'),
      };
      terminal.print(
        `Flightdeck console${demo ? ' (demo: simulated Itential, Harness and Zitadel on loopback)' : ''}.`,
        `Configured: ${
          engine.registry
            .runnable()
            .map((op) => op.id)
            .join(', ') || 'no system'
        }.`,
        ...unlistedGroupsLines(engine.groups.unlisted(config.file.policy.rules)),
        ...(demo || engine.registry.runnable().length > 0 ? [] : NOTHING_CONFIGURED),
        ...(demo
          ? [
              `You are ${DEMO_USERS.you} in #${DEMO_CHANNEL}. ${DEMO_USERS.approver} (group ${DEMO_GROUP}) approves prod changes; ${DEMO_USERS.intern} may only look.`,
              `Try: /ops itential start Backup Devices · /ops itential start Prod Push Config · /ops itential start Firewall Change`,
              `     /ops iacm run vpc-core (pipeline execution demoApplyOk42 waits for approval, demoApplyBad43 fails)`,
              `     /ops zitadel set-execution · whoami as ${DEMO_USERS.intern} · can-i itential start workflow="Prod Push Config"`,
              `     /ops digest now · /ops digest schedule hourly`,
            ]
          : []),
        ...CONSOLE_HELP,
      );
      await runCommandLoop(engine, terminal, subject);
    } finally {
      await engine.stop();
    }
    return 0;
  } finally {
    await demo?.stop();
  }
}
