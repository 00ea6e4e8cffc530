import type { UpstreamRef } from '../../../src/core/operations/contract';
import type { StartInput } from '../../../src/integrations/itential/start-input';
import { type FaultKind, steps } from '../../fakes/itential';
import {
  caught,
  CLIENT,
  type Rig,
  type RigOptions,
  SECRET_OF,
  type AuthMode,
  startContext,
  startRig,
  STATIC_TOKEN,
  USER,
} from './rig';
import { type UpstreamError } from '../../../src/core/errors';

const WORKFLOW = 'Single';
let rig: Rig;

async function setUp(options: RigOptions = {}) {
  rig = await startRig({
    ...options,
    fake: {
      workflows: [{ name: WORKFLOW, script: [steps.running('only', 0.3)] }],
      advanceOnPoll: false,
      ...options.fake,
    },
  });
}
afterEach(() => rig.fake.close());

const input: StartInput = { workflow: WORKFLOW, type: 'automation', variables: {}, groups: [] };

async function started(): Promise<UpstreamRef<StartInput>> {
  const result = await rig.op.start(input, startContext());
  return { upstreamId: result.upstreamId, input };
}
const poll = (ref: UpstreamRef<StartInput>) => {
  if (!rig.op.poll) throw new Error('itential.start polls');
  return rig.op.poll(ref);
};
const logins = () => rig.fake.count('POST', '/login');
const oauthCalls = () => rig.fake.count('POST', '/oauth/token');
const authed = () => rig.fake.requests.filter((r) => r.path !== '/login' && r.path !== '/oauth/token');

describe('username and password', () => {
  beforeEach(() => setUp({ auth: 'login' }));

  test('logs in once with the nested body and passes the raw token as ?token=', async () => {
    const ref = await started();
    await poll(ref);
    await poll(ref);
    expect(logins()).toBe(1);
    const login = rig.fake.requests.find((r) => r.path === '/login');
    expect(login?.body).toEqual({ user: { username: USER.username, password: USER.password } });
    const tokens = new Set(authed().map((r) => r.query.token));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(/^[0-9a-f]{32}$/);
    expect(authed().every((r) => r.authorization === undefined)).toBe(true);
  });

  test('an expired token is renewed once, even when many requests hit the 401 together', async () => {
    const ref = await started();
    rig.fake.expireTokens();
    const results = await Promise.all(Array.from({ length: 6 }, () => poll(ref)));
    expect(results.every((o) => o.state === 'running')).toBe(true);
    expect(logins()).toBe(2);
    const gets = rig.fake.requests.filter((r) => r.path === `/operations-manager/jobs/${ref.upstreamId}`);
    expect(gets.filter((r) => r.status === 401)).toHaveLength(6);
    expect(gets.filter((r) => r.status === 200)).toHaveLength(6);
  });

  test('a 401 on jobs/start is renewed and sent again: a rejected request did not start anything', async () => {
    await started();
    rig.fake.expireTokens();
    await started();
    expect(logins()).toBe(2);
    expect(rig.fake.jobs.size).toBe(2);
    expect(
      rig.fake.requests.filter((r) => r.path === '/operations-manager/jobs/start').map((r) => r.status),
    ).toEqual([200, 401, 200]);
  });

  test('an empty 200 on a read is treated as an expired token', async () => {
    const ref = await started();
    rig.fake.inject({ method: 'GET', path: /^\/operations-manager\/jobs\/.+/, fault: { kind: 'empty' } });
    expect((await poll(ref)).state).toBe('running');
    expect(logins()).toBe(2);
  });
});

describe('bad credentials', () => {
  test('a wrong password: a readable auth error naming the variables, tried once', async () => {
    await setUp({ auth: 'login', env: { ITENTIAL_PASSWORD: 'not-the-password' } });
    const err = (await caught(rig.op.start(input, startContext()))) as UpstreamError;
    expect(err.kind).toBe('auth');
    expect(err.action).toBe('log in');
    expect(err.message).toBe("Itential refused the bot's credentials (HTTP 401: Unauthorized)");
    expect(err.hint).toBe('Check ITENTIAL_USERNAME and ITENTIAL_PASSWORD.');
    expect(err.message + err.hint).not.toContain('not-the-password');
    expect(logins()).toBe(1);
  });

  test('a rejected static token is final: no login is attempted', async () => {
    await setUp({ auth: 'token', env: { ITENTIAL_TOKEN: 'revoked-static-token' } });
    const err = (await caught(rig.op.start(input, startContext()))) as UpstreamError;
    expect(err.kind).toBe('auth');
    expect(err.httpStatus).toBe(401);
    expect(err.hint).toContain('check ITENTIAL_TOKEN');
    expect(logins()).toBe(0);
    expect(oauthCalls()).toBe(0);
  });

  test('a wrong OAuth client secret: readable, names the client variables', async () => {
    await setUp({ auth: 'oauth', env: { ITENTIAL_CLIENT_SECRET: 'wrong-client-secret' } });
    const err = (await caught(rig.op.start(input, startContext()))) as UpstreamError;
    expect(err.kind).toBe('auth');
    expect(err.action).toBe('get an OAuth token');
    expect(err.message).toBe("Itential refused the bot's credentials (HTTP 401: invalid_client)");
    expect(err.hint).toContain('ITENTIAL_CLIENT_ID and ITENTIAL_CLIENT_SECRET');
  });
});

