import { windowText } from '../../src/core/digest/digest-text';
import { digestMessages, scheduleListMessage } from '../../src/slack/ui/digest';
import { blocksTextLength, validateBlocks } from '../support/block-kit';
import { blocksText } from '../support/flightdeck-harness';
import { runRecord } from '../support/run-fixtures';
import {
  digestNamesFixture as names,
  digestPost as post,
  failedRun,
  postSchedule as schedule,
  postWindow as window,
  waitingRun,
} from './posts';

function expectValid(messages: { text: string; blocks: unknown[] }[]) {
  for (const message of messages) {
    expect(validateBlocks(message.blocks, 'message')).toBeUndefined();
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(blocksTextLength(message.blocks)).toBeLessThanOrEqual(11_000);
    expect(message.text.length).toBeGreaterThan(0);
  }
}

describe('digestMessages', () => {
  it('an empty window is one line', () => {
    const messages = digestMessages(post([]), names, new Map());
    expect(messages).toHaveLength(1);
    expect(messages[0]?.blocks).toHaveLength(1);
    const text = blocksText(messages[0] ?? {});
    expect(text).toBe(
      '*Digest* `daily 09:00` — no runs · Sat 28 Mar 09:00 → Sun 29 Mar 09:00 (Europe/Berlin)',
    );
    expectValid(messages);
  });

  it('shows times in the schedule’s zone, failures with their escaped reason and thread link, and the rest', () => {
    const failed = failedRun({
      parentTs: '1711.0001',
      problem: { title: 'Itential: the job failed', message: 'Task <Backup> failed & <!channel> was pinged' },
    });
    const noReason = runRecord({
      createdAt: new Date('2026-03-28T21:00:00Z'),
      finishedAt: new Date('2026-03-28T21:00:00Z'),
      state: 'timed_out',
      requesterId: 'U0BOB',
    });
    const waiting = waitingRun();
    const stuck = runRecord({
      createdAt: new Date('2026-03-29T03:00:00Z'),
      startedAt: new Date('2026-03-29T03:00:00Z'),
    });
    const ok = runRecord({ createdAt: new Date('2026-03-28T10:00:00Z'), state: 'succeeded' });
    const messages = digestMessages(
      post([failed, noReason, waiting, stuck, ok]),
      names,
      new Map([[failed.id, 'https://flightdeck-test.slack.com/archives/C0OPS/p17110001']]),
    );
    expect(messages).toHaveLength(1);
    expectValid(messages);
    const text = blocksText(messages[0] ?? {});
    expect(text).toContain('Sat 28 Mar 09:00 → Sun 29 Mar 09:00 (Europe/Berlin)');
    expect(text).toContain('• *Itential*: 4 runs — 1 succeeded · 1 failed · 1 timed out · 1 in progress');
    expect(text).toContain('• *Harness IaCM*: 1 run — 1 in progress');
    expect(text).toContain(
      '*Start a job* by <@U0ALICE> · :x: failed at Sat 28 Mar 21:10 · <https://flightdeck-test.slack.com/archives/C0OPS/p17110001|thread>',
    );
    expect(text).toContain(
      '> *Itential: the job failed*: Task &lt;Backup&gt; failed &amp; &lt;!channel&gt; was pinged',
    );
    expect(text).toContain(
      `*Start a job* by <@U0BOB> · :alarm_clock: timed out at Sat 28 Mar 22:00 · run \`${noReason.id}\`\n> no reason was recorded`,
    );
    expect(text).toContain('*Longer than expected (1)*');
    expect(text).toContain('running for 4 hours 20 seconds (no history yet; flagged after 1 hour)');
    expect(text).toContain('*Waiting for a person (1)*');
    expect(text).toContain('waiting for approval by &lt;@U0CAROL&gt; · started 2 hours 20 seconds ago');
    expect(text).toContain('Operations: Start a job (4) · Run a module (1)');
    expect(text).toContain('Requesters: <@U0ALICE> (4) · <@U0BOB> (1)');
    expect(messages[0]?.text).toBe('Flightdeck digest · daily 09:00: 5 runs, 2 failed');
  });

  it('a late window says when it was due, how many were missed, and which filters apply', () => {
    const late = post([runRecord({ createdAt: new Date('2026-03-28T10:00:00Z'), state: 'succeeded' })], {
      late: { dueAt: window.end },
      skipped: 3,
      schedule: { ...schedule, filters: { system: 'itential', failuresOnly: true } },
      summary: {
        ...post([]).summary,
        now: new Date('2026-03-29T09:42:00Z'),
      },
    });
    const text = blocksText(digestMessages(late, names, new Map())[0] ?? {});
    const onlySkipped = blocksText(
      digestMessages({ ...late, late: undefined, skipped: 1 }, names, new Map())[0] ?? {},
    );
    expect(onlySkipped).toContain(
      ':hourglass: *Late*: 1 earlier window was missed while Flightdeck was not running; this digest covers it too.',
    );
    expect(text).toContain(':hourglass: *Late*: due Sun 29 Mar 09:00, posted Sun 29 Mar 11:42');
    expect(text).toContain(
      '3 earlier windows were missed while Flightdeck was not running; this digest covers them too.',
    );
    expect(text).toContain('Filters: system Itential · only failures');
  });

  it('splits a huge digest into valid messages without losing a single failure', () => {
    const failures = Array.from({ length: 400 }, (_, i) =>
      runRecord({
        createdAt: new Date(window.start.getTime() + i * 60_000),
        finishedAt: new Date(window.start.getTime() + i * 60_000 + 1_000),
        state: 'failed',
        requesterId: `U${String(i).padStart(6, '0')}`,
        problem: { title: `Failure number ${i}`, message: 'x'.repeat(2_000) },
      }),
    );
    const messages = digestMessages(post(failures), names, new Map());
    expect(messages.length).toBeGreaterThan(5);
    expectValid(messages);
    const all = messages.map((m) => blocksText(m)).join('\n');
    for (let i = 0; i < 400; i += 1) expect(all).toContain(`*Failure number ${i}*`);
    expect(blocksText(messages[0] ?? {})).toContain(
      `Part 1 of ${messages.length}: the rest is in this message's thread.`,
    );
    expect(blocksText(messages[1] ?? {})).toContain(
      `*Digest* \`daily 09:00\` · part 2 of ${messages.length}`,
    );
    expect(messages[1]?.text).toContain(`(part 2 of ${messages.length})`);
  });

  it('splits by block count too (many short entries)', () => {
    const waiting = Array.from({ length: 3_000 }, (_, i) =>
      runRecord({
        createdAt: new Date(window.start.getTime() + i * 1_000),
        state: 'waiting',
        waitingFor: `w${i}`,
      }),
    );
    const messages = digestMessages(post(waiting), names, new Map());
    expectValid(messages);
    const all = messages.map((m) => blocksText(m)).join('\n');
    expect(all).toContain('waiting for w0 ');
    expect(all).toContain('waiting for w2999 ');
  });
});

