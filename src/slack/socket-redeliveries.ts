import type { ReceiverEvent } from '@slack/bolt';
import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import type { OnceStore } from '../core/kit/once-store';
import { TtlCache } from '../core/kit/ttl-cache';
import { claimShared, type SharedKeys } from './replay-cache';
import { REQUEST_KEY_TTL_SEC } from './request-guard';

const MAX_REMEMBERED = 10_000;

export interface RedeliveryOptions {
  log: Log;
  clock: Clock;
  /** Where replicas share the keys of deliveries; unset: this process's memory alone. */
  requestKeys?: OnceStore;
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
 * Slack's Socket Mode redeliveries, handled once: an envelope whose ack was lost (the socket dropped as it
 * went out) comes again with `retry_attempt` > 0, on whichever of the app's connections Slack picks, so
 * possibly another replica's. A redelivery of something handled here gets the first delivery's ack again
 * (so a modal keeps its errors); one that another replica claimed in the shared store gets a bare ack (its
 * answer went with the lost ack); neither reaches a listener. A redelivery whose first delivery never
 * arrived anywhere is handled as new. HTTP mode needs none of this: its guard recognises retries
 * (`guardSlackRequest`).
 */
export class SocketRedeliveries {
  private readonly answers: TtlCache<string, Promise<unknown>>;
  private readonly shared?: SharedKeys;

  constructor(private readonly options: RedeliveryOptions) {
    this.answers = new TtlCache({
      ttlMs: REQUEST_KEY_TTL_SEC * 1000,
      maxEntries: MAX_REMEMBERED,
      clock: options.clock,
    });
    this.shared = options.requestKeys && { store: options.requestKeys, log: options.log };
  }

  /** Hands `event` to `handle` unless it is a redelivery of something already handled, here or elsewhere. */
  async process(event: ReceiverEvent, handle: (event: ReceiverEvent) => Promise<void>): Promise<void> {
    const key = deliveryKey(event.body);
    if (key === undefined) return handle(event);
    const redelivery = (event.retryNum ?? 0) > 0;
    const first = this.answers.get(key);
    if (first !== undefined && redelivery) {
      await event.ack(await first);
      return;
    }
    let answer: (response: unknown) => void = () => undefined;
    this.answers.set(key, new Promise((resolve) => (answer = resolve)));
    try {
      // Claimed before any listener runs, so that a redelivery to another replica finds the claim.
      if (!(await this.claimShared(key)) && redelivery) {
        this.options.log.info(
          { key, retryNum: event.retryNum },
          'Slack redelivered an envelope another replica already received; acknowledged and not handled again',
        );
        await event.ack();
        return;
      }
      await handle({
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

  private claimShared(key: string): Promise<boolean> {
    if (!this.shared) return Promise.resolve(true);
    const nowSec = Math.floor(this.options.clock.now().getTime() / 1000);
    return claimShared(this.shared, key, nowSec + REQUEST_KEY_TTL_SEC, nowSec);
  }
}
