import { choiceValue } from '../../../src/integrations/shared/choice-value';
import type { FakeWorkflow } from '../../fakes/itential';
import { caught, parseInput, type Rig, type RigOptions, startRig } from './rig';
import { isUpstreamError, type UpstreamError } from '../../../src/core/errors';

const SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    device: { type: 'string', minLength: 1 },
    vlan: { type: 'integer', minimum: 1, maximum: 4094 },
    mode: { enum: ['access', 'trunk'] },
  },
  required: ['device', 'vlan'],
  additionalProperties: false,
};
const LONG = `@65f0c1aa00112233445566ff: ${'Provision a very long named branch office circuit workflow'.repeat(2)}`;

const WORKFLOWS: FakeWorkflow[] = [
  { name: 'Configure VLAN', description: 'Adds a VLAN to an access switch', inputSchema: SCHEMA },
  { name: 'Core Backup' },
  { name: 'core restore' },
  { name: 'Secret Workflow', hidden: true },
  { name: LONG },
  ...Array.from({ length: 40 }, (_, i) => ({ name: `Bulk ${String(i).padStart(2, '0')}` })),
];

let rig: Rig;
async function setUp(options: RigOptions = {}) {
  rig = await startRig({ ...options, fake: { workflows: WORKFLOWS, ...options.fake } });
}
afterEach(() => rig.fake.close());

