import { EXPECTED_DURATION, summarizeDigest } from '../../src/core/digest/summary';
import { runRecord } from '../support/run-fixtures';

const start = new Date('2026-05-01T09:00:00Z');
const end = new Date('2026-05-02T09:00:00Z');
const now = new Date('2026-05-02T09:00:30Z');
const at = (hoursAfterStart: number) => new Date(start.getTime() + hoursAfterStart * 3_600_000);
const window = { start, end };

describe('summarizeDigest', () => {
  it('counts per system and outcome, newest failure first, unfinished runs as in progress', () => {
    const failedEarly = runRecord({ createdAt: at(1), state: 'failed', finishedAt: at(2) });
    const failedLate = runRecord({ createdAt: at(3), state: 'timed_out', finishedAt: at(5) });
    const runs = [
      runRecord({ createdAt: at(1), state: 'succeeded', finishedAt: at(1.5) }),
      runRecord({ createdAt: at(2), state: 'succeeded', finishedAt: at(2.5) }),
      failedEarly,
      failedLate,
      runRecord({ createdAt: at(23.9), state: 'running', startedAt: at(23.9) }),
      runRecord({
        createdAt: at(4),
        system: 'iacm',
        operationId: 'iacm.run',
        state: 'canceled',
        finishedAt: at(4.2),
      }),
    ];
    const summary = summarizeDigest({ runs, durations: [], window, now, failuresOnly: false, capped: false });
    expect(summary.total).toBe(6);
    expect(summary.systems).toEqual([
      { system: 'itential', total: 5, outcomes: { succeeded: 2, failed: 1, timed_out: 1, in_progress: 1 } },
      { system: 'iacm', total: 1, outcomes: { canceled: 1 } },
    ]);
    expect(summary.failures.map((r) => r.id)).toEqual([failedLate.id, failedEarly.id]);
    expect(summary.overdue).toEqual([]);
  });

  it('an empty window is empty everywhere', () => {
    const summary = summarizeDigest({
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
      runs: [run],
      durations,
      window,
      now,
      failuresOnly: false,
      capped: false,
    });
    expect(summary.overdue[0]?.expectedMs).toBe(2 * 3.5 * 600_000);
  });

  it('busiest operations and requesters count launches inside the window only, top five', () => {
    const launches = [
      ...Array.from({ length: 3 }, () =>
        runRecord({ createdAt: at(1), requesterId: 'U0BOB', state: 'succeeded' }),
      ),
      ...Array.from({ length: 2 }, () =>
        runRecord({
          createdAt: at(2),
          operationId: 'iacm.run',
          system: 'iacm',
          requesterId: 'U0CAROL',
          state: 'succeeded',
        }),
      ),
      runRecord({
        createdAt: at(-30),
        finishedAt: at(1),
        operationId: 'zitadel.set',
        requesterId: 'U0DAVE',
        state: 'succeeded',
      }),
      ...['U1', 'U2', 'U3', 'U4'].map((u) =>
        runRecord({ createdAt: at(3), requesterId: u, state: 'succeeded' }),
      ),
    ];
    const summary = summarizeDigest({
      runs: launches,
      durations: [],
      window,
      now,
      failuresOnly: false,
      capped: false,
    });
    expect(summary.busiestOperations).toEqual([
      { id: 'itential.start', count: 7 },
      { id: 'iacm.run', count: 2 },
    ]);
    expect(summary.busiestRequesters).toEqual([
      { id: 'U0BOB', count: 3 },
      { id: 'U0CAROL', count: 2 },
      { id: 'U1', count: 1 },
      { id: 'U2', count: 1 },
      { id: 'U3', count: 1 },
    ]);
  });

  it('only failures: everything else is left out', () => {
    const failed = runRecord({ createdAt: at(1), state: 'failed', finishedAt: at(2) });
    const summary = summarizeDigest({
      runs: [failed, runRecord({ createdAt: at(1), state: 'succeeded' }), runRecord({ createdAt: at(-100) })],
      durations: [],
      window,
      now,
      failuresOnly: true,
      capped: true,
    });
    expect(summary).toMatchObject({ total: 1, failuresOnly: true, capped: true, overdue: [] });
    expect(summary.systems).toEqual([{ system: 'itential', total: 1, outcomes: { failed: 1 } }]);
  });
});
