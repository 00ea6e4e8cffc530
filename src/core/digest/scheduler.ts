import type { DigestScheduleRecord, DigestWindowRecord } from './digest-store';
import type { Store } from '../store';
import type { Clock } from '../kit/clock';
import { describeError } from '../errors';
import type { Log } from '../kit/log';
import { composeDigest } from './compose';
import { DigestCron } from './cron';
import { dueWindow } from './due-window';
import type { DigestPost, DigestPublisher } from './publisher';
import { Periodic } from '../kit/periodic';
import { NotifyError } from '../errors';

export interface DigestSettings {
  /** How often the scheduler looks for due windows. */
  tickMs: number;
  /** How long a claim on a window lasts: a process that dies while posting loses it to others after this. */
  leaseMs: number;
  /** A window posted this long after it was due is marked late. */
  lateAfterMs: number;
  /** Attempts at a window whose post keeps failing for passing reasons, before it is given up. */
  maxAttempts: number;
  /** Pause before trying such a window again, unless Slack said how long to wait. */
  retryMs: number;
}

export const DEFAULT_DIGEST_SETTINGS: DigestSettings = {
  tickMs: 30_000,
  leaseMs: 120_000,
  lateAfterMs: 5 * 60_000,
  maxAttempts: 5,
  retryMs: 60_000,
};

/** Windows taken over from other processes per tick. */
const RECLAIM_BATCH = 20;

export interface DigestSchedulerDeps {
  store: Store;
  clock: Clock;
  log: Log;
  /** This process's name in window claims. */
  owner: string;
  publisher: DigestPublisher;
  settings: DigestSettings;
}

interface Claimed {
  window: DigestWindowRecord;
  schedule: DigestScheduleRecord;
}

/**
 * Posts each schedule's digest once per window, whichever of several processes gets there first. Every tick
 * it works out each schedule's due window from the clock and claims it in the store (one process wins the
 * insert); windows whose claimer died before settling them are taken over once their lease runs out.
 */
export class DigestScheduler {
  private readonly loop: Periodic;

  constructor(private readonly deps: DigestSchedulerDeps) {
    this.loop = new Periodic('digest tick', deps.settings.tickMs, () => this.tick(), deps.log);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass: claims what is due, takes over what was abandoned, posts it all. Returns how many windows it handled. */
  async tick(): Promise<number> {
    const claimed = [...(await this.claimDue()), ...(await this.takeOver())];
    for (const item of claimed) await this.post(item);
    return claimed.length;
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.deps.settings.leaseMs);
  }

  private async claimDue(): Promise<Claimed[]> {
    const { store, owner, log } = this.deps;
    const now = this.deps.clock.now();
    const claimed: Claimed[] = [];
    for (const { schedule, lastWindow } of await store.listDigestSchedules({})) {
      let due;
      try {
        const cron = new DigestCron(schedule.cron, schedule.timeZone);
        due = dueWindow(cron, schedule.createdAt, lastWindow?.windowEnd ?? null, now);
      } catch (err) {
        log.error({ scheduleId: schedule.id, err: describeError(err) }, 'digest schedule cannot be read');
        continue;
      }
      if (!due) continue;
      const window = await store.claimDigestWindow({
        scheduleId: schedule.id,
        windowStart: due.start,
        windowEnd: due.end,
        skipped: due.skipped,
        claimedBy: owner,
        leaseUntil: this.leaseFrom(now),
      });
      if (window) claimed.push({ window, schedule });
    }
    return claimed;
  }

  private async takeOver(): Promise<Claimed[]> {
    const { store, owner } = this.deps;
    const now = this.deps.clock.now();
    const windows = await store.reclaimDigestWindows(owner, now, this.leaseFrom(now), RECLAIM_BATCH);
    const claimed: Claimed[] = [];
    for (const window of windows) {
      const schedule = await store.getDigestSchedule(window.scheduleId);
      if (schedule) claimed.push({ window, schedule });
      else
        await store.settleDigestWindow(window, owner, { kind: 'failed', at: now, error: 'schedule removed' });
    }
    return claimed;
  }

  private async post({ window, schedule }: Claimed): Promise<void> {
    const { store, owner, clock, log, settings } = this.deps;
    const now = clock.now();
    const context = { scheduleId: schedule.id, windowEnd: window.windowEnd.toISOString() };
    if (window.attempts > settings.maxAttempts) {
      await store.settleDigestWindow(window, owner, {
        kind: 'failed',
        at: now,
        error: `gave up after ${settings.maxAttempts} attempts: ${window.error ?? 'unknown error'}`,
      });
      log.error({ ...context, err: window.error }, 'gave up posting a digest');
      return;
    }
    let held = true;
    try {
      const summary = await composeDigest(
        store,
        {
          channelId: schedule.channelId,
          filters: schedule.filters,
          window: { start: window.windowStart, end: window.windowEnd },
        },
        now,
      );
      const late = now.getTime() - window.windowEnd.getTime() > settings.lateAfterMs;
      const post: DigestPost = {
        channelId: schedule.channelId,
        schedule,
        timeZone: schedule.timeZone,
        summary,
        skipped: window.skipped,
        ...(late ? { late: { dueAt: window.windowEnd } } : {}),
      };
      const lease = () => this.leaseFrom(clock.now());
      await this.deps.publisher.publish(
        post,
        { partsPosted: window.partsPosted, threadTs: window.threadTs, attemptedPart: window.attemptedPart },
        {
          attempting: async (part) => {
            held = await store.recordDigestAttempt(window, owner, part, lease());
            return held;
          },
          posted: async (progress) => {
            held = await store.recordDigestPart(
              window,
              owner,
              progress.partsPosted,
              progress.threadTs ?? '',
              lease(),
            );
            return held;
          },
        },
      );
      if (!held) {
        log.warn(context, 'another process took over this digest while it was being posted');
        return;
      }
      await store.settleDigestWindow(window, owner, { kind: 'posted', at: clock.now() });
      log.info({ ...context, late, skipped: window.skipped }, 'posted digest');
    } catch (err) {
      await this.failed(window, err);
    }
  }

  /** A post that Slack refused for good is given up; anything else is tried again after a pause. */
  private async failed(window: DigestWindowRecord, err: unknown): Promise<void> {
    const { store, owner, clock, log, settings } = this.deps;
    const now = clock.now();
    const error = describeError(err);
    const context = { scheduleId: window.scheduleId, windowEnd: window.windowEnd.toISOString(), err: error };
    if (err instanceof NotifyError && err.permanent) {
      await store.settleDigestWindow(window, owner, { kind: 'failed', at: now, error });
      log.error(context, 'Slack refused a digest; it will not be retried');
      return;
    }
    const delayMs =
      err instanceof NotifyError && err.retryAfterMs !== undefined ? err.retryAfterMs : settings.retryMs;
    await store.settleDigestWindow(window, owner, {
      kind: 'retry',
      at: new Date(now.getTime() + delayMs),
      error,
    });
    log.warn({ ...context, attempt: window.attempts }, 'could not post digest; will retry');
  }
}
