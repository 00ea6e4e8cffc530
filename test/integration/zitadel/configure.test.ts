import { zitadel } from '../../../src/integrations/zitadel';

const TOKEN = 'pat-SeCrEt-1234567890';

describe('zitadel.configure', () => {
  it('is not configured when none of its variables is set (blank counts as unset)', () => {
    expect(zitadel.configure({}, undefined)).toEqual({ problems: [] });
    expect(zitadel.configure({ ZITADEL_BASE_URL: ' ', ZITADEL_TOKEN: '' }, undefined)).toEqual({
      problems: [],
    });
  });

  it('reads a full configuration, trimming the trailing slash', () => {
    const settings = zitadel.configure(
      {
        ZITADEL_BASE_URL: 'https://acme.zitadel.cloud/',
        ZITADEL_TOKEN: TOKEN,
        ZITADEL_ORG_ID: '2698312345678901',
      },
      { timeoutMs: 5000, listCacheSeconds: 60 },
    );
    expect(settings.problems).toEqual([]);
    expect(settings.config).toMatchObject({
      baseUrl: 'https://acme.zitadel.cloud',
      token: TOKEN,
      orgId: '2698312345678901',
      timeoutMs: 5000,
      listCacheMs: 60_000,
      retry: { maxAttempts: 3 },
    });
  });

  it('names each missing or bad variable, never echoing the token', () => {
    expect(zitadel.configure({ ZITADEL_ORG_ID: '123' }, undefined).problems).toEqual([
      'ZITADEL_BASE_URL: missing: set it to the instance URL, e.g. https://my-instance.zitadel.cloud',
      'ZITADEL_TOKEN: missing: create a personal access token for a service user and set it here',
    ]);
    expect(zitadel.configure({ ZITADEL_TOKEN: TOKEN }, undefined).problems).toEqual([
      'ZITADEL_BASE_URL: missing: set it to the instance URL, e.g. https://my-instance.zitadel.cloud',
    ]);
    const bad = zitadel.configure(
      { ZITADEL_BASE_URL: 'acme.zitadel.cloud', ZITADEL_TOKEN: `Bearer ${TOKEN}`, ZITADEL_ORG_ID: 'a b' },
      undefined,
    );
    expect(bad.config).toBeUndefined();
    expect(bad.problems).toEqual([
      'ZITADEL_BASE_URL: must be a URL such as https://my-instance.zitadel.cloud',
      "ZITADEL_TOKEN: give the token alone, without the 'Bearer ' prefix",
      'ZITADEL_ORG_ID: must be an organization id (letters, digits, - and _), or unset',
    ]);
    expect(JSON.stringify(bad)).not.toContain(TOKEN);
    expect(
      zitadel.configure({ ZITADEL_BASE_URL: 'ftp://x', ZITADEL_TOKEN: 'a\nb' }, undefined).problems,
    ).toEqual([
      'ZITADEL_BASE_URL: must start with https:// (or http://)',
      'ZITADEL_TOKEN: must not contain spaces or line breaks (copy the personal access token again)',
    ]);
    expect(
      zitadel.configure({ ZITADEL_BASE_URL: 'https://u:p@x.example?a=1', ZITADEL_TOKEN: TOKEN }, undefined)
        .problems,
    ).toEqual(['ZITADEL_BASE_URL: must not carry a query or fragment']);
  });

  it('checks its section of the YAML config', () => {
    const settings = zitadel.configure(
      { ZITADEL_BASE_URL: 'https://x.example', ZITADEL_TOKEN: TOKEN },
      { timeoutMs: 5, colour: 'red' },
    );
    expect(settings.config).toBeUndefined();
    expect(settings.problems).toEqual([
      expect.stringMatching(/^systems\.zitadel\.timeoutMs: /),
      expect.stringMatching(/^systems\.zitadel: .*colour/),
    ]);
  });

  it('defines the system, its operation and its query', () => {
    expect(zitadel.definition).toEqual({
      id: 'zitadel',
      name: 'Zitadel',
      operations: [
        {
          id: 'zitadel.set-execution',
          system: 'zitadel',
          verb: 'set-execution',
          title: 'Set a Zitadel execution',
          usage: '',
        },
      ],
      queries: [
        {
          id: 'zitadel.executions',
          system: 'zitadel',
          verb: 'executions',
          title: 'Zitadel executions',
          usage: '[filter]',
        },
      ],
    });
  });
});
