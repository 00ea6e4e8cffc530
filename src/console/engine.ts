import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { buildRegistry, engineSettings } from '../assemble';
import type { ConsoleConfig } from '../config';
import { Approvals } from '../core/approvals/decisions';
import { AuditTrail } from '../core/audit/trail';
import { DEFAULT_DIGEST_SETTINGS, DigestScheduler, type DigestSettings } from '../core/digest/scheduler';
import { DigestSchedules } from '../core/digest/schedules';
import type { DigestPublisher } from '../core/digest/publisher';
import { RunQueries } from '../core/runs/run-queries';
import { systemClock, type Clock } from '../core/kit/clock';
import { KeyedMutex } from '../core/kit/keyed-mutex';
import type { Log } from '../core/kit/log';
import type { Registry } from '../core/operations/registry';
import { FormGate } from '../core/policy/form-gate';
import { Policy } from '../core/policy/policy';
import { ChannelAccess, type ChannelMembership } from '../core/runs/access';
import type { EngineDeps, EngineSettings } from '../core/runs/engine-deps';
import { Launcher } from '../core/runs/launcher';
import { Reruns } from '../core/runs/rerun';
import { StepRetries } from '../core/runs/retry';
import { Tracker } from '../core/runs/tracker';
import type { Store } from '../core/store';
import { openStore } from '../store';
import { RunChoices } from './buttons';
import { HumanSteps } from '../core/runs/human-steps';
import { ConsoleDigestPublisher } from './digest-printer';
import { ConfiguredGroups } from './group-directory';
import { ConsoleNotifier } from './thread-printer';
import type { Terminal } from './terminal';

/** The same core as the Slack bot (store, registry, policy, launcher, approvals, tracker), printing to a terminal. */
export interface ConsoleEngine {
  store: Store;
  registry: Registry;
  policy: Policy;
  forms: FormGate;
  clock: Clock;
  admins: readonly string[];
  runs: RunQueries;
  audit: AuditTrail;
  launcher: Launcher;
  approvals: Approvals;
  reruns: Reruns;
  retries: StepRetries;
  humanSteps: HumanSteps;
  tracker: Tracker;
  choices: RunChoices;
  groups: ConfiguredGroups;
  /** Digests print where the console runs; scheduled ones fire while it runs. */
  digests: {
    schedules: DigestSchedules;
    publisher: DigestPublisher;
    scheduler: DigestScheduler;
    /** The zone a digest's times are shown in when the command names none. */
    timeZone: string;
  };
  log: Log;
  stop(): Promise<void>;
}

/**
 * A console has no Slack to ask who is in a user group or a channel. User groups: the config file's
 * `console.groups`. Channels: the operator at the terminal already reads the store, so every console
 * user counts as a member of every channel.
 */
const everyChannel: ChannelMembership = { isMember: async () => true };

export interface ConsoleEngineOptions {
  config: ConsoleConfig;
  terminal: Terminal;
  log: Log;
  clock?: Clock;
  engine?: Partial<EngineSettings>;
  digests?: Partial<DigestSettings>;
  /** Default: the machine's own zone (the console has no Slack profile to read it from). */
  timeZone?: string;
}

/** The console was pointed at the Slack bot's store; nothing was changed in it. */
export class BotStoreError extends Error {
  constructor(setting: 'DATABASE_URL' | 'DATA_DIR', lastAt: Date) {
    super(
      [
        `This store is the Slack bot's (it last started on it at ${lastAt.toISOString()}): the console would`,
        `take over its runs and digests, and their updates would print here instead of in their threads.`,
        `Give the console a store of its own: another ${setting}.`,
      ].join('\n'),
    );
    this.name = 'BotStoreError';
  }
}

/** Refuses the bot's store (closing it untouched); otherwise notes the console as its user. */
async function claimForConsole(store: Store, clock: Clock, setting: 'DATABASE_URL' | 'DATA_DIR') {
  const bot = await store.surfaceUse('slack');
  if (bot) {
    await store.close();
    throw new BotStoreError(setting, bot.lastAt);
  }
  await store.noteSurface('console', clock.now());
}

export async function startConsoleEngine(options: ConsoleEngineOptions): Promise<ConsoleEngine> {
  const { config, log, terminal } = options;
  const clock = options.clock ?? systemClock;
  const store: Store = await openStore({
    databaseUrl: config.env.DATABASE_URL,
    dataDir: config.env.DATA_DIR,
    log,
  });
  await claimForConsole(store, clock, config.env.DATABASE_URL ? 'DATABASE_URL' : 'DATA_DIR');
  const registry = buildRegistry(config, log, clock);
  const groups = new ConfiguredGroups(config.file.console.groups);
  const policy = new Policy(config.file.policy.rules, groups, {
    defaultExpiresAfterMs: config.file.approvals.expiresAfter,
  });
  const choices = new RunChoices();
  const access = new ChannelAccess(everyChannel, config.file.admins);
  const audit = new AuditTrail({ store, access, clock, log });
  const schedules = new DigestSchedules({ store, policy, access, audit, clock });
  const owner = `console:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const publisher = new ConsoleDigestPublisher(terminal, registry);
  const scheduler = new DigestScheduler({
    store,
    clock,
    log,
    owner,
    publisher,
    settings: { ...DEFAULT_DIGEST_SETTINGS, ...options.digests },
  });
  const deps: EngineDeps = {
    store,
    registry,
    notifier: new ConsoleNotifier(terminal, choices),
    policy,
    clock,
    log,
    owner,
    audit,
    mutex: new KeyedMutex(),
    settings: engineSettings(config, options.engine),
  };
  const launcher = new Launcher(deps);
  const tracker = new Tracker(deps, launcher);
  tracker.start();
  scheduler.start();
  return {
    store,
    registry,
    policy,
    forms: new FormGate({ policy, audit, clock }),
    clock,
    log,
    launcher,
    tracker,
    choices,
    groups,
    approvals: new Approvals(deps, launcher),
    reruns: new Reruns(deps),
    retries: new StepRetries(deps),
    humanSteps: new HumanSteps(deps),
    runs: new RunQueries({ store, access, audit, schedules, clock }),
    audit,
    admins: config.file.admins,
    digests: {
      schedules,
      publisher,
      scheduler,
      timeZone: options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    },
    stop: async () => {
      await scheduler.stop();
      await tracker.stop();
      await store.close();
    },
  };
}
