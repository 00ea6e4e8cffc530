import { describeError } from '../errors';
import type { Log } from './log';

/**
 * Runs `work` again and again, `everyMs` after each pass ends (never two passes at once), until stopped.
 * A failed pass is logged and the next one comes on time.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly log: Log,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops scheduling and waits for the pass under way, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** The next pass now rather than on schedule (unless one is running). */
  nudge(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.work()
        .then(() => undefined)
        .catch((err: unknown) => this.log.error({ err: describeError(err) }, `${this.name} failed`))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.everyMs);
        });
    }, ms);
    this.timer.unref();
  }
}
