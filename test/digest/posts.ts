import type { DigestPost } from '../../src/core/digest/publisher';
import { summarizeDigest } from '../../src/core/digest/summary';
import type { RunRecord } from '../../src/core/runs/run-store';
import { runRecord } from '../support/run-fixtures';
import { countsOf } from './seed';
import { digestSchedule } from './schedules';

/** How a digest names the test's systems and operations. */
export const digestNamesFixture = {
  system: (id: string) => ({ itential: 'Itential', iacm: 'Harness IaCM' })[id] ?? id,
  operation: (id: string) => ({ 'itential.start': 'Start a job', 'iacm.run': 'Run a module' })[id] ?? id,
};

export const postSchedule = digestSchedule({ id: 'ab12cd34', createdAt: new Date('2026-03-01T00:00:00Z') });

// 2026-03-29 is the spring-forward day in Berlin: the window is 23 hours.
export const postWindow = { start: new Date('2026-03-28T08:00:00Z'), end: new Date('2026-03-29T07:00:00Z') };
export const postNow = new Date('2026-03-29T07:00:20Z');

/** The daily Berlin digest of C0OPS over `runs`, as the scheduler would hand it to a publisher. */
export function digestPost(runs: RunRecord[], extra: Partial<DigestPost> = {}): DigestPost {
  return {
    channelId: 'C0OPS',
    schedule: postSchedule,
    timeZone: 'Europe/Berlin',
    summary: summarizeDigest({
      counts: countsOf(runs),
      runs,
      durations: [],
      window: postWindow,
      now: postNow,
      failuresOnly: false,
      capped: false,
    }),
    skipped: 0,
    ...extra,
  };
}

/** Alice's job that failed on Saturday evening (Berlin), with what the test says about it. */
export const failedRun = (fields: Partial<RunRecord>): RunRecord =>
  runRecord({
    createdAt: new Date('2026-03-28T20:00:00Z'),
    finishedAt: new Date('2026-03-28T20:10:00Z'),
    state: 'failed',
    ...fields,
  });

/** A Harness module run waiting for an approval since 05:00 UTC on the window's last day. */
export const waitingRun = (): RunRecord =>
  runRecord({
    createdAt: new Date('2026-03-29T05:00:00Z'),
    startedAt: new Date('2026-03-29T05:00:00Z'),
    state: 'waiting',
    waitingFor: 'approval by <@U0CAROL>',
    system: 'iacm',
    operationId: 'iacm.run',
  });
