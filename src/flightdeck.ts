import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { App } from '@slack/bolt';
import { buildRegistry, engineSettings } from './assemble';
import type { Config } from './config';
import { ChannelAccess } from './core/runs/access';
import { systemClock, type Clock } from './core/kit/clock';
import { DEFAULT_DIGEST_SETTINGS, DigestScheduler, type DigestSettings } from './core/digest/scheduler';
import type { EngineDeps, EngineSettings } from './core/runs/engine-deps';
import { KeyedMutex } from './core/kit/keyed-mutex';
import { Periodic } from './core/kit/periodic';
import { Approvals } from './core/approvals/decisions';
import { AuditTrail } from './core/audit/trail';
import { DigestSchedules } from './core/digest/schedules';
import { FormGate } from './core/policy/form-gate';
import { RunQueries } from './core/runs/run-queries';
import { Launcher } from './core/runs/launcher';
import { Reruns } from './core/runs/rerun';
import { StepRetries } from './core/runs/retry';
import { HumanSteps } from './core/runs/human-steps';
import type { Log } from './core/kit/log';
import { Policy } from './core/policy/policy';
import type { Registry } from './core/operations/registry';
import { Tracker } from './core/runs/tracker';
import { Metrics } from './observability/metrics';
import { startOpsServer, type OpsServer } from './observability/ops-server';
import { registerSlackQueueDepth } from './observability/slack-budget-metrics';
import { AfterAck } from './slack/after-ack';
import { createSlackApp } from './slack/app';
import { SlackApprovalBoard } from './slack/approval-board';
import { AuditFeed } from './slack/audit-feed';
import { SlackChannelMembership } from './slack/channel-members';
import { registerListeners } from './slack/listeners';
import { SlackMembershipDirectory } from './slack/membership-directory';
import { Permalinks } from './slack/permalinks';
import { PacedSlack } from './slack/paced-slack';
import { SlackDigestPublisher } from './slack/slack-digest-publisher';
import { notifierClient, SlackNotifier } from './slack/slack-notifier';
import { HomePublisher } from './slack/home-publisher';
import { DEFAULT_SLACK_BUDGET, SlackBudget, type SlackBudgetSettings } from './slack/slack-budget';
import { UserTimeZones } from './slack/user-time-zones';
import { ApprovalInbox } from './core/approvals/inbox';
import { NotifyPreferences } from './core/direct/notify-preferences';
import { homeContent } from './slack/home-content';
import { HomeRefresh } from './slack/home-refresh';
import { SlackDirectMessenger } from './slack/slack-direct-messenger';
import { SlackReplyEdits } from './slack/slack-reply-edits';
import { homeView } from './slack/ui/home';

const DEFAULT_HOME_REFRESH_MS = 3_000;
import type { SlackDeps } from './slack/deps';
import { openStore } from './store';
import type { Store } from './core/store';

export interface FlightdeckOptions {
  config: Config;
  log: Log;
  clock?: Clock;
  /**
   * What Slack's request timestamps are judged against: real time, as Slack signs with it, even when `clock`
   * is moved; a test holds it to sign and judge in the same second.
   */
  requestClock?: Clock;
  /** Tracker and lease timings; tests shorten them. */
  engine?: Partial<EngineSettings>;
  /** The workspace's Slack Web API budget; tests and benchmarks set their fake's tiers. */
  slackBudget?: Partial<SlackBudgetSettings>;
  /** At most one Home tab republish per person in this long (default 3 s). */
  homeRefreshMs?: number;
  /** Digest scheduler timings; tests shorten them. */
  digests?: Partial<DigestSettings>;
  /** How long a form waits for upstream checks and picker searches; tests on a busy machine lengthen them. */
  formDeadlines?: Partial<SlackDeps['timing']>;
  /** Slack Web API retries (tests: 0). */
  webApiRetries?: number;
  /** Socket Mode pong timeout and reconnect wait (tests shorten it). */
  socketPingTimeoutMs?: number;
  /** Interface to listen on in HTTP mode. */
  host?: string;
  /** Name of this process in run leases. */
  owner?: string;
  /** Opens the store; default from DATABASE_URL / DATA_DIR. Tests pass an isolated one. */
  openStore?: () => Promise<Store>;
}

