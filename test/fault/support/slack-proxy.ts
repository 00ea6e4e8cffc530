import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { loopbackServer } from '../../fakes/loopback-server';
import type { AddressInfo } from 'node:net';
import { type FakeSlack } from '../../fakes/slack';
import { eventually } from '../../support/eventually';
import { parseApiRequest, readBody } from '../../fakes/slack/request-body';
import { forward } from './forward';

/** What a call gets instead of Slack's answer. */
export type ProxyFault = { kind: 'rate_limited'; retryAfterSec: number } | { kind: 'error'; error: string };

export interface ProxiedCall {
  method: string;
  channel: string | undefined;
  /** When the proxy received it (ms, this process's clock). */
  at: number;
  answer: 'slack' | 'held' | ProxyFault['kind'];
}

interface ChannelFault {
  method: string;
  channel: string;
  fault: ProxyFault;
  left: number;
}

/**
 * Stands between the bot and the fake Slack. It adds what the fake cannot do by itself: faults per method
 * and channel (the fake's are per method), answers held back after Slack handled the call (the crash
 * window between "Slack accepted" and "the bot recorded it").
 */
export class SlackProxy {
  readonly calls: ProxiedCall[] = [];
  private readonly faults: ChannelFault[] = [];
  private readonly held = new Set<ServerResponse>();
  private holdAfter = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly fake: FakeSlack,
  ) {}

  static async start(fake: FakeSlack): Promise<SlackProxy> {
    const server = loopbackServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const proxy = new SlackProxy(server, `http://127.0.0.1:${port}`, fake);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      proxy.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(502).end(String(err));
      });
    });
    return proxy;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Calls of `method` in `channel` (`*`: any) get `fault`, `times` times (default: until healed). */
  fail(method: string, channel: string, fault: ProxyFault, times = Number.POSITIVE_INFINITY): void {
    this.faults.push({ method, channel, fault, left: times });
  }

  /** Slack answers for itself again (in `channel`, or everywhere). */
  heal(channel?: string): void {
    for (let i = this.faults.length - 1; i >= 0; i -= 1) {
      if (channel === undefined || this.faults[i]?.channel === channel) this.faults.splice(i, 1);
    }
  }

  /** After `calls` more calls of `method`, Slack handles every further one but its answer never arrives. */
  holdAnswers(method: string, calls: number): void {
    this.holdAfter.set(method, calls);
  }

  /** Answers held back so far: posts Slack accepted that the bot never heard about. */
  get heldCount(): number {
    return this.calls.filter((c) => c.answer === 'held').length;
  }

  /** Resolves once at least `count` answers are held back (`what` names the wait if it times out). */
  async answersHeld(count: number, what: string, timeoutMs: number): Promise<void> {
    await eventually(() => Promise.resolve(this.heldCount >= count || undefined), what, timeoutMs);
  }

  /** Calls of `method` (in `channel`) as the proxy saw them. */
  callsOf(method: string, channel?: string): ProxiedCall[] {
    return this.calls.filter((c) => c.method === method && (channel === undefined || c.channel === channel));
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.url);
    const method = /^\/api\/([\w.]+)$/.exec(url.pathname)?.[1] ?? url.pathname;
    const { params } = parseApiRequest(url, raw, req.headers['content-type'] ?? '');
    const channel = typeof params.channel === 'string' ? params.channel : undefined;
    const call: ProxiedCall = { method, channel, at: Date.now(), answer: 'slack' };
    this.calls.push(call);

    const fault = this.takeFault(method, channel);
    if (fault) {
      call.answer = fault.kind;
      const json = { 'content-type': 'application/json; charset=utf-8' };
      if (fault.kind === 'rate_limited') {
        res.writeHead(429, { ...json, 'retry-after': String(fault.retryAfterSec) });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      } else {
        res.writeHead(200, json).end(JSON.stringify({ ok: false, error: fault.error }));
      }
      return;
    }
    const answer = await forward(this.fake.url, req.method ?? 'POST', req.url ?? '/', req.headers, raw);
    const before = this.holdAfter.get(method);
    if (before !== undefined && before <= 0) {
      call.answer = 'held';
      this.held.add(res);
      return;
    }
    if (before !== undefined) this.holdAfter.set(method, before - 1);
    res.writeHead(answer.status, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
    res.end(answer.body);
  }

  private takeFault(method: string, channel: string | undefined): ProxyFault | undefined {
    const index = this.faults.findIndex(
      (f) => f.left > 0 && f.method === method && (f.channel === '*' || f.channel === channel),
    );
    const found = this.faults[index];
    if (!found) return undefined;
    found.left -= 1;
    if (found.left === 0) this.faults.splice(index, 1);
    return found.fault;
  }
}
