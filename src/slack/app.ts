import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, type CustomRoute, LogLevel, webApi } from '@slack/bolt';
import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import type { OnceStore } from '../core/kit/once-store';
import type { Metrics } from '../observability/metrics';
import { answerHealth } from '../observability/ops-server';
import { boltLogger } from './bolt-logger';
import { GuardedHttpReceiver } from './http-server';
import { SocketReceiver } from './socket-receiver';

export interface SlackAppOptions {
  botToken: string;
  /** Set → Socket Mode; unset → HTTP mode on `POST /slack/events`. */
  appToken?: string;
  signingSecret?: string;
  apiUrl?: string;
  log: Log;
  /** HTTP mode: the time request timestamps are checked against; both modes: when request keys expire. */
  clock: Clock;
  metrics: Metrics;
  /** Answers /healthz: true when the store answers. */
  healthy: () => Promise<boolean>;
  /** Web API retries; production keeps Slack's defaults, tests turn them off. */
  webApiRetries?: number;
  /** Socket Mode: pong timeout, also the wait before a reconnect (Bolt's default 5 s); tests shorten it. */
  socketPingTimeoutMs?: number;
  /** Where replicas share the keys of accepted requests and deliveries (ReplayCache, SocketRedeliveries). */
  requestKeys?: OnceStore;
}

/**
 * The Slack port (HTTP mode) answers /healthz too, for a load balancer that can only reach it; /metrics
 * is served on the metrics port only (src/observability/ops-server.ts).
 */
function routes(options: SlackAppOptions): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req: IncomingMessage, res: ServerResponse) => answerHealth(options.healthy, res),
    },
  ];
}

/** The Bolt app in Socket Mode or HTTP mode; listeners are the same in both. */
export function createSlackApp(options: SlackAppOptions): App {
  const logger = boltLogger(options.log);
  const clientOptions = {
    slackApiUrl: options.apiUrl,
    timeout: 10_000,
    // Slack's default (ten retries over ~30 minutes) would keep a bot whose Slack is unreachable from
    // ever serving /healthz; five minutes is long enough to ride out a blip and short enough to fail visibly.
    retryConfig:
      options.webApiRetries !== undefined
        ? { retries: options.webApiRetries }
        : webApi.retryPolicies.fiveRetriesInFiveMinutes,
  };
  const common = {
    token: options.botToken,
    logger,
    logLevel: LogLevel.INFO,
    clientOptions,
    // auth.test runs in app.init(), where a failure can be reported instead of crashing the process.
    deferInitialization: true,
    // No listener reads context.conversation: Bolt's in-memory conversation store would only cost every
    // request a lookup before its ack.
    convoStore: false as const,
  };
  const app = options.appToken
    ? new App({
        ...common,
        // Bolt's own socketMode flag only accepts its SocketModeReceiver, which this one wraps.
        receiver: new SocketReceiver({
          appToken: options.appToken,
          logger,
          clientOptions,
          clientPingTimeoutMs: options.socketPingTimeoutMs,
          log: options.log,
          clock: options.clock,
          requestKeys: options.requestKeys,
        }),
      })
    : new App({
        ...common,
        receiver: new GuardedHttpReceiver({
          signingSecret: options.signingSecret ?? '',
          routes: routes(options),
          log: options.log,
          clock: options.clock,
          logger,
          requestKeys: options.requestKeys,
        }),
      });
  options.metrics.watchSlackClient(app.client);
  app.use(async ({ body, client, next }) => {
    const kind = typeof body.type === 'string' ? body.type : 'command' in body ? 'slash_command' : 'other';
    options.metrics.slackRequests.inc({ kind });
    // Listeners get a client from Bolt's pool, not app.client: its 429s count too.
    options.metrics.watchSlackClient(client);
    await next();
  });
  app.error(async (err) => {
    options.log.error({ err: err.message, code: (err as { code?: string }).code }, 'Slack listener failed');
  });
  return app;
}
