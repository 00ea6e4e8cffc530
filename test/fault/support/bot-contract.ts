import { z } from 'zod';
import { DEFAULT_SLACK_BUDGET } from '../../../src/slack/slack-budget';

/** Engine timings a fault test or benchmark sets for a bot process (FD_ENGINE, JSON); the rest are defaults. */
export const engineOverrides = z
  .object({
    poll: z.object({ minMs: z.number(), maxMs: z.number(), failureMaxMs: z.number() }),
    leaseMs: z.number(),
    startLeaseMs: z.number(),
    postHoldMs: z.number(),
    tickMs: z.number(),
    batchSize: z.number(),
    pollBudget: z.object({
      perSecond: z.number(),
      bySystem: z.record(z.string(), z.number()),
      maxWaitMs: z.number(),
    }),
    parentEditIntervalMs: z.number(),
    notifyRetryMs: z.number(),
  })
  .partial();
export type EngineOverrides = z.infer<typeof engineOverrides>;

/** Digest scheduler timings a fault test sets for a bot process (FD_DIGESTS, JSON); the rest are defaults. */
export const digestOverrides = z
  .object({ tickMs: z.number(), leaseMs: z.number(), retryMs: z.number(), maxAttempts: z.number() })
  .partial();
export type DigestOverrides = z.infer<typeof digestOverrides>;

const tier = z.object({ perMinute: z.number(), burst: z.number() });

/** The Slack budget a benchmark sets for a bot process (FD_SLACK_BUDGET, JSON), matching its fake's tiers. */
export const slackBudgetOverrides = z
  .object({
    workspace: z.record(z.string(), tier),
    postsPerChannel: z.object({ perSecond: z.number(), burst: z.number() }),
    aheadMs: z.object({ urgent: z.number(), routine: z.number() }),
    maxWaiting: z.number(),
  })
  .partial();
export type SlackBudgetOverrides = z.infer<typeof slackBudgetOverrides>;

/** The bot's Slack budget with Slack's time running `speed` times faster, as a sped-up fake's tiers are. */
export function acceleratedBudget(speed: number): SlackBudgetOverrides {
  const d = DEFAULT_SLACK_BUDGET;
  return {
    workspace: Object.fromEntries(
      Object.entries(d.workspace).map(([m, t]) => [m, { ...t, perMinute: t.perMinute * speed }]),
    ),
    postsPerChannel: { ...d.postsPerChannel, perSecond: d.postsPerChannel.perSecond * speed },
    aheadMs: { urgent: d.aheadMs.urgent / speed, routine: d.aheadMs.routine / speed },
  };
}

/** What a bot process reports when asked. */
export const botStats = z.object({
  rssPeakBytes: z.number(),
  rssBytes: z.number(),
  heapUsedPeakBytes: z.number(),
  heapTotalPeakBytes: z.number(),
  /** CPU time the process used so far (user and system), in seconds. */
  cpuSeconds: z.number(),
  /** Outgoing requests whose path matches FD_WATCH_PATH, as the bot sent them. */
  watched: z.object({ count: z.number(), busiestSecond: z.number() }),
});
export type BotStats = z.infer<typeof botStats>;
