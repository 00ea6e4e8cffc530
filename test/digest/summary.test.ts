import type { DigestCounts } from '../../src/core/digest/digest-store';
import { EXPECTED_DURATION, summarizeDigest } from '../../src/core/digest/summary';
import { runRecord } from '../support/run-fixtures';

const NO_COUNTS: DigestCounts = { byState: [], busiestOperations: [], busiestRequesters: [] };

const start = new Date('2026-05-01T09:00:00Z');
const end = new Date('2026-05-02T09:00:00Z');
const now = new Date('2026-05-02T09:00:30Z');
const at = (hoursAfterStart: number) => new Date(start.getTime() + hoursAfterStart * 3_600_000);
const window = { start, end };

describe('summarizeDigest', () => {
  it('adds the store’s counts per system and outcome, unfinished states as in progress; newest failure first', () => {
    const failedEarly = runRecord({ createdAt: at(1), state: 'failed', finishedAt: at(2) });
    const failedLate = runRecord({ createdAt: at(3), state: 'timed_out', finishedAt: at(5) });
    const counts: DigestCounts = {
      byState: [
        { system: 'itential', state: 'succeeded', count: 2 },
        { system: 'itential', state: 'failed', count: 1 },
        { system: 'itential', state: 'timed_out', count: 1 },
        { system: 'itential', state: 'running', count: 1 },
        { system: 'itential', state: 'waiting', count: 2 },
        { system: 'iacm', state: 'canceled', count: 1 },
      ],
      busiestOperations: [{ id: 'itential.start', count: 7 }],
      busiestRequesters: [{ id: 'U0BOB', count: 7 }],
    };
    const summary = summarizeDigest({
      counts,
      runs: [failedEarly, failedLate],
      durations: [],
      window,
      now,
      failuresOnly: false,
      capped: false,
    });
    expect(summary.total).toBe(8);
    expect(summary.systems).toEqual([
      { system: 'itential', total: 7, outcomes: { succeeded: 2, failed: 1, timed_out: 1, in_progress: 3 } },
      { system: 'iacm', total: 1, outcomes: { canceled: 1 } },
    ]);
    expect(summary.failures.map((r) => r.id)).toEqual([failedLate.id, failedEarly.id]);
    expect(summary.overdue).toEqual([]);
    expect(summary.busiestOperations).toEqual(counts.busiestOperations);
    expect(summary.busiestRequesters).toEqual(counts.busiestRequesters);
  });

  it('an empty window is empty everywhere', () => {
    const summary = summarizeDigest({
      counts: NO_COUNTS,
      runs: [],
      durations: [],
      window,
      now,
      failuresOnly: false,
      capped: false,
    });
    expect(summary).toMatchObject({
      total: 0,
      systems: [],
      failures: [],
      overdue: [],
      waiting: [],
      busiestOperations: [],
      busiestRequesters: [],
    });
  });

  it('longer than expected: twice the median of five or more succeeded runs (with a floor), else one hour', () => {
    const tenMinutes = Array.from({ length: 5 }, () => ({
      operationId: 'itential.start',
      durationMs: 600_000,
    }));
    const fewSamples = Array.from({ length: 4 }, () => ({ operationId: 'iacm.run', durationMs: 60_000 }));
    const quick = Array.from({ length: 6 }, () => ({ operationId: 'zitadel.set', durationMs: 10_000 }));
    const going = (
      operationId: string,
      minutes: number,
      state: 'running' | 'queued' | 'waiting' = 'running',
    ) =>
      runRecord({
        createdAt: new Date(now.getTime() - minutes * 60_000 - 1_000),
        startedAt: new Date(now.getTime() - minutes * 60_000),
        operationId,
        state,
      });
    const overMedian = going('itential.start', 21);
    const underMedian = going('itential.start', 19);
    const overHour = going('iacm.run', 61);
    const underHour = going('iacm.run', 59);
    const overFloor = going('zitadel.set', 6, 'queued');
    const underFloor = going('zitadel.set', 4);
    const waiting = going('iacm.run', 600, 'waiting');
    const summary = summarizeDigest({
      counts: NO_COUNTS,
      runs: [overMedian, underMedian, overHour, underHour, overFloor, underFloor, waiting],
      durations: [...tenMinutes, ...fewSamples, ...quick],
      window,
      now,
      failuresOnly: false,
      capped: false,
    });
    expect(summary.overdue.map((o) => [o.run.id, o.expectedMs, o.basis])).toEqual([
      [overHour.id, EXPECTED_DURATION.defaultMs, 'default'],
      [overMedian.id, 1_200_000, 'median'],
      [overFloor.id, EXPECTED_DURATION.floorMs, 'median'],
    ]);
    expect(summary.waiting.map((r) => r.id)).toEqual([waiting.id]);
  });

  it('the median of an even number of samples is the mean of the middle two', () => {
    const durations = [1, 2, 3, 4, 10, 20].map((m) => ({
      operationId: 'itential.start',
      durationMs: m * 600_000,
    }));
    const run = runRecord({ createdAt: at(0), startedAt: new Date(now.getTime() - 71 * 60_000) });
    const summary = summarizeDigest({
      counts: NO_COUNTS,
      runs: [run],
      durations,
      window,
      now,
      failuresOnly: false,
      capped: false,
    });
    expect(summary.overdue[0]?.expectedMs).toBe(2 * 3.5 * 600_000);
  });
});
