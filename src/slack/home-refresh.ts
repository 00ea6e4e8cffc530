import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import type { HomeRefresher } from '../core/direct/direct-messenger';

export type Timer = (run: () => void, ms: number) => { cancel(): void };

const realTimer: Timer = (run, ms) => {
  const handle = setTimeout(run, ms);
  handle.unref();
  return { cancel: () => clearTimeout(handle) };
};

/**
 * Republishes people's Home tabs when what waits on them changes: at most once per `intervalMs` per person,
 * coalesced (changes while a publish is due make no second one, and `publish` builds the Home when its turn
 * in Slack's budget comes, so only the latest is shown). Process-local and best effort: after a restart,
 * opening the tab shows it fresh.
 */
export class HomeRefresh implements HomeRefresher {
  private readonly due = new Map<string, { cancel(): void }>();
  private readonly lastAt = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly publish: (userId: string) => Promise<void>,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly intervalMs: number,
    private readonly timer: Timer = realTimer,
  ) {}

  changed(userIds: string[]): void {
    for (const userId of new Set(userIds)) this.schedule(userId);
  }

  /** Cancels what is due and waits for publishes under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.due.values()) timer.cancel();
    this.due.clear();
    await Promise.all(this.inFlight);
  }

  private schedule(userId: string): void {
    if (this.stopped || this.due.has(userId)) return;
    const since = this.clock.now().getTime() - (this.lastAt.get(userId) ?? -Infinity);
    const waitMs = Math.max(this.intervalMs - since, 0);
    this.due.set(
      userId,
      this.timer(() => this.run(userId), waitMs),
    );
  }

  private run(userId: string): void {
    this.due.delete(userId);
    this.lastAt.set(userId, this.clock.now().getTime());
    const work = this.publish(userId).catch((err: unknown) => {
      this.log.warn(
        { user: userId, err: err instanceof Error ? err.message : String(err) },
        'could not republish the Home tab',
      );
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
