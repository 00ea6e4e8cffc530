import {
  type App,
  type Logger,
  type Receiver,
  type ReceiverEvent,
  SocketModeReceiver,
  type webApi,
} from '@slack/bolt';
import { TtlCache } from '../core/kit/ttl-cache';

/** Slack redelivers an unacknowledged envelope within minutes; a delivery is remembered well past that. */
const REMEMBER_MS = 15 * 60_000;
const MAX_REMEMBERED = 10_000;

export interface SocketReceiverOptions {
  appToken: string;
  logger: Logger;
  clientOptions: webApi.WebClientOptions;
  /**
   * How long a pong may take before the connection counts as dead; the client also waits this long (times the
   * failures in a row) before each reconnect. Bolt's default is 5 s.
   */
  clientPingTimeoutMs?: number;
}

/**
 * What a delivery is, the same in each of Slack's redeliveries of its envelope: events carry an `event_id`,
 * commands and interactions a single-use `trigger_id`. Options requests have neither; answering one again
 * repeats nothing.
 */
function deliveryKey(body: ReceiverEvent['body']): string | undefined {
  if (typeof body.event_id === 'string') return `event:${body.event_id}`;
  if (typeof body.trigger_id === 'string') return `trigger:${body.trigger_id}`;
  return undefined;
}

/**
 * Bolt's Socket Mode receiver, with Slack's redeliveries handled: an envelope whose ack was lost (the socket
 * dropped as it went out) comes again with `retry_attempt` > 0. A redelivery of something already handled
 * gets the first delivery's ack again (so a modal keeps its errors) and reaches no listener; one whose first
 * delivery never arrived is handled as new. HTTP mode needs none of this: Slack retries only events there.
 */
export class SocketReceiver implements Receiver {
  private readonly inner: SocketModeReceiver;
  private readonly answers = new TtlCache<string, Promise<unknown>>({
    ttlMs: REMEMBER_MS,
    maxEntries: MAX_REMEMBERED,
  });

  constructor(options: SocketReceiverOptions) {
    this.inner = new SocketModeReceiver({
      appToken: options.appToken,
      logger: options.logger,
      clientPingTimeout: options.clientPingTimeoutMs,
      // No custom routes, so Bolt opens no HTTP port: metrics and health are on the metrics port.
      installerOptions: { clientOptions: options.clientOptions },
    });
  }

  init(app: App): void {
    // The inner receiver hands every envelope to `processEvent`; this view of the app puts the check first.
    const guarded = Object.create(app) as App;
    guarded.processEvent = (event) => this.process(app, event);
    this.inner.init(guarded);
  }

  start(): Promise<unknown> {
    return this.inner.start();
  }

  async stop(): Promise<unknown> {
    // Bolt's stop() does not wait for the close handshake; a stopped bot must hold no connection.
    await this.inner.client.disconnect();
    return this.inner.stop();
  }

  private async process(app: App, event: ReceiverEvent): Promise<void> {
    const key = deliveryKey(event.body);
    if (key === undefined) return app.processEvent(event);
    const first = this.answers.get(key);
    if (first !== undefined && (event.retryNum ?? 0) > 0) {
      await event.ack(await first);
      return;
    }
    let answer: (response: unknown) => void = () => undefined;
    this.answers.set(key, new Promise((resolve) => (answer = resolve)));
    try {
      await app.processEvent({
        ...event,
        ack: async (response?: unknown) => {
          answer(response);
          await event.ack(response);
        },
      });
    } finally {
      // A listener that failed before acknowledging leaves redeliveries a bare ack rather than a wait.
      answer(undefined);
    }
  }
}
