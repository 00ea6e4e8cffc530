import { digestContent, type DigestMarks } from '../../../src/core/digest/digest-text';
import { digestLines } from '../../../src/console/digest-printer';
import {
  digestNamesFixture as names,
  digestPost as post,
  failedRun,
  postWindow as window,
  waitingRun,
} from '../../digest/posts';

const MARKS: DigestMarks = {
  failed: 'F',
  timed_out: 'T',
  overdue: 'O',
  waiting: 'W',
  late: 'L',
  warning: '!',
};

/** The console's digest: the core's content, laid out as plain lines with no markup. */
describe('digestLines', () => {
  it('prints every group, the failure reason under its run, people and runs by id, no markup', () => {
    const failed = failedRun({
      problem: { title: 'Itential: the job failed', message: 'Task <Backup> failed\nsecond line' },
    });
    const waiting = waitingRun();
    const lines = digestLines(
      digestContent(
        post([failed, waiting], { late: { dueAt: window.end }, skipped: 2 }),
        names,
        new Map(),
        MARKS,
      ),
    );
    expect(lines).toEqual([
      '┌ Digest · daily 09:00',
      '│ Sat 28 Mar 09:00 → Sun 29 Mar 09:00 (Europe/Berlin)',
      '│ L Late: due Sun 29 Mar 09:00, posted Sun 29 Mar 09:00 (Flightdeck was down, or Slack would not take it then).',
      '│ 2 earlier windows were missed while Flightdeck was not running; this digest covers them too.',
      '│ By system',
      '│   • Harness IaCM: 1 run — 1 in progress',
      '│   • Itential: 1 run — 1 failed',
      '│ Failed (1)',
      `│   Start a job by @U0ALICE · F failed at Sat 28 Mar 21:10 · run ${failed.id}`,
      '│       Itential: the job failed: Task <Backup> failed',
      '│       second line',
      '│ Waiting for a person (1)',
      `│   W Run a module by @U0ALICE · waiting for approval by <@U0CAROL> · started 2 hours 20 seconds ago · run ${waiting.id}`,
      '│ Busiest',
      '│   Operations: Run a module (1) · Start a job (1)',
      '│   Requesters: @U0ALICE (2)',
      '└',
    ]);
  });

  it('an empty window is one line', () => {
    expect(digestLines(digestContent(post([]), names, new Map(), MARKS))).toEqual([
      'Digest · daily 09:00 — no runs · Sat 28 Mar 09:00 → Sun 29 Mar 09:00 (Europe/Berlin)',
    ]);
  });
});
