import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeItential, type JobScript } from '../../fakes/itential';
import { FakeSlack, type TierSettings } from '../../fakes/slack';
import { SIGNING_SECRET } from '../../support/flightdeck-harness';
import type { StorePlace } from '../../support/stores';
import { acceleratedBudget, type EngineOverrides } from './bot-contract';
import { SlackProxy } from './slack-proxy';

export const WORKFLOW = 'Nightly Backup';
export const ITENTIAL_TOKEN = 'fault-itential-token';

/**
 * Production's shape with test timings: a dead process's runs are taken over after 1.5 s, or 5 s after its
 * last post began (longer than any post to the fake Slack on loopback takes, even on a loaded machine).
 */
export const FAULT_ENGINE: EngineOverrides = {
  poll: { minMs: 40, maxMs: 150, failureMaxMs: 400 },
  leaseMs: 1_500,
  startLeaseMs: 1_500,
  postHoldMs: 5_000,
  tickMs: 20,
  pollBudget: { perSecond: 200, bySystem: {}, maxWaitMs: 500 },
  parentEditIntervalMs: 300,
  notifyRetryMs: 500,
};

/**
 * Slack's budget on the same sped-up time as FAULT_ENGINE (its timings are about ten times shorter than
 * production's): crash and replica tests run tens of runs in seconds, as Slack would in minutes.
 */
export const FAULT_SLACK_BUDGET = acceleratedBudget(10);

/**
 * The fakes a bot process talks to, in the test process: Slack (behind a proxy that injects faults per
 * channel) and Itential. `channels` public channels are added, with the bot and Alice in them.
 */
export class FaultWorld {
  readonly logDir = mkdtempSync(join(tmpdir(), 'fd-fault-logs-'));

  private constructor(
    readonly slack: FakeSlack,
    readonly proxy: SlackProxy,
    readonly itential: FakeItential,
    readonly channels: string[],
  ) {}

  /** `latencyMs`: how long Itential takes to answer, so requests of two processes could overlap. */
  static async start(options: {
    channels: number;
    script: JobScript;
    latencyMs?: number;
    /** Slack's rate limits, enforced with 429s; none by default. */
    tiers?: TierSettings;
  }): Promise<FaultWorld> {
    const slack = await FakeSlack.start({ tiers: options.tiers });
    const channels = Array.from({ length: options.channels }, (_, i) => `C0F${String(i).padStart(4, '0')}`);
    for (const id of channels) {
      slack.addChannel({
        id,
        name: id.toLowerCase(),
        isPrivate: false,
        isArchived: false,
        members: ['U0BOT', 'U0ALICE'],
      });
    }
    const itential = await new FakeItential({
      workflows: [{ name: WORKFLOW, script: options.script }],
      staticTokens: [ITENTIAL_TOKEN],
      advanceOnPoll: true,
      latencyMs: options.latencyMs ?? 0,
    }).start();
    return new FaultWorld(slack, await SlackProxy.start(slack), itential, channels);
  }

  /** A bot process's environment: `place` is its store, `itentialUrl` where it finds Itential. */
  botEnv(owner: string, place: StorePlace, itentialUrl = this.itential.url): Record<string, string> {
    const { databaseUrl, schema, dataDir } = place.options;
    const store: Record<string, string> = databaseUrl
      ? {
          DATABASE_URL: schema
            ? `${databaseUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`
            : databaseUrl,
        }
      : { DATA_DIR: dataDir };
    return {
      SLACK_BOT_TOKEN: this.slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.proxy.apiUrl,
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      ITENTIAL_BASE_URL: itentialUrl,
      ITENTIAL_TOKEN,
      FD_OWNER: owner,
      FD_ENGINE: JSON.stringify(FAULT_ENGINE),
      FD_SLACK_BUDGET: JSON.stringify(FAULT_SLACK_BUDGET),
      ...store,
    };
  }

  logFile(name: string): string {
    return join(this.logDir, `${name}.log`);
  }

  async close(): Promise<void> {
    await this.proxy.close();
    await this.slack.close();
    await this.itential.close();
  }
}
