import type { DigestCron } from './cron';

/** How far back a digest that catches up on missed windows reaches. */
export const MAX_CATCH_UP_MS = 7 * 86_400_000;
/** Missed windows are counted up to this many; beyond, the digest says "at least". */
export const SKIPPED_COUNT_CAP = 1_000;

export interface DueWindow {
  start: Date;
  end: Date;
  /** Fires between the last window and this one that nobody posted. */
  skipped: number;
}

/**
 * The window a schedule should post now, if any. A window ends at a fire time; only the latest fire at or
 * before `now` is ever posted, and only if it is later than both the schedule's creation and the last
 * window already claimed. When fires were missed (no process ran), they are not posted one by one: the one
 * window posted covers them all, from the end of the last window (or the schedule's creation), but never
 * more than `MAX_CATCH_UP_MS` back and never less than the schedule's own period.
 */
export function dueWindow(
  cron: DigestCron,
  createdAt: Date,
  lastEnd: Date | null,
  now: Date,
): DueWindow | undefined {
  const anchor = lastEnd ?? createdAt;
  const end = cron.latestAtOrBefore(now);
  if (!end || end <= anchor) return undefined;
  const period = cron.before(end) ?? new Date(end.getTime() - 86_400_000);
  const skipped = cron.countBetween(anchor, end, SKIPPED_COUNT_CAP);
  if (skipped === 0) return { start: period, end, skipped };
  const reach = Math.max(anchor.getTime(), end.getTime() - MAX_CATCH_UP_MS);
  return { start: new Date(Math.min(period.getTime(), reach)), end, skipped };
}
