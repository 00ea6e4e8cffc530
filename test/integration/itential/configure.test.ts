import { itential } from '../../../src/integrations/itential';

const BASE = 'https://itential.example.com';

describe('configure()', () => {
  test('no ITENTIAL_* variable (or only empty ones): not configured, no problems', () => {
    expect(itential.configure({}, undefined)).toEqual({ problems: [] });
    expect(itential.configure({ ITENTIAL_BASE_URL: '', ITENTIAL_TOKEN: '  ' }, undefined)).toEqual({
      problems: [],
    });
  });

  test.each([
    ['token', { ITENTIAL_TOKEN: 't0ken-value' }, { kind: 'token', token: 't0ken-value' }],
    [
      'login',
      { ITENTIAL_USERNAME: 'bot', ITENTIAL_PASSWORD: 'pw' },
      { kind: 'login', username: 'bot', password: 'pw' },
    ],
    [
      'oauth',
      { ITENTIAL_CLIENT_ID: 'id', ITENTIAL_CLIENT_SECRET: 'secret' },
      { kind: 'oauth', clientId: 'id', clientSecret: 'secret' },
    ],
  ])('%s credentials', (_name, creds, auth) => {
    const settings = itential.configure({ ITENTIAL_BASE_URL: `${BASE}/`, ...creds }, undefined);
    expect(settings.problems).toEqual([]);
    expect(settings.config).toMatchObject({ baseUrl: BASE, auth, jobType: 'automation' });
  });

  test('the base URL is required once any Itential variable is set', () => {
    expect(itential.configure({ ITENTIAL_TOKEN: 'x' }, undefined)).toEqual({
      problems: [
        'ITENTIAL_BASE_URL: missing; set it to the platform URL (https://itential.example.com) or unset every ITENTIAL_* variable',
      ],
    });
  });

  test.each([
    ['not-a-url', 'ITENTIAL_BASE_URL: not a URL; expected something like https://itential.example.com'],
    ['ftp://itential.example.com', 'ITENTIAL_BASE_URL: must start with https:// or http://'],
    ['https://itential.example.com/?a=1', 'ITENTIAL_BASE_URL: must not contain a query string or fragment'],
  ])('a bad base URL %s', (url, problem) => {
    expect(itential.configure({ ITENTIAL_BASE_URL: url, ITENTIAL_TOKEN: 'x' }, undefined).problems).toEqual([
      problem,
    ]);
  });

  test('credentials inside the URL are refused without repeating them', () => {
    const { problems } = itential.configure(
      { ITENTIAL_BASE_URL: 'https://bot:hunter2@itential.example.com', ITENTIAL_TOKEN: 'x' },
      undefined,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ITENTIAL_BASE_URL: must not contain credentials/);
    expect(problems.join()).not.toContain('hunter2');
  });

  test('half a pair names the missing variable', () => {
    expect(
      itential.configure({ ITENTIAL_BASE_URL: BASE, ITENTIAL_USERNAME: 'bot' }, undefined).problems,
    ).toEqual(['ITENTIAL_PASSWORD: missing; it must be set together with ITENTIAL_USERNAME']);
    expect(
      itential.configure({ ITENTIAL_BASE_URL: BASE, ITENTIAL_CLIENT_SECRET: 's' }, undefined).problems,
    ).toEqual(['ITENTIAL_CLIENT_ID: missing; it must be set together with ITENTIAL_CLIENT_SECRET']);
  });

  test('two ways to authenticate are refused; none at all too', () => {
    expect(
      itential.configure(
        {
          ITENTIAL_BASE_URL: BASE,
          ITENTIAL_TOKEN: 't',
          ITENTIAL_CLIENT_ID: 'i',
          ITENTIAL_CLIENT_SECRET: 's',
        },
        undefined,
      ).problems,
    ).toEqual([
      'ITENTIAL_*: set only one way to authenticate, found ITENTIAL_TOKEN and ITENTIAL_CLIENT_ID/ITENTIAL_CLIENT_SECRET',
    ]);
    expect(itential.configure({ ITENTIAL_BASE_URL: BASE }, undefined).problems).toEqual([
      'ITENTIAL_*: no credentials; set ITENTIAL_TOKEN, or ITENTIAL_USERNAME and ITENTIAL_PASSWORD, or ITENTIAL_CLIENT_ID and ITENTIAL_CLIENT_SECRET',
    ]);
  });

  test('every problem at once, and no secret in any of them', () => {
    const { problems, config } = itential.configure(
      { ITENTIAL_UI_URL: 'mailto:x', ITENTIAL_PASSWORD: 'pw-very-secret', ITENTIAL_TOKEN: 'tok-very-secret' },
      undefined,
    );
    expect(config).toBeUndefined();
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'ITENTIAL_BASE_URL',
      'ITENTIAL_UI_URL',
      'ITENTIAL_USERNAME',
      'ITENTIAL_*',
    ]);
    expect(problems.join('\n')).not.toMatch(/very-secret/);
  });

  test('ITENTIAL_UI_URL may be a base or a {jobId} template', () => {
    const settings = itential.configure(
      {
        ITENTIAL_BASE_URL: BASE,
        ITENTIAL_TOKEN: 't',
        ITENTIAL_UI_URL: 'https://ops.example.com/#/jobs/{jobId}',
      },
      undefined,
    );
    expect(settings.config?.uiUrl).toBe('https://ops.example.com/#/jobs/{jobId}');
  });

  test('the config file section sets the default job type and refuses unknown keys', () => {
    const env = { ITENTIAL_BASE_URL: BASE, ITENTIAL_TOKEN: 't' };
    expect(itential.configure(env, { jobType: 'resource:action' }).config?.jobType).toBe('resource:action');
    expect(itential.configure(env, { jobtype: 'x' }).problems).toEqual([
      'systems.itential: Unrecognized key: "jobtype"',
    ]);
  });
});
