import type { FormField, FormValues } from '../../../src/core/operations/contract';
import { parseForm } from '../../../src/core/operations/forms';
import { choiceValue } from '../../../src/integrations/shared/choice-value';
import { defined, firstChoice, type Harness, parseInput, startHarness } from './harness';

const LONG_METHOD = '/zitadel.management.v1.ManagementService/ResetPasswordComplexityPolicyToDefault';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const ids = (fields: FormField[]) => fields.map((f) => f.id);
const field = (fields: FormField[], id: string) => defined(fields.find((f) => f.id === id));

describe('fields(ctx) follow the chosen kind and scope', () => {
  it('starts with the trigger, the targets, the order and the include', () => {
    const fields = h.op.fields({});
    expect(ids(fields)).toEqual(['kind', 'targets', 'order', 'include']);
    expect(field(fields, 'kind')).toMatchObject({ kind: 'select', refreshOnChange: true });
    expect(field(fields, 'targets')).toMatchObject({ kind: 'multi_search', optional: true });
    expect(field(fields, 'order')).toMatchObject({ kind: 'text', optional: true });
    expect(field(fields, 'include')).toMatchObject({ kind: 'search', optional: true });
  });

  it.each<[FormValues, string[]]>([
    [{ kind: 'request' }, ['kind', 'scope']],
    [{ kind: 'request', scope: 'method' }, ['kind', 'scope', 'method']],
    [{ kind: 'response', scope: 'service' }, ['kind', 'scope', 'service']],
    [{ kind: 'response', scope: 'all' }, ['kind', 'scope']],
    [{ kind: 'function' }, ['kind', 'function']],
    [{ kind: 'event', scope: 'event' }, ['kind', 'scope', 'event']],
    [{ kind: 'event', scope: 'group' }, ['kind', 'scope', 'group']],
    [{ kind: 'event', scope: 'all' }, ['kind', 'scope']],
    [{ kind: 'event', scope: 'method' }, ['kind', 'scope']],
  ])('%j → %j', (values, expected) => {
    const fields = h.op.fields({ values });
    expect(ids(fields)).toEqual([...expected, 'targets', 'order', 'include']);
  });

  it('offers the scopes that fit the kind, as choices ("all" is a choice, not text)', () => {
    const api = field(h.op.fields({ values: { kind: 'request' } }), 'scope');
    const event = field(h.op.fields({ values: { kind: 'event' } }), 'scope');
    expect(api.kind === 'select' && api.choices.map((c) => c.value)).toEqual(['method', 'service', 'all']);
    expect(event.kind === 'select' && event.choices.map((c) => c.value)).toEqual(['event', 'group', 'all']);
    expect(api.refreshOnChange).toBe(true);
  });

  it('keeps values already in the form as initial values', async () => {
    const audit = h.fake.addTarget({ name: 'audit-log' });
    await h.op.search('targets', 'audit', {});
    const fields = h.op.fields({
      values: {
        kind: 'event',
        scope: 'group',
        group: 'user.human',
        targets: [audit],
        order: 'audit-log',
        include: 'event:group:user.human',
      },
    });
    expect(field(fields, 'kind')).toMatchObject({ initial: 'event' });
    expect(field(fields, 'scope')).toMatchObject({ initial: 'group' });
    expect(field(fields, 'group')).toMatchObject({ initial: 'user.human', maxLength: 1000 });
    expect(field(fields, 'targets')).toMatchObject({ initial: [{ value: audit, label: 'audit-log' }] });
    expect(field(fields, 'order')).toMatchObject({ initial: 'audit-log' });
    expect(field(fields, 'include')).toMatchObject({
      initial: { value: 'event:group:user.human', label: 'event group user.human' },
    });
  });
});

describe('input parsing', () => {
  const errors = (values: FormValues) => {
    const result = parseForm(h.op, values);
    return result.ok ? undefined : result.errors;
  };

  it('names the field of each problem', () => {
    expect(errors({})).toEqual({ kind: expect.stringContaining('Choose what triggers') });
    expect(errors({ kind: 'request' })).toEqual({
      scope: expect.stringContaining('one method, one service'),
    });
    expect(errors({ kind: 'event', scope: 'method' })).toEqual({
      scope: expect.stringContaining('one event'),
    });
    expect(errors({ kind: 'request', scope: 'method' })).toEqual({
      method: 'Choose a method from the list.',
    });
    expect(errors({ kind: 'response', scope: 'service', service: '' })).toEqual({
      service: 'Choose a service from the list.',
    });
    expect(errors({ kind: 'function' })).toEqual({ function: 'Choose a function from the list.' });
    expect(errors({ kind: 'event', scope: 'event', event: '   ' })).toEqual({
      event: expect.stringContaining('Enter the event'),
    });
    expect(errors({ kind: 'event', scope: 'group', group: 'x'.repeat(1001) })).toEqual({
      group: expect.stringContaining('At most 1000 characters'),
    });
    expect(errors({ kind: 'request', scope: 'all', targets: ['x'.repeat(201)] })).toEqual({
      targets: expect.stringContaining('longer'),
    });
    expect(errors({ kind: 'request', scope: 'all', include: 'x'.repeat(1001) })).toEqual({
      include: 'At most 1000 characters.',
    });
    expect(errors({ kind: 'event', scope: 'event', event: 'x'.repeat(1000) })).toBeUndefined();
  });

  it('normalises: single target to a list, duplicates dropped, text trimmed, fields of other kinds dropped', () => {
    const input = parseInput(h.op, {
      kind: 'event',
      scope: 'event',
      event: ' user.human.added ',
      method: 'stray',
      targets: 'a',
      order: ' ',
    });
    expect(input).toEqual({ kind: 'event', scope: 'event', event: 'user.human.added', targets: ['a'] });
    expect(parseInput(h.op, { kind: 'request', scope: 'all', targets: ['a', 'b', 'a'] })).toEqual({
      kind: 'request',
      scope: 'all',
      targets: ['a', 'b'],
    });
  });

  it('a parsed input parses again to itself (stored inputs and reverts)', () => {
    for (const values of [
      {
        kind: 'request',
        scope: 'method',
        method: '/m',
        targets: ['1', '2'],
        order: 'b',
        include: 'event:all',
      },
      { kind: 'function', function: 'preaccesstoken', targets: [] },
      { kind: 'event', scope: 'all', targets: ['1'] },
    ]) {
      const once = parseInput(h.op, values);
      expect(parseInput(h.op, once as FormValues)).toEqual(once);
    }
  });
});