const listCalls = () => rig.fake.count('GET', '/automation-studio/workflows');
const detailCalls = () => rig.fake.count('GET', /^\/automation-studio\/workflows\/detailed\//);
/**
 * Whether the fake has answered a request to `path`. A delayed answer still unsent when the bot has given up
 * shows the bot kept to its own deadline, whatever the machine's speed (the delays are far longer than it).
 */
const answered = (path: string | RegExp) =>
  rig.fake.requests.some(
    (r) => (typeof path === 'string' ? r.path === path : path.test(r.path)) && r.status !== undefined,
  );
const search = (query: string) => {
  if (!rig.op.search) throw new Error('itential.start searches');
  return rig.op.search('workflow', query, {});
};
const validate = (values: Record<string, string>, deadlineMs = 1000) => {
  if (!rig.op.validate) throw new Error('itential.start validates');
  return rig.op.validate(parseInput(rig.op, values), deadlineMs);
};

describe('form input', () => {
  beforeEach(() => setUp());
  const errorsOf = (values: Record<string, string | undefined>) => {
    const result = rig.op.input.safeParse(values);
    if (result.success) return {};
    return Object.fromEntries(result.error.issues.map((i) => [String(i.path[0]), i.message]));
  };

  test('defaults: empty job type is the configured one; empty variables and groups', () => {
    expect(parseInput(rig.op, { workflow: 'Core Backup', type: '  ' })).toEqual({
      workflow: 'Core Backup',
      type: 'automation',
      variables: {},
      groups: [],
    });
  });

  test('invalid JSON names the line and column, without quoting the text back', () => {
    expect(errorsOf({ workflow: 'x', variables: '{\n  "device": "sw1",\n  "vlan": 12,\n}' })).toEqual({
      variables:
        "Not valid JSON: line 4, column 1: expected another property (JSON allows no comma before }), found '}'",
    });
    expect(errorsOf({ workflow: 'x', variables: '{"device": sw1}' })).toEqual({
      variables:
        'Not valid JSON: line 1, column 12: expected a value (a "string", a number, true, false, null, an object or an array), found \'s\'',
    });
    expect(errorsOf({ workflow: 'x', variables: "{'device': 1}" }).variables).toBe(
      "Not valid JSON: line 1, column 2: expected a property name in double quotes, found '''",
    );
    expect(errorsOf({ workflow: 'x', variables: '{"a": 1' }).variables).toBe(
      "Not valid JSON: line 1, column 8: expected ',' or '}', found the end of the text",
    );
  });

  test('variables must be an object', () => {
    expect(errorsOf({ workflow: 'x', variables: '["sw1"]' })).toEqual({
      variables: 'Variables must be a JSON object, like {"device": "rtr-01"}',
    });
  });

  test('groups: comma or space separated 24-hex ids; each invalid one named', () => {
    expect(
      parseInput(rig.op, {
        workflow: 'x',
        groups: 'B0BC20EC3A3E5E90BAC881E7,7d5f0cb5c6a629ea14324d9b  b0bc20ec3a3e5e90bac881e7',
      }).groups,
    ).toEqual(['b0bc20ec3a3e5e90bac881e7', '7d5f0cb5c6a629ea14324d9b']);
    expect(
      errorsOf({ workflow: 'x', groups: 'b0bc20ec3a3e5e90bac881e7, netops 7d5f0cb5c6a629ea14324d9' }),
    ).toEqual({
      groups:
        "Not a group id (24 hex characters, e.g. b0bc20ec3a3e5e90bac881e7): 'netops', '7d5f0cb5c6a629ea14324d9'",
    });
  });

  test('every error lands on its own field id', () => {
    expect(errorsOf({ variables: '[', groups: 'x', type: 'two words' })).toEqual({
      workflow: 'Pick a workflow',
      variables: expect.stringMatching(/^Not valid JSON: line 1, column 2/) as string,
      groups: expect.stringContaining("'x'") as string,
      type: 'Use a job type such as "automation" or "resource:action"',
    });
  });

  test('fields: ids are the input keys; the prefill becomes the picked workflow', () => {
    const fields = rig.op.fields({ prefill: 'Core Backup' });
    expect(fields.map((f) => [f.id, f.kind])).toEqual([
      ['workflow', 'search'],
      ['description', 'text'],
      ['type', 'text'],
      ['variables', 'multiline'],
      ['groups', 'text'],
    ]);
    expect(fields[0]).toMatchObject({
      initial: { value: 'Core Backup', label: 'Core Backup' },
      refreshOnChange: true,
    });
    expect(fields.find((f) => f.id === 'type')).toMatchObject({ initial: 'automation' });
  });
});

describe('workflow search', () => {
  beforeEach(() => setUp());

  test('asks Itential with contains[name], include and the 100 limit', async () => {
    const choices = await search('VLAN');
    expect(choices).toEqual([
      { value: 'Configure VLAN', label: 'Configure VLAN', description: 'Adds a VLAN to an access switch' },
    ]);
    const call = rig.fake.requests.find((r) => r.path === '/automation-studio/workflows');
    expect(call?.query).toMatchObject({
      'contains[name]': 'VLAN',
      include: 'name,description,inputSchema',
      limit: '100',
    });
  });

  test('fast, and typing reuses the last complete list instead of asking again', async () => {
    const started = performance.now();
    const all = await search('');
    const firstMs = performance.now() - started;
    expect(all).toHaveLength(WORKFLOWS.length);
    expect(firstMs).toBeLessThan(500);
    const typed = [await search('c'), await search('co'), await search('cor'), await search('core')];
    expect(typed[3]?.map((c) => c.label)).toEqual(['Core Backup', 'core restore']);
    expect(listCalls()).toBe(1);
    console.log(
      `itential search: first answer ${firstMs.toFixed(1)} ms, then ${typed.length} keystrokes with 0 calls`,
    );
  });

  test('an incomplete list (more than 100 matches) is not used to answer narrower queries', async () => {
    for (let i = 0; i < 80; i += 1) rig.fake.addWorkflow({ name: `Extra ${i}` });
    await search('');
    await search('Extra 7');
    expect(listCalls()).toBe(2);
  });

  test('long workflow names travel as a short key that resolves back', async () => {
    const [choice] = await search('Provision');
    expect(choice?.label).toBe(LONG);
    expect(choice?.value).toBe(choiceValue(LONG));
    expect(parseInput(rig.op, { workflow: choice?.value ?? '' }).workflow).toBe(LONG);
    const forgotten = choiceValue(`${LONG} (a name this process never offered)`);
    expect(rig.op.input.safeParse({ workflow: forgotten }).error?.issues[0]?.message).toBe(
      'Pick the workflow again: the list it came from has expired',
    );
  });

  test('when Itential is down, search throws a clear UpstreamError within the short timeout', async () => {
    await search('Core');
    await rig.fake.close();
    const started = performance.now();
    const err = (await caught(search('Bulk'))) as UpstreamError;
    expect(isUpstreamError(err)).toBe(true);
    expect(err.message).toMatch(
      /^Itential at 127\.0\.0\.1:\d+ could not be reached \(ECONN(REFUSED|RESET)\)$/,
    );
    expect(err.action).toBe('list workflows');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('a slow login does not hold the picker past the short timeout', async () => {
    rig.fake.inject({ path: '/login', fault: { kind: 'delay', ms: 3000 } });
    const err = (await caught(search('Core'))) as UpstreamError;
    expect(err.kind).toBe('timeout');
    expect(err.action).toBe('log in');
    expect(answered('/login')).toBe(false);
  });

  test('a slow Itential: the search gives up after the short timeout, tried once', async () => {
    rig.fake.inject({ path: '/automation-studio/workflows', fault: { kind: 'delay', ms: 3000 } });
    const err = (await caught(search('slow'))) as UpstreamError;
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/did not answer within 0\.5 s$/);
    expect(answered('/automation-studio/workflows')).toBe(false);
    expect(listCalls()).toBe(1);
  });
});

describe('validate', () => {
  beforeEach(() => setUp());

  test('variables against the input schema: each problem under the field of its input, the rest on the JSON box', async () => {
    const errors = await validate({
      workflow: 'Configure VLAN',
      'in.i.vlan': '5000',
      'in.e.mode': '"hybrid"',
      variables: '{"x": 1}',
    });
    expect(errors).toEqual({
      'in.s.device': "'device' is required (rule: required)",
      'in.i.vlan': "'vlan' must be <= 4094 (rule: maximum)",
      'in.e.mode': '\'mode\' must be one of "access", "trunk" (rule: enum)',
      variables: "'x' is not an input of this workflow (rule: additionalProperties)",
    });
  });

  test('typed fields reach the check as numbers; a field and the JSON box may not both set an input', async () => {
    expect(await validate({ workflow: 'Configure VLAN', 'in.s.device': 'sw1', 'in.i.vlan': '12' })).toEqual(
      {},
    );
    const result = rig.op.input.safeParse({
      workflow: 'Configure VLAN',
      'in.s.device': 'sw1',
      'in.i.vlan': 'twelve',
      variables: '{"device": "sw2"}',
    });
    expect(result.success).toBe(false);
    const issues = result.success ? [] : result.error.issues.map((i) => [i.path[0], i.message]);
    expect(issues).toEqual([
      ['in.i.vlan', 'Enter a whole number, like 12'],
      ['variables', 'Set in its own field already: device. Remove it from the JSON.'],
    ]);
  });

  test('fitting variables: no errors', async () => {
    expect(
      await validate({ workflow: 'Configure VLAN', variables: '{"device": "sw1", "vlan": 12}' }),
    ).toEqual({});
  });

  test('a workflow with no schema accepts any variables', async () => {
    expect(await validate({ workflow: 'Core Backup', variables: '{"anything": true}' })).toEqual({});
  });

  test('unknown or hidden workflow: an error on the workflow field', async () => {
    expect(await validate({ workflow: 'Nope' })).toEqual({
      workflow: "Itential has no workflow 'Nope' that the bot's account can see",
    });
    expect(await validate({ workflow: 'Secret Workflow' })).toEqual({
      workflow: "Itential has no workflow 'Secret Workflow' that the bot's account can see",
    });
  });

  test('uses the schema the picker already fetched; the form has a field per input', async () => {
    await search('VLAN');
    expect(
      await validate({ workflow: 'Configure VLAN', variables: '{"device": "sw1", "vlan": 12}' }),
    ).toEqual({});
    expect(detailCalls()).toBe(0);
    const fields = rig.op.fields({ values: { workflow: 'Configure VLAN' } });
    expect(fields.map((f) => [f.id, f.label, f.optional === true])).toEqual([
      ['workflow', 'Workflow', false],
      ['description', 'Description', true],
      ['type', 'Job type', false],
      ['in.s.device', 'device', false],
      ['in.i.vlan', 'vlan', false],
      ['in.e.mode', 'mode', true],
      ['variables', 'Other variables (JSON object)', true],
      ['groups', 'Groups', true],
    ]);
    expect(fields.find((f) => f.id === 'in.i.vlan')?.hint).toBe('A whole number from 1 to 4094');
  });

  test('prepare() fetches the schema of a workflow named on the command line', async () => {
    expect(rig.op.fields({ prefill: 'Configure VLAN' }).some((f) => f.id === 'in.s.device')).toBe(false);
    await rig.op.prepare?.({ prefill: 'Configure VLAN' }, 1000);
    expect(detailCalls()).toBe(1);
    expect(rig.op.fields({ prefill: 'Configure VLAN' }).some((f) => f.id === 'in.s.device')).toBe(true);
  });

  test('Itential too slow for the deadline: undefined (start() checks again)', async () => {
    rig.fake.inject({
      path: /^\/automation-studio\/workflows\/detailed\//,
      fault: { kind: 'delay', ms: 3000 },
    });
    expect(await validate({ workflow: 'Configure VLAN' }, 300)).toBeUndefined();
    expect(answered(/^\/automation-studio\/workflows\/detailed\//)).toBe(false);
  });
});
