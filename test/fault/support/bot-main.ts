import { z } from 'zod';
import { serveChild } from '../../../bench/support/child-main';
import { loadConfig } from '../../../src/config';
import { startFlightdeck } from '../../../src/flightdeck';
import { INTEGRATIONS } from '../../../src/integrations';
import { createLogger } from '../../../src/observability/logger';

/** Engine timings a fault test or benchmark sets for the bot (FD_ENGINE, JSON); the rest are defaults. */
export const engineOverrides = z
  .object({
    poll: z.object({ minMs: z.number(), maxMs: z.number(), failureMaxMs: z.number() }),
    leaseMs: z.number(),
    startLeaseMs: z.number(),
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

/** What the bot reports when asked. */
export const botStats = z.object({ rssPeakBytes: z.number(), rssBytes: z.number() });
export type BotStats = z.infer<typeof botStats>;

const RSS_SAMPLE_MS = 100;

/** The bot as main.ts composes it, in its own process, named FD_OWNER in leases. */
serveChild(async () => {
  const config = loadConfig(process.env, INTEGRATIONS);
  const log = createLogger(config.env.LOG_LEVEL);
  const engine = engineOverrides.parse(JSON.parse(process.env.FD_ENGINE ?? '{}'));
  const flightdeck = await startFlightdeck({
    config,
    log,
    host: '127.0.0.1',
    owner: process.env.FD_OWNER,
    engine,
    webApiRetries: 0,
  });
  let rssPeakBytes = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS);
  sampler.unref();
  return {
    info: { port: flightdeck.port },
    handle: async (): Promise<BotStats> => ({ rssPeakBytes, rssBytes: process.memoryUsage.rss() }),
    stop: async () => {
      clearInterval(sampler);
      await flightdeck.stop();
    },
  };
});
