import { DigestCron } from '../../src/core/digest/cron';
import { dueWindow, MAX_CATCH_UP_MS, SKIPPED_COUNT_CAP } from '../../src/core/digest/due-window';

const utc = (iso: string) => new Date(`${iso}Z`);
const hours = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 3_600_000;

/** The windows a scheduler looking every five minutes would post between two instants. */
function windowsBetween(cron: DigestCron, createdAt: Date, until: Date) {
  const windows: { start: string; end: string; skipped: number }[] = [];
  let lastEnd: Date | null = null;
  for (let t = createdAt.getTime(); t <= until.getTime(); t += 5 * 60_000) {
    const due = dueWindow(cron, createdAt, lastEnd, new Date(t));
    if (!due) continue;
    windows.push({ start: due.start.toISOString(), end: due.end.toISOString(), skipped: due.skipped });
    lastEnd = due.end;
  }
  return windows;
}

describe('DigestCron', () => {
  it('counts a fire exactly at the reference as at-or-before, but not as before', () => {
    const cron = new DigestCron('0 9 * * *', 'UTC');
    expect(cron.latestAtOrBefore(utc('2026-05-01T09:00:00'))).toEqual(utc('2026-05-01T09:00:00'));
    expect(cron.latestAtOrBefore(utc('2026-05-01T08:59:59.999'))).toEqual(utc('2026-04-30T09:00:00'));
    expect(cron.before(utc('2026-05-01T09:00:00'))).toEqual(utc('2026-04-30T09:00:00'));
    expect(cron.next(utc('2026-05-01T09:00:00'))).toEqual(utc('2026-05-02T09:00:00'));
    expect(cron.countBetween(utc('2026-05-01T09:00:00'), utc('2026-05-04T09:00:00'), 100)).toBe(2);
    expect(cron.countBetween(utc('2026-05-01T09:00:00'), utc('2026-05-04T09:00:00'), 1)).toBe(1);
  });

  it('Asia/Kolkata (+05:30) fires at 03:30 UTC for 09:00', () => {
    const cron = new DigestCron('0 9 * * *', 'Asia/Kolkata');
    expect(cron.next(utc('2026-03-29T00:00:00'))).toEqual(utc('2026-03-29T03:30:00'));
  });
});