/** Inside Slack's 3 s to answer a submission or a picker, with room for the rest of the answer. */
const FORM_DEADLINES: SlackDeps['timing'] = { validateDeadlineMs: 1_500, searchDeadlineMs: 2_000 };

export interface Flightdeck {
  app: App;
  store: Store;
  registry: Registry;
  tracker: Tracker;
  digests: DigestScheduler;
  launcher: Launcher;
  afterAck: AfterAck;
  metrics: Metrics;
  /** The HTTP port actually bound (HTTP mode). */
  port?: number;
  /** The metrics and health port actually bound (both modes). */
  metricsPort: number;
  stop(): Promise<void>;
}

const REQUEST_KEY_SWEEP_MS = 5 * 60_000;

/** The composition root: config → store → integrations → core → Slack app → started. */
export async function startFlightdeck(options: FlightdeckOptions): Promise<Flightdeck> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const store = options.openStore
    ? await options.openStore()
    : await openStore({ databaseUrl: config.env.DATABASE_URL, dataDir: config.env.DATA_DIR, log });
  const metrics = new Metrics(clock);
  let ops: OpsServer | undefined;
  try {
    await store.noteSurface('slack', clock.now());
    const registry = buildRegistry(config, log, clock);
    const healthy = () =>
      store.ping().then(
        () => true,
        () => false,
      );
    metrics.watchRuns(store);
    ops = await startOpsServer({
      host: config.env.METRICS_HOST,
      port: config.env.METRICS_PORT,
      metrics,
      healthy,
      log,
    });
    const app = createSlackApp({
      botToken: config.env.SLACK_BOT_TOKEN,
      appToken: config.env.SLACK_APP_TOKEN,
      signingSecret: config.env.SLACK_SIGNING_SECRET,
      apiUrl: config.env.SLACK_API_URL,
      log,
      clock: options.requestClock ?? systemClock,
      metrics,
      webApiRetries: options.webApiRetries,
      socketPingTimeoutMs: options.socketPingTimeoutMs,
      healthy,
      requestKeys: store.shared ? store : undefined,
    });
    await app.init();
    const rules = config.file.policy.rules;
    if (rules.length === 0)
      log.warn({}, 'no policy rules configured: everyone may run every configured operation');
    const policy = new Policy(rules, new SlackMembershipDirectory(app.client, clock, log), {
      defaultExpiresAfterMs: config.file.approvals.expiresAfter,
    });
    const access = new ChannelAccess(new SlackChannelMembership(app.client, clock, log), config.file.admins);
    const audit = new AuditTrail({ store, access, clock, log });
    // One cache of message links: the audit feed, /ops audit and the digests all link to run messages.
    const permalinks = new Permalinks(app.client, log);
    const { auditChannel } = config.file;
    const auditFeed = auditChannel
      ? new AuditFeed(app.client, auditChannel, permalinks, audit, log)
      : undefined;
    if (auditFeed) audit.subscribe(auditFeed);
    const notifyClient = notifierClient({
      token: config.env.SLACK_BOT_TOKEN,
      apiUrl: config.env.SLACK_API_URL,
      log,
    });
    metrics.watchSlackClient(notifyClient);
    const slackBudget = new SlackBudget(store, clock, { ...DEFAULT_SLACK_BUDGET, ...options.slackBudget });
    registerSlackQueueDepth(metrics.registry, slackBudget);
    const pacedSlack = new PacedSlack(notifyClient, slackBudget, log);
    const replyEdits = new SlackReplyEdits(pacedSlack);
    const homePublisher = new HomePublisher(notifyClient, slackBudget, log);
    const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const homes = new HomeRefresh({
      publish: (userId) =>
        homePublisher.publish(userId, async () => homeView(await homeContent(slackDeps, userId))),
      marks: store,
      owner,
      clock,
      log,
      intervalMs: options.homeRefreshMs ?? DEFAULT_HOME_REFRESH_MS,
    });
    const deps: EngineDeps = {
      store,
      audit,
      registry,
      notifier: metrics.observe(new SlackNotifier(notifyClient, clock, log, slackBudget)),
      directMessenger: new SlackDirectMessenger(pacedSlack, permalinks),
      homeRefresher: homes,
      retriedReplies: replyEdits,
      decidedSteps: replyEdits,
      policy,
      clock,
      log,
      owner,
      mutex: new KeyedMutex(),
      approvalBoard: new SlackApprovalBoard(app.client, log),
      settings: engineSettings(config, options.engine),
    };
    const launcher = new Launcher(deps);
    const approvals = new Approvals(deps, launcher);
    const publisher = metrics.observeDigests(new SlackDigestPublisher(pacedSlack, registry, permalinks));
    const digests = new DigestScheduler({
      store,
      clock,
      log: log.child({ component: 'digests' }),
      owner: deps.owner,
      publisher,
      settings: { ...DEFAULT_DIGEST_SETTINGS, ...options.digests },
    });
    const tracker = new Tracker(deps, launcher);
    // Once keys: request keys (only a shared store holds them, see ReplayCache) and re-run clicks. Any replica
    // may forget the expired ones.
    const requestKeySweep = new Periodic(
      'request key sweep',
      REQUEST_KEY_SWEEP_MS,
      () => store.sweepOnceKeys(clock.now()),
      log,
    );
    const afterAck = new AfterAck(log);
    const schedules = new DigestSchedules({ store, policy, access, audit, clock });
    const slackDeps: SlackDeps = {
      registry,
      policy,
      forms: new FormGate({ policy, audit, clock }),
      launcher,
      tracker,
      runs: new RunQueries({ store, access, audit, schedules, clock }),
      clock,
      log,
      afterAck,
      homes: homePublisher,
      approvals,
      inbox: new ApprovalInbox({ store, policy, registry }),
      notify: new NotifyPreferences({ store, audit, clock }),
      reruns: new Reruns(deps),
      retries: new StepRetries(deps),
      humanSteps: new HumanSteps(deps),
      audit: { trail: audit, permalinks },
      digests: { schedules, timeZones: new UserTimeZones(app.client, clock, log), permalinks, publisher },
      timing: { ...FORM_DEADLINES, ...options.formDeadlines },
    };
    registerListeners(app, slackDeps);
    const server: unknown = config.env.SLACK_APP_TOKEN
      ? await app.start()
      : await app.start({ port: config.env.PORT, host: options.host ?? '0.0.0.0' });
    const address = (server as { address?: () => unknown }).address?.();
    const port =
      typeof address === 'object' && address !== null ? (address as { port: number }).port : undefined;
    tracker.start();
    homes.start();
    digests.start();
    requestKeySweep.start();
    log.info(
      {
        port,
        metricsPort: ops.port,
        mode: config.env.SLACK_APP_TOKEN ? 'socket' : 'http',
        systems: registry.runnable().map((op) => op.id),
      },
      'Flightdeck is ready',
    );
    return {
      app,
      store,
      registry,
      tracker,
      digests,
      launcher,
      afterAck,
      metrics,
      port,
      metricsPort: ops.port,
      stop: async () => {
        await tracker.stop();
        await homes.stop();
        await digests.stop();
        await requestKeySweep.stop();
        await app.stop();
        await afterAck.drain();
        await auditFeed?.drain();
        await ops?.stop();
        metrics.close();
        await store.close();
      },
    };
  } catch (err) {
    await ops?.stop();
    metrics.close();
    await store.close();
    throw err;
  }
}
