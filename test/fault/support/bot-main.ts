import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { serveChild } from '../../../bench/support/child-main';
import { loadConfig } from '../../../src/config';
import { startFlightdeck } from '../../../src/flightdeck';
import { INTEGRATIONS } from '../../../src/integrations';
import { createLogger } from '../../../src/observability/logger';
import { digestOverrides, engineOverrides, slackBudgetOverrides, type BotStats } from './bot-contract';
import { busiestSecond } from './busiest-second';

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
    slackBudget: slackBudgetOverrides.parse(JSON.parse(process.env.FD_SLACK_BUDGET ?? '{}')),
    digests: digestOverrides.parse(JSON.parse(process.env.FD_DIGESTS ?? '{}')),
    webApiRetries: 0,
  });
  const peak = { rssPeakBytes: 0, heapUsedPeakBytes: 0, heapTotalPeakBytes: 0 };
  const sample = () => {
    const { rss, heapUsed, heapTotal } = process.memoryUsage();
    peak.rssPeakBytes = Math.max(peak.rssPeakBytes, rss);
    peak.heapUsedPeakBytes = Math.max(peak.heapUsedPeakBytes, heapUsed);
    peak.heapTotalPeakBytes = Math.max(peak.heapTotalPeakBytes, heapTotal);
  };
  sample();
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  sampler.unref();
  // When each watched request left this process, to check a budget where it is spent.
  const watchPath = process.env.FD_WATCH_PATH ? new RegExp(process.env.FD_WATCH_PATH) : undefined;
  const watched: number[] = [];
  const onRequest = (message: unknown) => {
    const { request } = message as { request: { path: string } };
    if (watchPath?.test(request.path)) watched.push(performance.now());
  };
  subscribe('http.client.request.start', onRequest);
  return {
    info: { port: flightdeck.port },
    handle: async (): Promise<BotStats> => ({
      ...peak,
      rssBytes: process.memoryUsage.rss(),
      cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
      watched: { count: watched.length, busiestSecond: busiestSecond(watched) },
    }),
    stop: async () => {
      clearInterval(sampler);
      unsubscribe('http.client.request.start', onRequest);
      await flightdeck.stop();
    },
  };
});
