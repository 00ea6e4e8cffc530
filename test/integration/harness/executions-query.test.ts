import { fixedClock, harnessWorld, type HarnessWorld } from './world';
import type { Report } from '../../../src/core/operations/contract';
import { mrkdwnText } from '../../../src/slack/ui/text';

/** The report's lines as Slack shows them. */
const slackLines = (report: Report) => report.lines.map(mrkdwnText);

const NOW = '2026-05-08T12:00:00Z';
const hoursAgo = (h: number) => Date.parse(NOW) - h * 3_600_000;

describe('iacm.executions', () => {
  let world: HarnessWorld;

  beforeEach(async () => {
    world = await harnessWorld({ clock: fixedClock(NOW) });
  });
  afterEach(() => world.close());

  it('lists a module’s executions newest first, with status, pipeline, number, stage, when and who', async () => {
    const module = world.fake.addModule({ name: 'terraform-aws-vpc' });
    world.fake.addExecution({
      moduleId: module.id,
      created: hoursAgo(30),
      status: 'failed',
      metadata: {
        pipeline_execution_id: 'old',
        pipeline_execution_number: '7',
        trigger: { triggerType: 'WEBHOOK' },
      },
    });
    world.fake.addExecution({
      moduleId: module.id,
      created: hoursAgo(2),
      status: 'succeeded',
      metadata: {
        pipeline_execution_id: 'new',
        pipeline_execution_number: '9',
        trigger: { triggered_by: 'ana@example.com' },
      },
    });
    world.fake.addExecution({
      moduleId: module.id,
      created: hoursAgo(5),
      status: 'running <b>',
      metadata: { pipeline_execution_number: '8' },
    });

    const report = await world.query.run('terraform-aws-vpc');

    expect(report.title).toBe('Recent executions of terraform-aws-vpc');
    expect(slackLines(report)).toHaveLength(3);
    const [first, second, third] = slackLines(report);
    expect(first).toBe(
      `*succeeded* · Module tests <${world.fake.rootUrl}/ng/account/${world.fake.accountId}/module/iacm/orgs/default/projects/infra/pipelines/module_tests/executions/new/pipeline|#9> · stage plan · about 2 hours ago (2026-05-08 10:00 UTC) · by ana@example.com`,
    );
    expect(second).toContain('*running &lt;b&gt;*');
    expect(third).toContain('#7>');
    expect(third).toContain('1 day ago');
    expect(third).toContain('by WEBHOOK');
    const [search, list] = [
      world.fake.requestsTo('listModules')[0],
      world.fake.requestsTo('listExecutions')[0],
    ];
    expect(search?.query.get('searchTerm')).toBe('terraform-aws-vpc');
    expect(list?.query.get('page')).toBe('1');
    expect(list?.headers['harness-account']).toBe(world.fake.accountId);
  });

  it('reads the first and the last page when there are several, whatever order Harness uses', async () => {
    const module = world.fake.addModule({ name: 'big' });
    for (let i = 0; i < 150; i += 1) {
      world.fake.addExecution({
        moduleId: module.id,
        created: hoursAgo(200 - i),
        metadata: { pipeline_execution_number: String(i) },
      });
    }
    const report = await world.query.run(module.id);
    const pages = world.fake.requestsTo('listExecutions').map((r) => r.query.get('page'));
    expect(pages).toEqual(['1', '2']);
    expect(slackLines(report)).toHaveLength(15);
    expect(slackLines(report)[0]).toContain('#149');
    expect(slackLines(report)[14]).toContain('#135');
  });

  it('finds a module by id when its name does not match', async () => {
    const module = world.fake.addModule({ id: '6f1c2a6e-1d5b-4a55-9b0a-3c8a9e7d1f20', name: 'net' });
    world.fake.addExecution({ moduleId: module.id, created: hoursAgo(1) });
    const report = await world.query.run('6f1c2a6e-1d5b-4a55-9b0a-3c8a9e7d1f20');
    expect(report.title).toBe('Recent executions of net');
    expect(slackLines(report)).toHaveLength(1);
  });

  it('suggests modules when the name is not exact, and lists nothing', async () => {
    world.fake.addModule({ name: 'terraform-aws-vpc' });
    world.fake.addModule({ name: 'terraform-aws-eks' });
    const report = await world.query.run('terraform-aws');
    expect(report.title).toBe('No module named terraform-aws');
    expect(slackLines(report)).toEqual([
      'Did you mean *terraform-aws-eks*?',
      'Did you mean *terraform-aws-vpc*?',
    ]);
    expect(world.fake.requestsTo('listExecutions')).toHaveLength(0);
  });

  it('says how to use it when no module is given, without calling Harness', async () => {
    const report = await world.query.run('  ');
    expect(slackLines(report)).toEqual([]);
    expect(report.empty).toContain('/ops iacm executions <module');
    expect(world.fake.requests).toHaveLength(0);
  });

  it('says when a module has no executions', async () => {
    world.fake.addModule({ name: 'fresh' });
    const report = await world.query.run('FRESH');
    expect(slackLines(report)).toEqual([]);
    expect(report.empty).toBe('Module fresh has no executions yet.');
  });
});
