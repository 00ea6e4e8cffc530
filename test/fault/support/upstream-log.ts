import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string, tag: string, log: UpstreamCall[]): Promise<TaggingProxy> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const start = performance.now();
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
        .catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new TaggingProxy(server, `http://127.0.0.1:${port}`);
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
