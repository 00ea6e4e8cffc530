import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { buildRegistry, engineSettings } from '../assemble';
import type { ConsoleConfig } from '../config';
import { Approvals } from '../core/approvals/decisions';
import { AuditTrail } from '../core/audit/trail';
import { DigestSchedules } from '../core/digest/schedules';
import { RunQueries } from '../core/runs/run-queries';
import { systemClock, type Clock } from '../core/kit/clock';
import { KeyedMutex } from '../core/kit/keyed-mutex';
import type { Log } from '../core/kit/log';
import type { Registry } from '../core/operations/registry';
import { FormGate } from '../core/policy/form-gate';
import { Policy, type MembershipDirectory } from '../core/policy/policy';
import { ChannelAccess, type ChannelMembership } from '../core/runs/access';
import type { EngineDeps, EngineSettings } from '../core/runs/engine-deps';
import { Launcher } from '../core/runs/launcher';
import { Tracker } from '../core/runs/tracker';
import type { Store } from '../core/store';
import { openStore } from '../store';
import { RunChoices } from './buttons';
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
  tracker: Tracker;
  choices: RunChoices;
  log: Log;
  stop(): Promise<void>;
}

/**
 * A console has no Slack to ask who is in a user group or a channel. User groups: none (rules naming
 * groups match nobody; rules naming users work). Channels: the operator at the terminal already reads the
 * store, so every console user counts as a member of every channel.
 */
const noGroups: MembershipDirectory = { memberships: async () => [] };
const everyChannel: ChannelMembership = { isMember: async () => true };

export interface ConsoleEngineOptions {
  config: ConsoleConfig;
  terminal: Terminal;
  log: Log;
  clock?: Clock;
  engine?: Partial<EngineSettings>;
}

export async function startConsoleEngine(options: ConsoleEngineOptions): Promise<ConsoleEngine> {
  const { config, log, terminal } = options;
  const clock = options.clock ?? systemClock;
  const store: Store = await openStore({
    databaseUrl: config.env.DATABASE_URL,
    dataDir: config.env.DATA_DIR,
    log,
  });
  const registry = buildRegistry(config, log, clock);
  const policy = new Policy(config.file.policy.rules, noGroups, {
    defaultExpiresAfterMs: config.file.approvals.expiresAfter,
  });
  const choices = new RunChoices();
  const access = new ChannelAccess(everyChannel, config.file.admins);
  const audit = new AuditTrail({ store, access, clock, log });
  const schedules = new DigestSchedules({ store, policy, access, audit, clock });
  const deps: EngineDeps = {
    store,
    registry,
    notifier: new ConsoleNotifier(terminal, choices),
    policy,
    clock,
    log,
    owner: `console:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    audit,
    mutex: new KeyedMutex(),
    settings: engineSettings(config, options.engine),
  };
  const launcher = new Launcher(deps);
  const tracker = new Tracker(deps, launcher);
  tracker.start();
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
    approvals: new Approvals(deps, launcher),
    runs: new RunQueries({ store, access, audit, schedules, clock }),
    audit,
    admins: config.file.admins,
    stop: async () => {
      await tracker.stop();
      await store.close();
    },
  };
}
