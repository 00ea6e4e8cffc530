import { type Harness, startHarness } from './harness';
import type { Report } from '../../../src/core/operations/contract';
import { mrkdwnText } from '../../../src/slack/ui/text';

/** The report's lines as Slack shows them. */
const slackLines = (report: Report) => report.lines.map(mrkdwnText);

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

describe('/ops zitadel executions [filter]', () => {
  it('lists every execution with targets: condition → targets by name, sorted by condition', async () => {
    const audit = h.fake.addTarget({ name: 'audit-log' });
    const allow = h.fake.addTarget({ name: 'ip-allow-list' });
    h.fake.setTargets({ request: { method: '/zitadel.session.v2.SessionService/ListSessions' } }, [
      allow,
      audit,
    ]);
    h.fake.setTargets({ event: { group: 'user.human' } }, [audit]);
    h.fake.setTargets({ function: { name: 'preaccesstoken' } }, [allow]);
    h.fake.setTargets({ response: { all: true } }, [audit]);
    const report = await h.query.run('');
    expect(report.title).toBe('Zitadel executions (4)');
    expect(slackLines(report)).toEqual([
      '`event group user.human` → `audit-log`',
      '`function preaccesstoken` → `ip-allow-list`',
      '`request method /zitadel.session.v2.SessionService/ListSessions` → `ip-allow-list` → `audit-log`',
      '`response (all methods)` → `audit-log`',
    ]);
  });

  it('filters by a substring of the condition or of a target’s name, case-insensitively', async () => {
    const audit = h.fake.addTarget({ name: 'Audit-Log' });
    const allow = h.fake.addTarget({ name: 'ip-allow-list' });
    h.fake.setTargets({ event: { event: 'user.human.added' } }, [audit]);
    h.fake.setTargets({ function: { name: 'preaccesstoken' } }, [allow]);
    expect(slackLines(await h.query.run('HUMAN'))).toEqual(['`event user.human.added` → `Audit-Log`']);
    const byTarget = await h.query.run(' allow ');
    expect(byTarget.title).toBe('Zitadel executions matching "allow" (1)');
    expect(slackLines(byTarget)).toEqual(['`function preaccesstoken` → `ip-allow-list`']);
    const none = await h.query.run('nothing-like-this');
    expect(slackLines(none)).toEqual([]);
    expect(none.empty).toBe('No execution\'s condition or target matches "nothing-like-this".');
  });

  it('pages through more executions than one page holds, and names deleted targets by id', async () => {
    const hook = h.fake.addTarget({ name: 'hook' });
    for (let i = 0; i < 230; i++)
      h.fake.setTargets({ event: { event: `custom.event.${String(i).padStart(3, '0')}` } }, [hook]);
    h.fake.setTargets({ function: { name: 'preuserinfo' } }, ['777']);
    const report = await h.query.run('');
    expect(slackLines(report)).toHaveLength(231);
    expect(slackLines(report)).toContain('`function preuserinfo` → unknown target (`777`)');
    const pages = h.fake.requests('ListExecutions').map((r) => r.body);
    expect(pages).toEqual(
      [0, 100, 200].map((offset) =>
        expect.objectContaining({ pagination: { offset: String(offset), limit: 100, asc: true } }),
      ),
    );
  });

  it('says so when no execution has targets', async () => {
    const report = await h.query.run('');
    expect(slackLines(report)).toEqual([]);
    expect(report.empty).toBe('No execution has any targets.');
  });
});
