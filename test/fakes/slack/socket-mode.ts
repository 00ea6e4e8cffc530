import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { FakeSlack } from './fake-slack';
import { isJsonObject, type JsonObject } from './json';

/** What Slack sends over a Socket Mode connection besides `hello` and `disconnect`. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** Why Slack asks the app to reconnect. */
export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: JsonObject;
  /** Commands and interactions may carry an answer (a modal update, errors, options); events may not. */
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

export interface SocketAck {
  envelopeId: string;
  /** The `payload` the app acknowledged with; `{}` for a bare ack. */
  payload: JsonObject;
  /** Which connection (1-based, in order of opening) carried the ack. */
  connection: number;
  /** From the delivery that was acknowledged to its ack. */
  latencyMs: number;
}

export interface FakeConnection {
  id: number;
  openedAt: number;
  closedAt?: number;
  /** A `disconnect` was sent on it: Slack sends nothing new on such a connection. */
  draining: boolean;
  /** Envelope ids delivered on it, redeliveries included. */
  delivered: string[];
}

export interface DeliverOptions {
  /** A delivery Slack already tried: sent with this `retry_attempt` (and `retry_reason`, default `timeout`). */
  retryAttempt?: number;
  retryReason?: string;
  /** Reuse an envelope id (a redelivery of an envelope sent before). */
  envelopeId?: string;
  /** The socket fails just as the ack arrives: the ack is lost and the envelope is redelivered. */
  loseAck?: boolean;
  /**
   * Sent on this connection (by id), as Slack picks any one of an app's connections; waits while it is not
   * usable. Unset: the newest usable connection.
   */
  connection?: number;
}

const APP_TOKEN = 'xapp-1-A0FLIGHTDECK-1-socketmodefaketoken';

interface Pending {
  envelope: Envelope;
  loseAck: boolean;
  to?: number;
  sentAt?: number;
  connection?: number;
  resolve: (ack: SocketAck) => void;
}

interface Live {
  socket: WebSocket;
  record: FakeConnection;
}

/**
 * A loopback fake of Slack's Socket Mode, attached to a FakeSlack whose `apps.connections.open` hands out its
 * single-use `ws://127.0.0.1:…/link/?ticket=…` URLs. Each connection gets `hello`; envelopes go to the newest
 * connection that is not draining (or to the one named), or wait for one; an envelope whose connection closes before its ack
 * arrives is redelivered on the next connection with `retry_attempt` + 1, as Slack does.
 */
export class FakeSocketMode {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly events = new EventEmitter();
  private readonly tickets = new Set<string>();
  private readonly live = new Map<number, Live>();
  private readonly records: FakeConnection[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly sentLog: Envelope[] = [];
  private readonly ackLog: SocketAck[] = [];
  private readonly rawSockets = new Set<Socket>();
  private concurrent = 0;
  private peak = 0;

  private constructor(
    private readonly server: Server,
    private readonly url: string,
    private readonly slack: FakeSlack,
    readonly appToken: string,
  ) {}

  static async start(slack: FakeSlack, appToken = APP_TOKEN): Promise<FakeSocketMode> {
    const server = createServer((_req, res) => res.writeHead(426).end('upgrade required'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeSocketMode(server, `ws://127.0.0.1:${port}`, slack, appToken);
    server.on('connection', (socket: Socket) => {
      fake.rawSockets.add(socket);
      socket.once('close', () => fake.rawSockets.delete(socket));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      fake.upgrade(req, socket, head),
    );
    slack.enableSocketMode(appToken, () => fake.issueUrl());
    return fake;
  }

  // ---- observation ----------------------------------------------------------------------------

  /** Every connection the app opened, in order, closed ones included. */
  connections(): FakeConnection[] {
    return this.records.map((r) => ({ ...r, delivered: [...r.delivered] }));
  }

  get openConnections(): number {
    return this.concurrent;
  }

  /** The most connections the app held open at once. */
  get maxConcurrentConnections(): number {
    return this.peak;
  }

  /** Every envelope sent, redeliveries included, in order. */
  sent(): Envelope[] {
    return structuredClone(this.sentLog);
  }

  acks(): SocketAck[] {
    return structuredClone(this.ackLog);
  }

  /** Resolves once `count` connections have been opened (and greeted) in all. */
  async waitForConnections(count: number, timeoutMs = 10_000): Promise<void> {
    await this.until(
      () => this.records.length >= count,
      'connection',
      timeoutMs,
      () => {
        return `${count} connections (opened ${this.records.length})`;
      },
    );
  }

  // ---- what Slack sends -----------------------------------------------------------------------

  /**
   * Sends an envelope and resolves with the app's ack; waits for a connection when none is usable, and
   * redelivers after a lost connection or a lost ack until one ack arrives.
   */
  deliver(type: EnvelopeType, payload: JsonObject, options: DeliverOptions = {}): Promise<SocketAck> {
    const envelope: Envelope = {
      envelope_id: options.envelopeId ?? randomUUID(),
      type,
      payload: structuredClone(payload),
      accepts_response_payload: type !== 'events_api',
      retry_attempt: options.retryAttempt ?? 0,
      retry_reason: options.retryAttempt ? (options.retryReason ?? 'timeout') : '',
    };
    return new Promise<SocketAck>((resolve) => {
      this.pending.set(envelope.envelope_id, {
        envelope,
        loseAck: options.loseAck ?? false,
        to: options.connection,
        resolve,
      });
      this.flush();
    });
  }

  /** Slack asks the app to reconnect: every open connection gets `disconnect` and carries nothing new. */
  disconnect(reason: DisconnectReason): void {
    for (const { socket, record } of this.live.values()) {
      record.draining = true;
      socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } }));
    }
  }

