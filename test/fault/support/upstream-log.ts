import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { loopbackServer } from '../../fakes/loopback-server';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { readBody } from '../../fakes/slack/request-body';
import { forward } from './forward';

/** One upstream request as a proxy saw it: which process sent it and when it was in flight. */
export interface UpstreamCall {
  tag: string;
  method: string;
  path: string;
  start: number;
  end: number;
}

/** A proxy in front of a fake upstream that tags every request with the process it serves. */
export class TaggingProxy {
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private onQuiet: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.settle();
      });
    });
  }

  static async start(target: string, tag: string, log: UpstreamCall[]): Promise<TaggingProxy> {
    const server = loopbackServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // Nobody knows the URL before this returns, so no request can come before the handlers are on.
    const proxy = new TaggingProxy(server, `http://127.0.0.1:${port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const start = performance.now();
      proxy.inFlight += 1;
      readBody(req)
        .then((body) => forward(target, req.method ?? 'GET', req.url ?? '/', req.headers, body))
        .then((answer) => {
          log.push({
            tag,
            method: req.method ?? 'GET',
            path: new URL(req.url ?? '/', target).pathname,
            start,
            end: performance.now(),
          });
          res.writeHead(answer.status, { 'content-type': answer.headers['content-type'] ?? 'text/plain' });
          res.end(answer.body);
        })
        .catch(() => res.destroy())
        .finally(() => {
          proxy.inFlight -= 1;
          proxy.settle();
        });
    });
    return proxy;
  }

  /**
   * Resolves once no connection is open and no request is in flight. After its process was killed, every
   * request the process had sent is in the log by then.
   */
  quiet(): Promise<void> {
    return new Promise((resolve) => {
      this.onQuiet.push(resolve);
      this.settle();
    });
  }

  private settle(): void {
    if (this.sockets.size > 0 || this.inFlight > 0) return;
    const waiting = this.onQuiet;
    this.onQuiet = [];
    for (const resolve of waiting) resolve();
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

/** Pairs of requests for the same path, from different processes, that were in flight at the same time. */
export function overlapping(calls: UpstreamCall[], path: RegExp): [UpstreamCall, UpstreamCall][] {
  const byPath = new Map<string, UpstreamCall[]>();
  for (const call of calls) {
    if (call.method !== 'GET' || !path.test(call.path)) continue;
    byPath.set(call.path, [...(byPath.get(call.path) ?? []), call]);
  }
  const pairs: [UpstreamCall, UpstreamCall][] = [];
  for (const list of byPath.values()) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    sorted.forEach((a, i) => {
      for (const b of sorted.slice(i + 1)) {
        if (b.start >= a.end) break;
        if (b.tag !== a.tag) pairs.push([a, b]);
      }
    });
  }
  return pairs;
}
