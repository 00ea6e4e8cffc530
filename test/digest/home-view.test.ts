import type { DigestScheduleRecord } from '../../src/core/digest/digest-store';
import { channelPickModal, HOME_LIMITS, homeView } from '../../src/slack/ui/home';
import { validateView } from '../support/block-kit';
import { blocksText } from '../support/flightdeck-harness';
import { runRecord } from '../support/run-fixtures';

const now = new Date('2026-03-29T10:00:00Z');
const schedule = (i: number): DigestScheduleRecord => ({
  id: `id${String(i).padStart(6, '0')}`,
  channelId: 'C0OPS',
  createdBy: 'U0ALICE',
  cron: '*/5 * * * *',
  label: '*/5 * * * *',
  timeZone: 'Asia/Kolkata',
  filters: { failuresOnly: false },
  createdAt: now,
});

describe('homeView', () => {
  it('an empty Home says what to do in each part', () => {
    const view = homeView({ now, recent: [], waiting: [], toDecide: [], schedules: [], operations: [] });
    expect(validateView(view)).toBeUndefined();
    const text = blocksText(view);
    expect(text).toContain('No system is configured yet');
    expect(text).toContain('Nothing of yours is waiting for a person.');
    expect(text).toContain('You have not launched anything yet.');
    expect(text).toContain('`/ops digest schedule daily 09:00` in a channel starts one.');
  });

  it('lists runs with status, channel and link, schedules with their next run in their zone, and a button per operation', () => {
    const run = runRecord({ createdAt: now, state: 'failed', channelId: 'C0OPS' });
    const waiting = runRecord({ createdAt: now, state: 'waiting', channelId: 'C0RANDOM' });
    const view = homeView({
      now,
      recent: [{ run, title: 'Itential: Start a job', link: 'https://example.slack.com/archives/C0OPS/p1' }],
      waiting: [{ run: waiting, title: 'Harness IaCM: Run <module>' }],
      toDecide: [],
      schedules: [{ schedule: schedule(1), next: new Date('2026-03-29T10:05:00Z') }],
      operations: [{ id: 'itential.start', title: 'Start a job', systemName: 'Itential' }],
    });
    expect(validateView(view)).toBeUndefined();
    const text = blocksText(view);
    expect(text).toContain(':x: Failed · *Itential: Start a job* in <#C0OPS>');
    expect(text).toContain('<https://example.slack.com/archives/C0OPS/p1|thread>');
    expect(text).toContain('*Waiting for you*');
    expect(text).not.toContain('…and more');
    expect(text).toContain('*Harness IaCM: Run &lt;module&gt;* in <#C0RANDOM>');
    expect(text).toContain('`id000001` · `*/5 * * * *` (Asia/Kolkata) in <#C0OPS> · next Sun 29 Mar 15:35');
    expect(JSON.stringify(view.blocks)).toContain('"action_id":"fd.home.launch.itential.start"');
  });

  it('says when Slack refuses a run’s updates, so the requester sees it', () => {
    const run = runRecord({
      createdAt: now,
      state: 'running',
      channelId: 'C0OLD',
      notifyProblem: {
        code: 'is_archived',
        message: 'Slack refused: is_archived',
        permanent: true,
        failures: 3,
        since: now,
        lastAt: now,
      },
    });
    const view = homeView({
      now,
      recent: [{ run, title: 'Itential: Start a job' }],
      waiting: [],
      toDecide: [],
      schedules: [],
      operations: [],
    });
    expect(validateView(view)).toBeUndefined();
    expect(blocksText(view)).toContain("Slack refuses this run's updates in <#C0OLD> (`is_archived`)");
  });

  it('stays a valid view at its largest', () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        run: runRecord({ createdAt: now, state: 'running', detail: 'x'.repeat(100) }),
        title: `System ${i}: ${'an operation with a long title '.repeat(3)}`,
        link: `https://example.slack.com/archives/C0OPS/p${i}${'9'.repeat(30)}`,
      }));
    const view = homeView({
      now,
      recent: many(100),
      waiting: many(100),
      toDecide: [],
      schedules: Array.from({ length: 100 }, (_, i) => ({ schedule: schedule(i) })),
      operations: Array.from({ length: 120 }, (_, i) => ({
        id: `system${i}.operation`,
        title: 'x'.repeat(80),
        systemName: 'A system',
      })),
    });
    expect(validateView(view)).toBeUndefined();
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const buttons = JSON.stringify(view.blocks).match(/fd\.home\.launch\./g) ?? [];
    expect(buttons).toHaveLength(HOME_LIMITS.operations);
    expect(blocksText(view).match(/…and more/g)).toHaveLength(3);
  });
});

describe('channelPickModal', () => {
  it('asks for a channel, carrying the operation', () => {
    const modal = channelPickModal({ id: 'itential.start', title: 'Start a job', systemName: 'Itential' });
    expect(validateView(modal)).toBeUndefined();
    expect(modal.private_metadata).toBe('{"operationId":"itential.start"}');
    expect(blocksText(modal)).toContain('Where should *Itential: Start a job* run?');
  });
});
