import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ListenOptions } from 'node:net';
import {
  type App,
  type CustomRoute,
  HTTPModuleFunctions,
  HTTPReceiver,
  type Logger,
  type Receiver,
} from '@slack/bolt';
import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import type { OnceStore } from '../core/kit/once-store';
import { ReplayCache } from './replay-cache';
import { guardSlackRequest, type RejectionStatus } from './request-guard';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The largest request body read. Slack's biggest payload is a view submission: the view itself (at most
 * 250 kB, `view_too_large`) plus its state (Flightdeck's modals hold a few inputs of at most 3000 characters),
 * form-encoded, which can triple punctuation and multi-byte text. 1 MiB leaves room for that while bounding
 * what an unauthenticated client can make the process buffer (Bolt's own default is 4 MB).
 */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** A whole request (headers and body) must arrive within this; Slack sends at once, slow clients are cut off. */
const REQUEST_TIMEOUT_MS = 10_000;
const HEADERS_TIMEOUT_MS = 5_000;
/** On stop, requests in flight get this long to be acknowledged (Slack's ack deadline plus a margin). */
const DRAIN_MS = 3_500;

export interface GuardedReceiverOptions {
  signingSecret: string;
  /** Served before anything else (health, metrics); exact paths. */
  routes: CustomRoute[];
  log: Log;
  /** Judges the request timestamp's window. */
  clock: Clock;
  /** Bolt's logger, for the receiver it hands verified requests to. */
  logger: Logger;
  bodyLimitBytes?: number;
  /** Where replicas share the keys of accepted requests; unset: this process's memory alone. */
  requestKeys?: OnceStore;
}

type Rejection = 404 | 405 | 413 | RejectionStatus;

/**
 * Slack in HTTP mode behind a guard: every request to the Slack endpoint is buffered with a size limit and
 * checked (`guardSlackRequest`) before Bolt's HTTPReceiver, and so any listener, sees it. Bolt reuses the
 * buffered body (`req.rawBody`). Its own signature check is off: it would compute the same HMAC again before
 * every ack, and nothing reaches it but through the guard.
 */
export class GuardedHttpReceiver implements Receiver {
  private readonly bolt: HTTPReceiver;
  private readonly replays: ReplayCache;
  private readonly bodyLimit: number;
  private server?: Server;

  constructor(private readonly options: GuardedReceiverOptions) {
    this.bodyLimit = options.bodyLimitBytes ?? BODY_LIMIT_BYTES;
    this.replays = new ReplayCache(options.requestKeys && { store: options.requestKeys, log: options.log });
    this.bolt = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      logger: options.logger,
      bodyLimit: this.bodyLimit,
      signatureVerification: false,
    });
  }

  init(app: App): void {
    this.bolt.init(app);
  }

  async start(listen: ListenOptions): Promise<Server> {
    if (this.server) throw new Error('the Slack HTTP server is already started');
    const server = createServer((req, res) => this.dispatch(req, res));
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** Stops accepting, lets requests in flight finish briefly, then closes every connection. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, DRAIN_MS);
    });
    await Promise.race([closed, drained]);
    clearTimeout(timer);
    server.closeAllConnections();
    await closed;
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = pathOf(req.url);
    const route = this.options.routes.find((r) => r.path === path);
    if (route) {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (methods.includes(method)) route.handler(Object.assign(req, { params: {} }), res);
      else this.reject(req, res, 405, 'method not allowed', methods.join(', '));
      return;
    }
    if (path !== SLACK_EVENTS_PATH) return this.reject(req, res, 404, 'unknown path');
    if (method !== 'POST') return this.reject(req, res, 405, 'method not allowed', 'POST');
    void this.receive(req, res);
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let rawBody: Buffer;
    try {
      rawBody = (await HTTPModuleFunctions.bufferIncomingMessage(req, this.bodyLimit)).rawBody;
    } catch (err) {
      const tooLarge = HTTPModuleFunctions.isRawBodyError(err) && err.statusCode === 413;
      return this.reject(req, res, tooLarge ? 413 : 400, tooLarge ? 'body too large' : 'body unreadable');
    }
    const verdict = await guardSlackRequest(
      { headers: req.headers, rawBody },
      {
        signingSecret: this.options.signingSecret,
        nowSec: Math.floor(this.options.clock.now().getTime() / 1000),
        replays: this.replays,
      },
    );
    if (!verdict.ok) return this.reject(req, res, verdict.status, verdict.reason);
    this.bolt.requestListener(req, res);
  }

  /** Answers without a body and logs what was refused, never the body or the headers' values. */
  private reject(
    req: IncomingMessage,
    res: ServerResponse,
    status: Rejection,
    reason: string,
    allow?: string,
  ): void {
    const fields = {
      status,
      reason,
      method: req.method,
      path: pathOf(req.url).slice(0, 200),
      bytes: Number(req.headers['content-length'] ?? 0) || undefined,
    };
    // Refusals at the Slack endpoint may be attacks worth a look; other paths are scanners' noise, and a
    // retry of an event already received (answered 200) is Slack's own.
    if (fields.path !== SLACK_EVENTS_PATH) this.options.log.info(fields, 'HTTP request refused');
    else if (status === 200) this.options.log.info(fields, 'Slack event already received; not handled again');
    else this.options.log.warn(fields, 'Slack request rejected');
    const headers: Record<string, string> = allow ? { allow } : {};
    // The rest of an unread body would otherwise be parsed as the next request on this connection.
    if (status === 413 || !req.complete) headers.connection = 'close';
    res.writeHead(status, headers);
    res.end();
  }
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}
