import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Log } from '../core/kit/log';
import type { Metrics } from './metrics';

export interface OpsServerOptions {
  host: string;
  port: number;
  metrics: Metrics;
  /** True when the store answers. */
  healthy: () => Promise<boolean>;
  log: Log;
}

export interface OpsServer {
  /** The port actually bound (METRICS_PORT=0 picks a free one). */
  port: number;
  stop(): Promise<void>;
}

/** A scrape or probe that takes longer than this is cut off; both answer in milliseconds. */
const REQUEST_TIMEOUT_MS = 10_000;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** `GET /healthz`: 200 `{"status":"ok"}` while the store answers, else 503 `{"status":"store unavailable"}`. */
export function answerHealth(healthy: () => Promise<boolean>, res: ServerResponse): void {
  const answer = (ok: boolean) =>
    send(
      res,
      ok ? 200 : 503,
      'application/json',
      JSON.stringify({ status: ok ? 'ok' : 'store unavailable' }),
    );
  healthy().then(answer, () => answer(false));
}

function answerMetrics(metrics: Metrics, res: ServerResponse): void {
  metrics.registry.metrics().then(
    (body) => send(res, 200, metrics.registry.contentType, body),
    () => send(res, 500, 'text/plain', 'metrics unavailable'),
  );
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

/**
 * The operator's port: `GET /metrics` (Prometheus text) and `GET /healthz`, apart from the Slack port so
 * that metrics are not served to the internet. Served in HTTP mode and in Socket Mode alike.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req.url);
    const route =
      path === '/metrics'
        ? () => answerMetrics(options.metrics, res)
        : path === '/healthz'
          ? () => answerHealth(options.healthy, res)
          : undefined;
    if (!route) return send(res, 404, 'text/plain', 'not found');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' });
      res.end();
      return;
    }
    route();
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  options.log.info({ host: options.host, port }, 'metrics and health served');
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
