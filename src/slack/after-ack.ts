import PQueue from 'p-queue';
import type { Log } from '../core/kit/log';

/**
 * Resolves after the requests that have already arrived were handled: what follows an ack (a store read, a
 * reply to the response_url) then runs after their acks instead of before them. Node handles arrived
 * requests in the event loop's poll phase and setImmediate callbacks after it.
 */
export const afterPendingAcks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Work that follows an ack (opening modals, starting runs, posting replies) runs here, bounded: under a
 * flood the queue sheds new work with a log line instead of growing without limit.
 */
export class AfterAck {
  private readonly queue: PQueue;

  constructor(
    private readonly log: Log,
    concurrency = 32,
    private readonly maxQueued = 2_000,
  ) {
    this.queue = new PQueue({ concurrency });
  }

  run(name: string, task: () => Promise<unknown>): void {
    if (this.queue.size >= this.maxQueued) {
      this.log.error({ task: name, queued: this.queue.size }, 'shedding work after ack: queue full');
      return;
    }
    void this.queue.add(async () => {
      try {
        await task();
      } catch (err) {
        this.log.error(
          { task: name, err: err instanceof Error ? err.message : String(err) },
          'work after ack failed',
        );
      }
    });
  }

  /** Resolves when everything queued so far has finished (shutdown, tests). */
  async drain(): Promise<void> {
    await this.queue.onIdle();
  }
}
