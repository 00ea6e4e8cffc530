import { type App, type Logger, type Receiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import { type RedeliveryOptions, SocketRedeliveries } from './socket-redeliveries';

export interface SocketReceiverOptions extends RedeliveryOptions {
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
 * Bolt's Socket Mode receiver, with Slack's redeliveries handled once (SocketRedeliveries) before any
 * listener sees them.
 */
export class SocketReceiver implements Receiver {
  private readonly inner: SocketModeReceiver;
  private readonly redeliveries: SocketRedeliveries;

  constructor(options: SocketReceiverOptions) {
    this.redeliveries = new SocketRedeliveries(options);
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
    guarded.processEvent = (event) => this.redeliveries.process(event, (e) => app.processEvent(e));
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
}