describe('windowText', () => {
  it('leaves out the second date on the same day, in Kolkata (+05:30) too', () => {
    expect(
      windowText(new Date('2026-03-29T03:30:00Z'), new Date('2026-03-29T04:30:00Z'), 'Asia/Kolkata'),
    ).toBe('Sun 29 Mar 09:00 → 10:00 (Asia/Kolkata)');
    expect(
      windowText(new Date('2026-11-01T04:00:00Z'), new Date('2026-11-02T14:00:00Z'), 'America/New_York'),
    ).toBe('Sun 1 Nov 00:00 → Mon 2 Nov 09:00 (America/New_York)');
  });
});

describe('scheduleListMessage', () => {
  it('lists schedules with their next run in their own zone and the last problem', () => {
    const message = scheduleListMessage(
      [
        { schedule, lastWindow: null },
        {
          schedule: {
            ...schedule,
            id: 'zz99yy88',
            label: 'hourly',
            timeZone: 'Asia/Kolkata',
            filters: { failuresOnly: true },
          },
          lastWindow: {
            scheduleId: 'zz99yy88',
            windowStart: window.start,
            windowEnd: window.end,
            skipped: 0,
            claimedBy: 'p',
            leaseUntil: window.end,
            attemptedPart: null,
            attempts: 1,
            partsPosted: 0,
            threadTs: null,
            postedAt: null,
            failedAt: window.end,
            error: 'not_in_channel',
          },
        },
      ],
      () => new Date('2026-03-30T07:00:00Z'),
      names,
    );
    expect(validateBlocks(message.blocks, 'message')).toBeUndefined();
    const text = blocksText(message);
    expect(text).toContain(
      '`ab12cd34` · `daily 09:00` (Europe/Berlin) · by <@U0ALICE>\nNext: Mon 30 Mar 09:00',
    );
    expect(text).toContain('`zz99yy88` · `hourly` (Asia/Kolkata) · only failures');
    expect(text).toContain('Next: Mon 30 Mar 12:30');
    expect(text).toContain(':warning: The last digest could not be posted: `not_in_channel`');
    expect(blocksText(scheduleListMessage([], () => undefined, names))).toContain('No digests are scheduled');
  });
});