describe('windows across DST changes', () => {
  it('Europe/Berlin spring forward (2026-03-29): the daily 09:00 window is 23 hours', () => {
    const cron = new DigestCron('0 9 * * *', 'Europe/Berlin');
    const due = dueWindow(
      cron,
      utc('2026-03-20T00:00:00'),
      utc('2026-03-28T08:00:00'),
      utc('2026-03-29T07:00:30'),
    );
    expect(due).toEqual({ start: utc('2026-03-28T08:00:00'), end: utc('2026-03-29T07:00:00'), skipped: 0 });
    expect(hours(due?.start ?? new Date(), due?.end ?? new Date())).toBe(23);
  });

  it('Europe/Berlin fall back (2026-10-25): the daily 09:00 window is 25 hours', () => {
    const cron = new DigestCron('0 9 * * *', 'Europe/Berlin');
    const due = dueWindow(
      cron,
      utc('2026-10-01T00:00:00'),
      utc('2026-10-24T07:00:00'),
      utc('2026-10-25T08:00:00'),
    );
    expect(due).toEqual({ start: utc('2026-10-24T07:00:00'), end: utc('2026-10-25T08:00:00'), skipped: 0 });
    expect(hours(due?.start ?? new Date(), due?.end ?? new Date())).toBe(25);
  });

  it('Europe/Berlin 02:30 daily: posted at 03:00 on the day 02:30 does not exist, once on the day it occurs twice', () => {
    const cron = new DigestCron('30 2 * * *', 'Europe/Berlin');
    expect(
      windowsBetween(cron, utc('2026-03-28T00:00:00'), utc('2026-03-30T12:00:00')).map((w) => w.end),
    ).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(
      windowsBetween(cron, utc('2026-10-24T12:00:00'), utc('2026-10-26T12:00:00')).map((w) => w.end),
    ).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('hourly in Europe/Berlin through both changes: one-hour windows, back to back, once each', () => {
    const cron = new DigestCron('0 * * * *', 'Europe/Berlin');
    for (const [from, to] of [
      ['2026-03-28T23:30:00', '2026-03-29T03:30:00'],
      ['2026-10-24T23:30:00', '2026-10-25T03:30:00'],
    ] as const) {
      const windows = windowsBetween(cron, utc(from), utc(to));
      expect(windows).toHaveLength(4);
      for (const [i, w] of windows.entries()) {
        expect(hours(new Date(w.start), new Date(w.end))).toBe(1);
        if (i > 0) expect(w.start).toBe(windows[i - 1]?.end);
      }
    }
  });

  it('America/New_York weekdays 09:00 across 2026-03-08: Friday to Monday is 71 hours', () => {
    const cron = new DigestCron('0 9 * * 1-5', 'America/New_York');
    const windows = windowsBetween(cron, utc('2026-03-06T12:00:00'), utc('2026-03-09T14:00:00'));
    expect(windows).toEqual([
      { start: '2026-03-05T14:00:00.000Z', end: '2026-03-06T14:00:00.000Z', skipped: 0 },
      { start: '2026-03-06T14:00:00.000Z', end: '2026-03-09T13:00:00.000Z', skipped: 0 },
    ]);
  });

  it('America/New_York daily 01:30 on 2026-11-01 (01:30 occurs twice): one window', () => {
    const cron = new DigestCron('30 1 * * *', 'America/New_York');
    const windows = windowsBetween(cron, utc('2026-10-31T12:00:00'), utc('2026-11-02T12:00:00'));
    expect(windows.map((w) => w.end)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
    expect(hours(new Date(windows[1]?.start ?? 0), new Date(windows[1]?.end ?? 0))).toBe(25);
  });
});

describe('dueWindow', () => {
  const daily = new DigestCron('0 9 * * *', 'UTC');
  const created = utc('2026-05-01T12:00:00');

  it('nothing before the first fire after the schedule was created, then the whole period', () => {
    expect(dueWindow(daily, created, null, utc('2026-05-02T08:59:59'))).toBeUndefined();
    expect(dueWindow(daily, created, null, utc('2026-05-02T09:00:00'))).toEqual({
      start: utc('2026-05-01T09:00:00'),
      end: utc('2026-05-02T09:00:00'),
      skipped: 0,
    });
  });

  it('a window already claimed is not due again', () => {
    expect(dueWindow(daily, created, utc('2026-05-02T09:00:00'), utc('2026-05-02T18:00:00'))).toBeUndefined();
  });

  it('after downtime: the latest window only, covering the missed ones, with their count', () => {
    expect(dueWindow(daily, created, utc('2026-05-02T09:00:00'), utc('2026-05-05T11:00:00'))).toEqual({
      start: utc('2026-05-02T09:00:00'),
      end: utc('2026-05-05T09:00:00'),
      skipped: 2,
    });
    expect(dueWindow(daily, created, null, utc('2026-05-04T10:00:00'))).toEqual({
      start: created,
      end: utc('2026-05-04T09:00:00'),
      skipped: 2,
    });
  });

  it('catching up reaches back a week at most, and counts the missed windows up to a cap', () => {
    const due = dueWindow(daily, created, utc('2026-05-02T09:00:00'), utc('2026-05-20T09:30:00'));
    expect(due).toEqual({
      start: new Date(utc('2026-05-20T09:00:00').getTime() - MAX_CATCH_UP_MS),
      end: utc('2026-05-20T09:00:00'),
      skipped: 17,
    });
    const everyMinute = new DigestCron('* * * * *', 'UTC');
    const long = dueWindow(everyMinute, created, utc('2026-05-02T09:00:00'), utc('2026-05-04T09:00:00'));
    expect(long?.skipped).toBe(SKIPPED_COUNT_CAP);
  });
});