describe('pickers', () => {
  it('filter Zitadel’s method, service and function lists by the typed text (case-insensitive), from a cached list', async () => {
    expect(await h.op.search('method', 'listSESS', {})).toEqual([
      {
        value: '/zitadel.session.v2.SessionService/ListSessions',
        label: '/zitadel.session.v2.SessionService/ListSessions',
      },
    ]);
    expect((await h.op.search('service', '', {})).map((c) => c.value)).toEqual([
      'zitadel.session.v2.SessionService',
      'zitadel.user.v2.UserService',
    ]);
    expect((await h.op.search('function', 'PRE', {})).map((c) => c.value)).toEqual([
      'preaccesstoken',
      'preuserinfo',
      'presamlresponse',
    ]);
    await h.op.search('method', 'user', {});
    expect(h.fake.requests('ListExecutionMethods')).toHaveLength(1);
  });

  it('a method longer than Slack’s 75-character option value travels as a hash and is resolved before use', async () => {
    const choice = await firstChoice(h.op.search('method', 'ResetPassword', {}));
    expect(choice.value).toBe(choiceValue(LONG_METHOD));
    expect(choice.value.length).toBeLessThanOrEqual(75);
    expect(choice.label).toBe(`…${LONG_METHOD.slice(LONG_METHOD.length - 74)}`);
    const audit = h.fake.addTarget({ name: 'audit-log' });
    const input = parseInput(h.op, {
      kind: 'request',
      scope: 'method',
      method: choice.value,
      targets: [audit],
    });
    expect(h.op.describe(input)[0]).toEqual({ label: 'Condition', value: `request method ${LONG_METHOD}` });
    const preview = await h.op.preview(input);
    await h.op.start(input, { runId: 'r', requester: { id: 'U1' }, tag: 't' }, preview.fingerprint);
    expect(h.fake.targetsOf({ request: { method: LONG_METHOD } })).toEqual([audit]);
  });

  it('a hashed value Zitadel no longer offers is a field error', async () => {
    const input = parseInput(h.op, {
      kind: 'request',
      scope: 'method',
      method: choiceValue(`/gone${'x'.repeat(80)}`),
    });
    expect(await h.op.validate(input, 1000)).toEqual({
      method: 'Zitadel no longer offers this method; pick it again.',
    });
  });

  it('targets: the live list filtered by name, sorted by name, at most 100, value = id and label = name', async () => {
    for (let i = 0; i < 150; i++) h.fake.addTarget({ name: `hook-${String(i).padStart(3, '0')}` });
    const other = h.fake.addTarget({ name: 'Audit' });
    const all = await h.op.search('targets', '', {});
    expect(all).toHaveLength(100);
    expect(all[0]).toEqual({ value: other, label: 'Audit', description: other });
    const some = await h.op.search('targets', 'HOOK-14', {});
    expect(some.map((c) => c.label)).toEqual([
      'hook-140',
      'hook-141',
      'hook-142',
      'hook-143',
      'hook-144',
      'hook-145',
      'hook-146',
      'hook-147',
      'hook-148',
      'hook-149',
    ]);
    const body = h.fake.requests('ListTargets').at(-1)?.body;
    expect(body).toMatchObject({
      filters: [
        { targetNameFilter: { targetName: 'HOOK-14', method: 'TEXT_FILTER_METHOD_CONTAINS_IGNORE_CASE' } },
      ],
    });
  });

  it('include: executions whose condition contains the typed text', async () => {
    const a = h.fake.addTarget({ name: 'a' });
    h.fake.setTargets({ event: { group: 'user.human' } }, [a]);
    h.fake.setTargets({ function: { name: 'preaccesstoken' } }, [a, h.fake.addTarget({ name: 'b' })]);
    expect(await h.op.search('include', 'HUMAN', {})).toEqual([
      { value: 'event:group:user.human', label: 'event group user.human', description: '1 target' },
    ]);
    expect((await h.op.search('include', '', {})).map((c) => c.description)).toEqual([
      '1 target',
      '2 targets',
    ]);
    expect(await h.op.search('nonsense', '', {})).toEqual([]);
  });
});
