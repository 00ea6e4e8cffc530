import type { HarnessFake } from '../fakes/harness/harness-fake';
import { moduleVariable } from '../fakes/harness/harness-fake';
import { type FakeView, waitFor } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { addModuleTests, iacmRunValues, iacmBotPerTest } from '../support/iacm';
import { storeBackends } from '../support/stores';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const SECRET = 'postgres://app:Very-Secret-Pw@db';
const PLAN = 'plan000000000000000001';

describe.each(storeBackends())('Harness forms from Harness on $name', (backend) => {
  let harness: HarnessFake;
  let h: Harness;
  let moduleId: string;

  const bot = iacmBotPerTest(backend);
  beforeEach(() => {
    ({ fake: harness, h } = bot);
    harness.orgs.push(
      { identifier: 'default', name: 'Default' },
      { identifier: 'platform', name: 'Platform' },
    );
    harness.projects.push(
      { orgIdentifier: 'default', identifier: 'infra', name: 'Infrastructure' },
      { orgIdentifier: 'platform', identifier: 'network', name: 'Network' },
    );
    moduleId = harness.addModule({
      name: 'vpc-network',
      versions: ['1.0.0'],
      variables: {
        '1.0.0': [
          moduleVariable('region', 'string', { variable_required: true, variable_description: 'AWS region' }),
          moduleVariable('az_count', 'number', { variable_default: '2' }),
          moduleVariable('db_conn', 'string', { variable_sensitive: true }),
        ],
      },
    }).id;
    addModuleTests(harness, {
      planExecutionId: PLAN,
      runSequence: 7,
      stages: [{ id: 'plan', name: 'Plan' }],
      steps: [{ status: 'Running', stage: 'plan' }],
    });
  });

  const suggest = (view: FakeView, field: string, value: string) =>
    h.driver.blockSuggestion({ user: ALICE, view, blockId: field, actionId: `fd.field.${field}`, value });
  /** Opens the form and picks the module: the form is rebuilt once it shows `field`. */
  async function pickModule(field: string): Promise<FakeView> {
    const { view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
    await h.driver.blockAction({
      user: ALICE,
      view,
      actionId: 'fd.field.refresh.module',
      value: { value: moduleId, text: 'vpc-network' },
    });
    return h.viewWithBlock(view.id, field);
  }
  const labels = (body: unknown) =>
    ((body as { options?: { text: { text: string } }[] }).options ?? []).map((o) => o.text.text);

  it('the org and project pickers list from Harness and start at the configured defaults', async () => {
    const { view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
    expect(JSON.stringify(view.blocks)).toContain(
      '"action_id":"fd.field.org","min_query_length":0,"initial_option":{"value":"default"',
    );
    const orgs = await suggest(view, 'org', '');
    expect(labels(orgs.body)).toEqual(['Default', 'Platform']);
    const projects = await suggest(view, 'project', 'inf');
    expect(labels(projects.body)).toEqual(['Infrastructure', 'inf']);
    const [listed] = harness.requestsTo('listProjects');
    expect(listed?.query.get('orgIdentifier')).toBe('default');
    expect(listed?.query.get('accountIdentifier')).toBe(harness.accountId);
  });

  it('a picked module’s variables become fields; they are sent typed in the create body, the sensitive one never shown', async () => {
    const rebuilt = await pickModule('in.s.region');
    expect(blocksText({ blocks: rebuilt.blocks })).toContain('AWS region');
    const submission = await h.driver.viewSubmission(
      rebuilt,
      {
        ...iacmRunValues(moduleId, PLAN),
        'in.s.region': 'eu-west-3',
        'in.n.az_count': '3',
        'in.xs.db_conn': SECRET,
      },
      ALICE,
    );
    expect(submission.body).toBe('');
    await waitFor(() => (harness.requestsTo('createExecution').length === 1 ? true : undefined), 3000);
    const [create] = harness.requestsTo('createExecution');
    expect((create?.body as { variables?: unknown }).variables).toEqual({
      region: 'eu-west-3',
      az_count: 3,
      db_conn: SECRET,
    });
    const parent = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    expect(blocksText(parent)).toContain('db_conn=••••••');
    expect(JSON.stringify(h.slack.messages(CHANNEL))).not.toContain('Very-Secret-Pw');
    expect(JSON.stringify(await h.bot.store.listAudit({ limit: 100 }))).not.toContain('Very-Secret-Pw');
    expect(h.logs.lines.join('\n')).not.toContain('Very-Secret-Pw');
    // Stored with the run, sealed: a restart with the same key can still send it.
    expect(JSON.stringify(await h.bot.store.listRuns({ limit: 10 }))).toMatch(/fdsealed:v1:/);
    expect(JSON.stringify(await h.bot.store.listRuns({ limit: 10 }))).not.toContain('Very-Secret-Pw');
  });

  it('a variable of the wrong type is refused under its field and nothing is created', async () => {
    const rebuilt = await pickModule('in.n.az_count');
    const submission = await h.driver.viewSubmission(
      rebuilt,
      { ...iacmRunValues(moduleId, PLAN), 'in.s.region': 'eu-west-3', 'in.n.az_count': 'two' },
      ALICE,
    );
    expect(submission.body).toEqual({
      response_action: 'errors',
      errors: { 'in.n.az_count': 'Enter a number, like 1.5' },
    });
    expect(harness.requestsTo('createExecution')).toHaveLength(0);
  });
});