describe('static token', () => {
  test('is sent as ?token= on every request', async () => {
    await setUp({ auth: 'token' });
    const ref = await started();
    await poll(ref);
    expect(authed().map((r) => r.query.token)).toEqual([STATIC_TOKEN, STATIC_TOKEN, STATIC_TOKEN]);
  });
});

describe('OAuth client credentials', () => {
  test('posts the form, sends a Bearer token, and refreshes it before it expires', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    await setUp({
      auth: 'oauth',
      fake: { oauthExpiresIn: 3600 },
      tuning: { tokenRefreshMarginMs: 60_000 },
      clock: { now: () => new Date(now) },
    });
    const ref = await started();
    const form = rig.fake.requests.find((r) => r.path === '/oauth/token');
    expect(form?.body).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
    expect(authed().every((r) => /^Bearer [0-9a-f]{32}$/.test(r.authorization ?? ''))).toBe(true);
    expect(authed().every((r) => r.query.token === undefined)).toBe(true);

    now += 3000_000;
    await poll(ref);
    expect(oauthCalls()).toBe(1);
    now += 541_000; // within the 60 s margin of expiry
    await poll(ref);
    expect(oauthCalls()).toBe(2);
    const bearers = new Set(authed().map((r) => r.authorization));
    expect(bearers.size).toBe(2);
  });

  test('a 401 renews the OAuth token once', async () => {
    await setUp({ auth: 'oauth' });
    const ref = await started();
    rig.fake.expireTokens();
    await Promise.all([poll(ref), poll(ref), poll(ref)]);
    expect(oauthCalls()).toBe(2);
  });
});

describe('no secret in any error or log', () => {
  test('credentials and issued tokens echoed by Itential are redacted', async () => {
    await setUp({ auth: 'login' });
    const ref = await started();
    const issued = authed()[0]?.query.token ?? '';
    expect(issued).not.toBe('');
    const errors: UpstreamError[] = [];
    const echo = (message: string) =>
      rig.fake.inject({
        method: 'GET',
        path: /^\/operations-manager\/jobs\/.+/,
        fault: { kind: 'status', status: 400, body: JSON.stringify({ message }) },
      });
    echo(`bad request for ${issued}`);
    errors.push((await caught(poll(ref))) as UpstreamError);
    echo(`login failed for ${USER.password}`);
    errors.push((await caught(poll(ref))) as UpstreamError);
    echo(`proxy saw GET /x?foo=1&token=${issued} Authorization: Bearer abc.def.ghi`);
    errors.push((await caught(poll(ref))) as UpstreamError);
    rig.fake.inject({
      method: 'GET',
      path: /^\/operations-manager\/jobs\/.+/,
      fault: { kind: 'status', status: 200, contentType: 'text/plain', body: `token=${issued}` },
    });
    errors.push((await caught(poll(ref))) as UpstreamError);

    const text = JSON.stringify(
      errors.map((e) => ({ ...e, message: e.message, problem: e.toProblem('Itential') })),
    );
    for (const secret of [USER.password, issued, 'abc.def.ghi']) expect(text).not.toContain(secret);
    expect(errors[0]?.message).toBe('HTTP 400: bad request for [redacted]');
    expect(errors[2]?.message).toContain('token=[redacted]');
    expect(JSON.stringify(rig.log.entries)).not.toContain(issued);
  });

  test('a failed job whose error quotes the password is redacted too', async () => {
    await setUp({
      auth: 'login',
      fake: {
        workflows: [
          {
            name: WORKFLOW,
            script: [
              {
                status: 'error',
                task: { name: 'login', status: 'error' },
                error: [{ message: `device refused password ${USER.password}` }],
              },
            ],
          },
        ],
      },
    });
    const ref = await started();
    const observation = await poll(ref);
    expect(observation.problem?.message).toBe('login: device refused password [redacted]');
  });

  test.each<AuthMode>(['login', 'oauth', 'token'])(
    '%s: the secret echoed in errors of every kind is redacted',
    async (auth) => {
      await setUp({ auth });
      const ref = await started();
      const secret = SECRET_OF[auth];
      const bearer = authed()[0]?.authorization?.replace('Bearer ', '');
      const token = authed()[0]?.query.token ?? bearer ?? '';
      const jobPath = /^\/operations-manager\/jobs\/.+/;
      const faults: FaultKind[] = [
        {
          kind: 'status',
          status: 500,
          body: JSON.stringify({ message: { error: { message: `${secret} / ${token}` } } }),
        },
        { kind: 'status', status: 200, body: `${secret} ${token}`, contentType: 'text/plain' },
        {
          kind: 'status',
          status: 403,
          body: `<html><title>${secret} ${token}</title></html>`,
          contentType: 'text/html',
        },
      ];
      const errors: unknown[] = [];
      for (const fault of faults) {
        rig.fake.inject({ method: 'GET', path: jobPath, fault });
        errors.push(await caught(poll(ref)));
      }
      const text = JSON.stringify(
        errors.map((e) => [(e as UpstreamError).message, (e as UpstreamError).toProblem('Itential')]),
      );
      expect(text).toContain('[redacted]');
      expect(text).not.toContain(secret);
      expect(text).not.toContain(token);
      expect(JSON.stringify(rig.log.entries)).not.toContain(secret);
    },
  );
});