  /** Every open connection fails at once, without a close handshake (a network drop). */
  drop(): void {
    for (const { socket, record } of [...this.live.values()]) {
      socket.terminate();
      this.closed(record);
    }
  }

  async close(): Promise<void> {
    for (const { socket } of this.live.values()) socket.terminate();
    for (const socket of this.rawSockets) socket.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- the protocol -------------------------------------------------------------------------

  private issueUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${this.url}/link/?ticket=${ticket}&app_id=${this.slack.workspace.appId}`;
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const ticket = new URL(req.url ?? '/', this.url).searchParams.get('ticket') ?? '';
    // A ticket opens one connection: reconnecting means calling apps.connections.open again.
    if (!this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.opened(ws));
  }

  private opened(socket: WebSocket): void {
    const record: FakeConnection = {
      id: this.records.length + 1,
      openedAt: Date.now(),
      draining: false,
      delivered: [],
    };
    this.records.push(record);
    this.live.set(record.id, { socket, record });
    this.concurrent += 1;
    this.peak = Math.max(this.peak, this.concurrent);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) this.received(record.id, rawText(data));
    });
    socket.on('close', () => this.closed(record));
    socket.on('error', () => socket.terminate());
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.concurrent,
        debug_info: { host: 'applink-fake', approximate_connection_time: 18060 },
        connection_info: { app_id: this.slack.workspace.appId },
      }),
    );
    this.events.emit('connection');
    this.flush();
  }

  private closed(record: FakeConnection): void {
    if (!this.live.delete(record.id)) return;
    record.closedAt = Date.now();
    this.concurrent -= 1;
    for (const pending of this.pending.values()) {
      if (pending.connection !== record.id) continue;
      pending.connection = undefined;
      pending.sentAt = undefined;
      pending.envelope.retry_attempt += 1;
      pending.envelope.retry_reason = 'timeout';
    }
    this.flush();
  }

  private usable(to?: number): Live | undefined {
    return [...this.live.values()]
      .reverse()
      .find((l) => !l.record.draining && (to === undefined || l.record.id === to));
  }

  private flush(): void {
    for (const pending of this.pending.values()) {
      if (pending.connection !== undefined) continue;
      const target = this.usable(pending.to);
      if (!target) continue;
      pending.connection = target.record.id;
      pending.sentAt = performance.now();
      target.record.delivered.push(pending.envelope.envelope_id);
      this.sentLog.push(structuredClone(pending.envelope));
      target.socket.send(JSON.stringify(pending.envelope));
    }
  }

  private received(connection: number, text: string): void {
    const message = safeJson(text);
    if (!isJsonObject(message) || typeof message.envelope_id !== 'string') return;
    const pending = this.pending.get(message.envelope_id);
    if (!pending || pending.connection !== connection) return;
    if (pending.loseAck) {
      pending.loseAck = false;
      this.live.get(connection)?.socket.terminate();
      return;
    }
    this.pending.delete(message.envelope_id);
    const ack: SocketAck = {
      envelopeId: message.envelope_id,
      payload: isJsonObject(message.payload) ? message.payload : {},
      connection,
      latencyMs: performance.now() - (pending.sentAt ?? performance.now()),
    };
    this.ackLog.push(ack);
    pending.resolve(structuredClone(ack));
  }

  private async until(
    done: () => boolean,
    event: string,
    timeoutMs: number,
    describe: () => string,
  ): Promise<void> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (!done()) {
      try {
        await once(this.events, event, { signal: deadline });
      } catch {
        throw new Error(`fake socket mode: ${describe()} not reached within ${timeoutMs} ms`);
      }
    }
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
