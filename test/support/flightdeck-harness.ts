import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import type { Clock } from '../../src/core/kit/clock';
import type { DigestSettings } from '../../src/core/digest/scheduler';
import type { EngineSettings } from '../../src/core/runs/engine-deps';
import { startFlightdeck, type Flightdeck } from '../../src/flightdeck';
import { INTEGRATIONS } from '../../src/integrations';
import { createLogger } from '../../src/observability/logger';
import {
  type FakeChannel,
  FakeSlack,
  waitFor,
  type ElementInput,
  type FakeMessage,
  type FakeView,
} from '../fakes/slack';
import { FakeSocketMode } from '../fakes/slack/socket-mode';
import type { RunRecord } from '../../src/core/runs/run-store';
import { SlackDriver, type CommandResponse, type DriverResponse } from './slack-driver';
import type { StorePlace } from './stores';

export const SIGNING_SECRET = 'e2e-signing-secret-0123456789';

/** Timings short enough for tests, with the same shape as production. */
export const FAST_ENGINE: Partial<EngineSettings> = {
  poll: { minMs: 40, maxMs: 150, failureMaxMs: 400 },
  leaseMs: 1_500,
  startLeaseMs: 1_500,
  // Longer than any post to the fake Slack on loopback takes, even on a loaded machine.
  postHoldMs: 5_000,
  recoverDelaysMs: [50, 200],
  contactLostAfter: 3,
  tickMs: 20,
};

/**
 * Upstream checks and picker searches may take as long as they need to answer on a busy machine: what the
 * tests look at (a module's name in the facts, the options of a picker) must not depend on a deadline that
 * speed decides. The deadlines themselves are tested with the functions that keep them (core/operations/forms).
 */
const PATIENT_FORMS = { validateDeadlineMs: 20_000, searchDeadlineMs: 20_000 };

export interface HarnessOptions {
  place: StorePlace;
  /** Extra environment: upstream URLs and credentials. */
  env?: Record<string, string>;
  /** YAML for FLIGHTDECK_CONFIG. */
  configYaml?: string;
  engine?: Partial<EngineSettings>;
  digests?: Partial<DigestSettings>;
  /** The bot's clock; the system clock when left out. */
  clock?: Clock;
  /** At most one Home tab republish per person in this long (the bot's default when left out). */
  homeRefreshMs?: number;
  /** What the bot judges request timestamps against; the system clock when left out. */
  requestClock?: Clock;
  slack?: FakeSlack;
  /** Channels the workspace has besides the fake's own (an approvals or audit channel). */
  channels?: FakeChannel[];
  /** Socket Mode (SLACK_APP_TOKEN, no signing secret) over a FakeSocketMode instead of signed HTTP. */
  socketMode?: boolean;
  /** Socket Mode over this FakeSocketMode (of `slack`, shared with another replica), left open on close. */
  socket?: FakeSocketMode;
}

/**
 * Socket Mode pong timeout, which is also the client's wait before reconnecting: short, yet long enough that a
 * busy test machine never misses a pong.
 */
export const SOCKET_PING_TIMEOUT_MS = 2_000;

/** Every log line the bot wrote, as text (for the secret scan and for debugging a failure). */
export class LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
    // FD_TEST_LOGS=1 shows the bot's log while debugging a test.
    if (process.env.FD_TEST_LOGS) process.stdout.write(line);
  }
}

/**
 * The bot as it runs in production (HTTP mode or Socket Mode, real Bolt receiver, real store), on loopback,
 * talking to a fake Slack; `driver` acts as Slack towards it with signed requests or Socket Mode envelopes.
 */
export class Harness {
  bot!: Flightdeck;
  driver!: SlackDriver;
  readonly logs = new LogSink();

  private constructor(
    readonly slack: FakeSlack,
    private readonly options: HarnessOptions,
    private readonly env: Record<string, string>,
    /** Set in Socket Mode. */
    readonly socket?: FakeSocketMode,
  ) {}

