import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import { Periodic } from '../core/kit/periodic';
import type { HomeRefresher } from '../core/direct/direct-messenger';
import type { HomeMarkStore } from '../core/direct/home-mark-store';

export type Timer = (run: () => void, ms: number) => { cancel(): void };

const realTimer: Timer = (run, ms) => {
  const handle = setTimeout(run, ms);
  handle.unref();
  return { cancel: () => clearTimeout(handle) };
};

/** How long a replica holds a Home it publishes: past any wait for a turn in Slack's budget. */
const CLAIM_MS = 60_000;
/** Marked Homes taken up per pass. */
const DRAIN_BATCH = 500;

export interface HomeRefreshDeps {
  /** Publishes `userId`'s Home as it is when its turn comes; resolves once published or given up. */
  publish: (userId: string) => Promise<void>;
  marks: HomeMarkStore;
  /** This process's name in claims. */
  owner: string;
  clock: Clock;
  log: Log;
  /** At most one publish per person in this long, and how often marks left behind are looked for. */
  intervalMs: number;
  timer?: Timer;
}

/**
 * Republishes people's Home tabs when what waits on them changes: at most once per `intervalMs` per person,
 * coalesced (changes while a publish is due make no second one, and `publish` builds the Home when its turn
 * in Slack's budget comes, so only the latest is shown). Each change is marked in the store before it is
 * scheduled, and a mark is cleared only once its Home is published; on start and every `intervalMs`, marks
 * left by a process that stopped (or by another replica that changed them) are taken up. A publish is
 * claimed first, so of the replicas that see a mark only one publishes it.
 */
export class HomeRefresh implements HomeRefresher {
  private readonly due = new Map<string, { cancel(): void }>();
  private readonly lastAt = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly drainer: Periodic;
  private readonly timer: Timer;
  private stopped = false;

  constructor(private readonly deps: HomeRefreshDeps) {
    this.timer = deps.timer ?? realTimer;
    this.drainer = new Periodic('Home republish', deps.intervalMs, () => this.drain(), deps.log);
  }

  /** Takes up the marked Homes now, then every interval. */
  start(): void {
    this.drainer.start();
  }

  async changed(userIds: string[]): Promise<void> {
    await this.deps.marks.markHomes(userIds, this.deps.clock.now());
    for (const userId of new Set(userIds)) this.schedule(userId);
  }

  /** Schedules every marked Home nobody publishes. */
  async drain(): Promise<void> {
    for (const userId of await this.deps.marks.unclaimedHomes(this.deps.clock.now(), DRAIN_BATCH))
      this.schedule(userId);
  }

  /** Cancels what is due and waits for publishes under way; the marks of what was due stay for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.drainer.stop();
    for (const timer of this.due.values()) timer.cancel();
    this.due.clear();
    await Promise.all(this.inFlight);
  }

  private schedule(userId: string): void {
    if (this.stopped || this.due.has(userId)) return;
    const since = this.deps.clock.now().getTime() - (this.lastAt.get(userId) ?? -Infinity);
    const waitMs = Math.max(this.deps.intervalMs - since, 0);
    this.due.set(
      userId,
      this.timer(() => this.run(userId), waitMs),
    );
  }

  private run(userId: string): void {
    this.due.delete(userId);
    this.lastAt.set(userId, this.deps.clock.now().getTime());
    const work = this.publishMarked(userId).catch((err: unknown) => {
      this.deps.log.warn(
        { user: userId, err: err instanceof Error ? err.message : String(err) },
        'could not republish the Home tab',
      );
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async publishMarked(userId: string): Promise<void> {
    const { marks, owner, clock } = this.deps;
    const now = clock.now();
    const version = await marks.claimHome(userId, owner, now, new Date(now.getTime() + CLAIM_MS));
    // Published already (by this process or another), or another replica is publishing it now.
    if (version === undefined) return;
    await this.deps.publish(userId);
    await marks.clearHome(userId, owner, version);
  }
}
