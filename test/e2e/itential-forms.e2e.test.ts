import type { FakeItential } from '../fakes/itential';
import { type FakeView, waitFor } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { itentialBotPerTest } from '../support/itential-bot';
import { storeBackends } from '../support/stores';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const SECRET = 'Hunter2-Very-Secret';
const WORKFLOW = 'Configure VLAN';

const SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['device', 'vlan', 'admin_password'],
  properties: {
    device: { type: 'string', title: 'Device', description: 'Hostname of the switch', maxLength: 64 },
    vlan: { type: 'integer', minimum: 1, maximum: 4094, default: 100 },
    dryRun: { type: 'boolean', default: true, description: 'Only show what would change' },
    site: { enum: ['par', 'fra'] },
    admin_password: { type: 'string', description: 'Enable password' },
    ports: { type: 'array', items: { type: 'integer' } },
  },
  additionalProperties: false,
};

interface InputBlock {
  type: string;
  block_id: string;
  optional?: boolean;
  hint?: { text: string };
  label: { text: string };
  element: { type: string; initial_value?: string; initial_option?: { value: string } };
}

const inputBlocks = (view: FakeView) =>
  (view.blocks as unknown as InputBlock[]).filter((b) => b.type === 'input');
const block = (view: FakeView, id: string) => inputBlocks(view).find((b) => b.block_id === id);

describe.each(storeBackends())('Itential forms from the workflow schema on $name', (backend) => {
  let itential: FakeItential;
  let h: Harness;

  const bot = itentialBotPerTest(backend, [{ name: WORKFLOW, inputSchema: SCHEMA }]);
  beforeEach(() => {
    ({ fake: itential, h } = bot);
  });

  /** Opens the empty form and picks the workflow in its picker: the form is rebuilt for it. */
  async function pickWorkflow(): Promise<FakeView> {
    const { view } = await h.commandModal(ALICE, 'itential start', CHANNEL);
    expect(block(view, 'variables')).toBeDefined();
    await h.driver.blockAction({
      user: ALICE,
      view,
      actionId: 'fd.field.refresh.workflow',
      value: { value: WORKFLOW, text: WORKFLOW },
    });
    return h.viewWithBlock(view.id, 'in.s.device');
  }

  const starts = () => itential.count('POST', '/operations-manager/jobs/start');
  const filled = {
    workflow: { value: WORKFLOW, text: WORKFLOW },
    'in.s.device': 'sw1',
    'in.i.vlan': '12',
    'in.b.dryRun': { value: 'false' },
    'in.e.site': { value: '"par"' },
    'in.xs.admin_password': SECRET,
    variables: '{"ports": [1, 2]}',
  };

  it('picking a workflow shows one block per input, with its hint, initial value and optional-ness', async () => {
    const view = await pickWorkflow();
    expect(inputBlocks(view).map((b) => [b.block_id, b.label.text, b.optional])).toEqual([
      ['workflow', 'Workflow', false],
      ['description', 'Description', true],
      ['type', 'Job type', false],
      ['in.s.device', 'Device', false],
      ['in.i.vlan', 'vlan', false],
      ['in.b.dryRun', 'dryRun', true],
      ['in.e.site', 'site', true],
      ['in.xs.admin_password', 'admin_password', false],
      ['variables', 'Other variables (JSON object)', true],
      ['groups', 'Groups', true],
    ]);
    expect(block(view, 'in.s.device')?.hint?.text).toBe('Hostname of the switch. At most 64 characters');
    expect(block(view, 'in.i.vlan')?.element.initial_value).toBe('100');
    expect(block(view, 'in.i.vlan')?.hint?.text).toBe('A whole number from 1 to 4094');
    expect(block(view, 'in.b.dryRun')?.element).toMatchObject({
      type: 'static_select',
      initial_option: { value: 'true' },
    });
    expect(block(view, 'in.xs.admin_password')?.hint?.text).toContain('A secret');
    expect(block(view, 'variables')?.hint?.text).toBe('For the inputs without a field: ports (array)');
  });

  it('wrong types and values out of range come back under their own field, and start nothing', async () => {
    const view = await pickWorkflow();
    const typed = await h.driver.viewSubmission(view, { ...filled, 'in.i.vlan': 'twelve' }, ALICE);
    expect(typed.body).toEqual({
      response_action: 'errors',
      errors: { 'in.i.vlan': 'Enter a whole number, like 12' },
    });
    expect(typed.viewProblem).toBeUndefined();
    const ranged = await h.driver.viewSubmission(
      view,
      { ...filled, 'in.i.vlan': '5000', variables: '{"ports": "all"}' },
      ALICE,
    );
    expect(ranged.body).toEqual({
      response_action: 'errors',
      errors: {
        'in.i.vlan': "'vlan' must be <= 4094 (rule: maximum)",
        variables: "'ports' must be array (rule: type)",
      },
    });
    expect(ranged.viewProblem).toBeUndefined();
    expect(starts()).toBe(0);
  });

  it('a good submission starts the job with typed variables; the secret never reaches Slack, the audit or the logs', async () => {
    const view = await pickWorkflow();
    const submission = await h.driver.viewSubmission(view, filled, ALICE);
    expect(submission.body).toBe('');
    await waitFor(() => (starts() === 1 ? true : undefined), 3000);
    const body = itential.requests.find((r) => r.path === '/operations-manager/jobs/start')?.body as {
      options: { variables: unknown };
    };
    expect(body.options.variables).toEqual({
      device: 'sw1',
      vlan: 12,
      dryRun: false,
      site: 'par',
      admin_password: SECRET,
      ports: [1, 2],
    });

    const parent = await h.parentOf(CHANNEL);
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Started')));
    expect(blocksText(parent)).toContain('admin_password=••••••');
    expect(blocksText(parent)).toContain('ports, device, vlan, dryRun, site, admin_password=••••••');
    const everything = JSON.stringify(h.slack.messages(CHANNEL)) + texts.join('\n');
    expect(everything).not.toContain(SECRET);
    const audit = await h.bot.store.listAudit({ limit: 100 });
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(h.logs.lines.join('\n')).not.toContain(SECRET);
    // Stored with the run, sealed: a restart with the same key can still send it.
    expect(JSON.stringify(await h.bot.store.listRuns({ limit: 10 }))).toMatch(/fdsealed:v1:/);
    expect(JSON.stringify(await h.bot.store.listRuns({ limit: 10 }))).not.toContain(SECRET);
  });
});
