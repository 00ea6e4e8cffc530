import { FakeZitadel } from './index';

let fake: FakeZitadel;
beforeEach(async () => {
  fake = await FakeZitadel.start();
});
afterEach(() => fake.close());

async function call(method: string, path: string, body?: unknown, token: string | null = fake.token) {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const set = (body: unknown) => call('PUT', '/v2/actions/executions', body);

describe('fake Zitadel: SetExecution', () => {
  it('validates the condition oneof, string lengths and `all`, in Zitadel’s words', async () => {
    const cases: [unknown, string][] = [
      [{ targets: [] }, 'invalid SetExecutionRequest.Condition: value is required'],
      [{ condition: {} }, 'invalid Condition.ConditionType: value is required'],
      [
        { condition: { request: { all: true }, event: { all: true } } },
        'oneof zitadel.action.v2.Condition.condition_type is already set',
      ],
      [{ condition: { request: {} } }, 'invalid RequestExecution.Condition: value is required'],
      [
        { condition: { request: { method: '/m', service: 's' } } },
        'oneof RequestExecution.condition is already set',
      ],
      [{ condition: { response: { all: false } } }, 'invalid ResponseExecution.All: value must equal true'],
      [
        { condition: { event: { event: '' } } },
        'invalid EventExecution.Event: value length must be between 1 and 1000 runes, inclusive',
      ],
      [{ condition: { event: { group: 'g'.repeat(1001) } } }, 'invalid EventExecution.Group: value length'],
      [{ condition: { function: { name: '' } } }, 'invalid FunctionExecution.Name'],
      [
        { condition: { event: { all: true } }, targets: [{ target: '1' }] },
        'invalid value for string field targets: {',
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await set(body);
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 400, code: 3 });
      expect(answer.body.message).toContain(message);
    }
  });

  it('replaces the list, clears it with [], and refuses unknown targets and conditions (5, naming the target)', async () => {
    const a = fake.addTarget({ name: 'a' });
    const b = fake.addTarget({ name: 'b' });
    expect(await set({ condition: { event: { event: 'user.human.added' } }, targets: [b, a] })).toMatchObject(
      { status: 200, body: { setDate: expect.any(String) } },
    );
    expect(fake.targetsOf({ event: { event: 'user.human.added' } })).toEqual([b, a]);
    expect(
      (await set({ condition: { event: { event: 'user.human.added' } }, targets: ['404'] })).body,
    ).toMatchObject({ code: 5, message: 'Target not found: 404 (COMMAND-17e8fq1ggk)' });
    expect(
      (await set({ condition: { request: { method: '/no.Such/Method' } }, targets: [a] })).body,
    ).toMatchObject({ code: 5, message: 'Condition is invalid (COMMAND-vysplsevt8)' });
    await set({ condition: { event: { event: 'user.human.added' } }, targets: [] });
    expect(fake.executions()).toEqual([]);
  });

  it('answers 16 without a valid token, 7 for a read-only one on writes, and the feature flag error', async () => {
    expect((await call('GET', '/v2/actions/executions/methods', undefined, null)).body).toMatchObject({
      code: 16,
      message: 'auth header missing (AUTH-7fs1e)',
    });
    expect((await call('GET', '/v2/actions/executions/methods', undefined, 'nope')).status).toBe(401);
    const readOnly = await FakeZitadel.start({ tokens: { 'ro-pat': 'read-only' } });
    try {
      const headers = { authorization: 'Bearer ro-pat', 'content-type': 'application/json' };
      const write = await fetch(`${readOnly.url}/v2/actions/executions`, {
        method: 'PUT',
        headers,
        body: '{"condition":{"event":{"all":true}}}',
      });
      expect({ status: write.status, body: await write.json() }).toMatchObject({
        status: 403,
        body: { code: 7 },
      });
      const read = await fetch(`${readOnly.url}/v2/actions/executions/search`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      expect(read.status).toBe(200);
    } finally {
      await readOnly.close();
    }
    fake.actionsEnabled = false;
    expect(await set({ condition: { event: { all: true } } })).toMatchObject({
      status: 400,
      body: { code: 3, message: expect.stringContaining('ACTION-8o6pvqfjhs') },
    });
    expect((await call('GET', '/v2/actions/executions/functions')).status).toBe(200);
  });

  it('serves the Connect error form when asked', async () => {
    fake.errorStyle = 'connect';
    const answer = await set({ condition: {} });
    expect(answer).toMatchObject({ status: 400, body: { code: 'invalid_argument' } });
    fake.inject('SetExecution', {
      kind: 'grpc',
      code: 16,
      message: 'Token is invalid',
      errorId: 'AUTH-7fs1e',
    });
    expect((await set({ condition: {} })).body).toMatchObject({
      code: 'unauthenticated',
      message: 'Token is invalid (AUTH-7fs1e)',
      details: [{ type: 'zitadel.v1.ErrorDetail', debug: { id: 'AUTH-7fs1e' } }],
    });
  });
});

describe('fake Zitadel: searches', () => {
  it('pages targets (descending by default, totalResult as a string) and filters by name', async () => {
    for (const name of ['alpha', 'beta', 'Gamma']) fake.addTarget({ name });
    const page = await call('POST', '/v2/actions/targets/search', { pagination: { offset: '1', limit: 1 } });
    expect(page.body.pagination).toEqual({ totalResult: '3', appliedLimit: '1' });
    expect(page.body.targets).toEqual([expect.objectContaining({ name: 'beta' })]);
    const byName = await call('POST', '/v2/actions/targets/search', {
      filters: [
        { targetNameFilter: { targetName: 'GAM', method: 'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE' } },
      ],
    });
    expect(byName.body.targets).toEqual([
      expect.objectContaining({ name: 'Gamma', signingKey: expect.stringContaining('SECRET') }),
    ]);
    expect(
      (await call('POST', '/v2/actions/targets/search', { pagination: { limit: 1001 } })).body,
    ).toMatchObject({ code: 3 });
  });

  it('filters executions by condition, type and target, and lists only those with targets', async () => {
    const a = fake.addTarget({ name: 'a' });
    const b = fake.addTarget({ name: 'b' });
    fake.setTargets({ request: { method: '/zitadel.session.v2.SessionService/ListSessions' } }, [a]);
    fake.setTargets({ event: { group: 'user.human' } }, [b]);
    fake.setTargets({ function: { name: 'preaccesstoken' } }, [a, b]);
    fake.setTargets({ response: { all: true } }, []);
    const search = async (filters: unknown[]) =>
      (
        (await call('POST', '/v2/actions/executions/search', { filters, pagination: { asc: true } })).body
          .executions as { condition: unknown }[]
      ).map((e) => e.condition);
    expect(await search([])).toHaveLength(3);
    expect(await search([{ executionTypeFilter: { executionType: 'EXECUTION_TYPE_EVENT' } }])).toEqual([
      { event: { group: 'user.human' } },
    ]);
    expect(await search([{ targetFilter: { targetId: b } }])).toEqual([
      { event: { group: 'user.human' } },
      { function: { name: 'preaccesstoken' } },
    ]);
    expect(
      await search([
        {
          inConditionsFilter: {
            conditions: [{ request: { method: 'zitadel.session.v2.SessionService/ListSessions' } }],
          },
        },
      ]),
    ).toEqual([{ request: { method: '/zitadel.session.v2.SessionService/ListSessions' } }]);
  });

  it('answers unknown routes like the gateway, records requests, and injects faults', async () => {
    expect(await call('GET', '/v2/nope')).toMatchObject({
      status: 404,
      body: { code: 5, message: 'Not Found' },
    });
    expect(await call('GET', '/v2/actions/executions')).toMatchObject({ status: 501, body: { code: 12 } });
    fake.inject('ListExecutionMethods', { kind: 'grpc', code: 14, message: 'down' });
    expect((await call('GET', '/v2/actions/executions/methods')).status).toBe(503);
    expect((await call('GET', '/v2/actions/executions/methods')).body).toEqual({
      methods: expect.arrayContaining(['/zitadel.session.v2.SessionService/ListSessions']),
    });
    expect(fake.requests('ListExecutionMethods').map((r) => r.status)).toEqual([503, 200]);
  });
});