  static async start(options: HarnessOptions): Promise<Harness> {
    const slack = options.slack ?? (await FakeSlack.start());
    for (const channel of options.channels ?? []) slack.addChannel(channel);
    const socket = options.socket ?? (options.socketMode ? await FakeSocketMode.start(slack) : undefined);
    const env: Record<string, string> = {
      SLACK_BOT_TOKEN: slack.botToken,
      ...(socket ? { SLACK_APP_TOKEN: socket.appToken } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'debug',
      ...options.env,
    };
    if (options.configYaml) {
      const path = join(mkdtempSync(join(tmpdir(), 'fd-e2e-')), 'flightdeck.yml');
      writeFileSync(path, options.configYaml);
      env.FLIGHTDECK_CONFIG = path;
    }
    const harness = new Harness(slack, options, env, socket);
    await harness.boot();
    return harness;
  }

  /** Starts the bot (again): a restart keeps the store, the fakes and the logs. */
  async boot(): Promise<void> {
    const config = loadConfig(this.env, INTEGRATIONS);
    const log = createLogger(config.env.LOG_LEVEL, this.logs);
    this.bot = await startFlightdeck({
      config,
      log,
      host: '127.0.0.1',
      webApiRetries: 0,
      socketPingTimeoutMs: SOCKET_PING_TIMEOUT_MS,
      engine: { ...FAST_ENGINE, ...this.options.engine },
      formDeadlines: PATIENT_FORMS,
      digests: this.options.digests,
      clock: this.options.clock,
      homeRefreshMs: this.options.homeRefreshMs,
      requestClock: this.options.requestClock,
      openStore: () => this.options.place.openStore({ log }),
    });
    this.driver = new SlackDriver(
      this.socket
        ? { socket: this.socket, fake: this.slack }
        : {
            baseUrl: `http://127.0.0.1:${String(this.bot.port)}`,
            signingSecret: SIGNING_SECRET,
            fake: this.slack,
          },
    );
  }

  async restart(): Promise<void> {
    await this.stopBot();
    await this.boot();
  }

  async stopBot(): Promise<void> {
    await this.driver.close();
    await this.bot.stop();
  }

  async close(): Promise<void> {
    await this.stopBot();
    if (!this.options.socket) await this.socket?.close();
    if (!this.options.slack) await this.slack.close();
  }

  /** The modal the bot opened most recently for `user`. */
  async openedView(user: string, callbackId: string, after = 0): Promise<FakeView> {
    return waitFor(
      () =>
        this.slack
          .openedViews()
          .slice(after)
          .reverse()
          .find((v) => this.slack.viewOwner(v.id) === user && v.callback_id === callbackId),
      3_000,
      () => `a ${callbackId} view for ${user}`,
    );
  }

  /** `user` types `/ops <text>` in `channelId`; resolves with the command's ack and the modal it opened. */
  async commandModal(
    user: string,
    text: string,
    channelId: string,
    callbackId = 'fd.operation',
  ): Promise<{ ack: CommandResponse; view: FakeView }> {
    const before = this.slack.openedViews().length;
    const ack = await this.driver.command(text, { userId: user, channelId });
    return { ack, view: await this.openedView(user, callbackId, before) };
  }

  /**
   * `user` submits the modal of `/ops <text>` in `channelId` with `values`. Resolves with a probe for the runs
   * `user` requested since: the first such run `where` accepts, or undefined.
   */
  async submitCommand(
    user: string,
    text: string,
    channelId: string,
    values: Record<string, ElementInput>,
  ): Promise<(where?: (run: RunRecord) => boolean) => Promise<RunRecord | undefined>> {
    const runsOf = () => this.bot.store.listRuns({ requesterId: user, limit: 100 });
    const known = new Set((await runsOf()).map((r) => r.id));
    const { view } = await this.commandModal(user, text, channelId);
    await this.driver.viewSubmission(view, values, user);
    return async (where = () => true) => (await runsOf()).find((r) => !known.has(r.id) && where(r));
  }

  /** The modal `viewId` once the bot has rebuilt it with a block `blockId` (forms rebuild on each choice). */
  async viewWithBlock(viewId: string, blockId: string): Promise<FakeView> {
    return waitFor(
      () => {
        const v = this.slack.view(viewId);
        return v && JSON.stringify(v.blocks).includes(`"block_id":"${blockId}"`) ? v : undefined;
      },
      3000,
      () => `view ${viewId} with block ${blockId}`,
    );
  }

  /** Message `ts` in `channel` once its text shows `text` (a status line edited in place). */
  async messageShowing(channel: string, ts: string, text: string): Promise<FakeMessage> {
    return waitFor(
      () => {
        const m = this.slack.message(channel, ts);
        return m && blocksText(m).includes(text) ? m : undefined;
      },
      3000,
      () => `message ${ts} in ${channel} showing "${text}"`,
    );
  }

  /** `user` opens the App Home tab: the event's ack, and the Home view the bot then published for them. */
  async openHome(user: string): Promise<{ ack: DriverResponse; home: FakeView }> {
    const before = this.slack.calls('views.publish').length;
    const ack = await this.driver.appHomeOpened(user);
    // Answered for this user: the bot also republishes other people's tabs on its own as runs move.
    await waitFor(
      () =>
        this.slack
          .calls('views.publish')
          .slice(before)
          .some((c) => c.params.user_id === user && c.status === 200)
          ? true
          : undefined,
      3_000,
      () => `views.publish for ${user}`,
    );
    const home = this.slack.homeView(user);
    if (!home) throw new Error(`no Home tab for ${user}`);
    return { ack, home };
  }

  /** The run's parent message: the first top-level message in the channel carrying that run's id. */
  async parentOf(channel: string, predicate: (m: FakeMessage) => boolean = () => true): Promise<FakeMessage> {
    return waitFor(
      () => this.slack.messages(channel).find((m) => !m.threadTs && predicate(m)),
      5_000,
      () => `a parent message in ${channel}`,
    );
  }

  /** Waits until the thread under `parent` has `count` replies, and returns their texts. */
  async threadTexts(
    channel: string,
    parentTs: string,
    until: (texts: string[]) => boolean,
    timeoutMs = 8_000,
  ) {
    return waitFor(
      () => {
        const texts = this.slack.thread(channel, parentTs).map((m) => blocksText(m));
        return until(texts) ? texts : undefined;
      },
      timeoutMs,
      () =>
        `thread replies in ${channel}/${parentTs}: ${JSON.stringify(this.slack.thread(channel, parentTs).map((m) => blocksText(m)))}`,
    );
  }
}

/**
 * A new public channel with `members` each time it is called (`<prefix>1`, `<prefix>2`, …): a test in its own
 * channel is not held up by the per-channel pacing of the tests before it.
 */
export function channelMaker(slack: FakeSlack, prefix: string, members: string[]): () => string {
  let made = 0;
  return () => {
    made += 1;
    const id = `${prefix}${made}`;
    slack.addChannel({ id, name: id.toLowerCase(), isPrivate: false, isArchived: false, members });
    return id;
  };
}

/** All the text a person sees in a message: its blocks' text, or the fallback. */
export function blocksText(message: { text?: string; blocks?: unknown }): string {
  const texts: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'text' && typeof child === 'string') texts.push(child);
        else walk(child);
      }
    }
  };
  walk(message.blocks);
  return texts.length > 0 ? texts.join('\n') : (message.text ?? '');
}
