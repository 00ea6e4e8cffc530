import { harnessIacm } from '../../../src/integrations/harness-iacm';

const KEY = 'pat.acct_123.tokenid.s3cr3tvalue';
const ENV = {
  HARNESS_BASE_URL: 'https://app.harness.io/gateway',
  HARNESS_API_KEY: KEY,
  HARNESS_ACCOUNT_ID: 'acct_123',
};

describe('harnessIacm.configure', () => {
  it('declares its system, operation and query', () => {
    expect(harnessIacm.definition).toEqual({
      id: 'iacm',
      name: 'Harness IaCM',
      operations: [
        expect.objectContaining({ id: 'iacm.run', system: 'iacm', verb: 'run', usage: '[module]' }),
      ],
      queries: [
        expect.objectContaining({
          id: 'iacm.executions',
          system: 'iacm',
          verb: 'executions',
          usage: '<module>',
        }),
      ],
    });
  });

  it('is not configured, without problems, when no HARNESS_ variable is set', () => {
    expect(harnessIacm.configure({ HARNESS_BASE_URL: ' ' }, undefined)).toEqual({ problems: [] });
    expect(harnessIacm.configure({}, { org: 'default' })).toEqual({ problems: [] });
  });

  it('reads the variables and the systems.iacm defaults', () => {
    const { config, problems } = harnessIacm.configure(ENV, {
      org: 'default',
      project: 'infra',
      pipeline: 'module_tests',
      stage: 'plan',
    });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      baseUrl: 'https://app.harness.io/gateway',
      apiKey: KEY,
      accountId: 'acct_123',
      uiUrl: 'https://app.harness.io',
      defaults: { org: 'default', project: 'infra', pipeline: 'module_tests', stage: 'plan' },
    });
  });

  it('defaults the base URL to the SaaS gateway and derives the UI root from a vanity host', () => {
    const saas = harnessIacm.configure({ HARNESS_API_KEY: KEY, HARNESS_ACCOUNT_ID: 'acct_123' }, undefined);
    expect(saas.config?.baseUrl).toBe('https://app.harness.io/gateway');
    const vanity = harnessIacm.configure(
      { ...ENV, HARNESS_BASE_URL: 'https://harness.example.com/gateway/' },
      undefined,
    );
    expect(vanity.config).toMatchObject({
      baseUrl: 'https://harness.example.com/gateway',
      uiUrl: 'https://harness.example.com',
    });
    const ui = harnessIacm.configure({ ...ENV, HARNESS_UI_URL: 'https://ui.example.com' }, undefined);
    expect(ui.config?.uiUrl).toBe('https://ui.example.com');
  });

  it('names each missing variable when only some are set', () => {
    const { config, problems } = harnessIacm.configure(
      { HARNESS_BASE_URL: 'https://app.harness.io/gateway' },
      undefined,
    );
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      expect.stringMatching(/^HARNESS_API_KEY: missing: set it to a Harness API key/),
      expect.stringMatching(/^HARNESS_ACCOUNT_ID: missing: set it to the Harness account id/),
    ]);
  });

  it('explains bad values without repeating the key', () => {
    const { problems } = harnessIacm.configure(
      {
        HARNESS_BASE_URL: 'http://harness.example.com',
        HARNESS_API_KEY: 'pat.other_acct.id.secretpart',
        HARNESS_ACCOUNT_ID: 'acct 123',
        HARNESS_UI_URL: 'not a url',
      },
      undefined,
    );
    expect(problems).toEqual([
      'HARNESS_BASE_URL: must use https (http is accepted only for localhost)',
      'HARNESS_ACCOUNT_ID: must be a Harness account id (letters, digits, _ and -)',
      'HARNESS_UI_URL: must be a URL such as https://app.harness.io',
    ]);
    const mismatch = harnessIacm.configure(
      { ...ENV, HARNESS_API_KEY: 'pat.other_acct.id.secretpart' },
      undefined,
    );
    expect(mismatch.problems).toEqual([
      'HARNESS_API_KEY: the token belongs to a different account than HARNESS_ACCOUNT_ID; use a key from that account',
    ]);
    const short = harnessIacm.configure({ ...ENV, HARNESS_API_KEY: 'abc def' }, undefined);
    expect(short.problems).toEqual([
      expect.stringMatching(/^HARNESS_API_KEY: looks too short/),
      'HARNESS_API_KEY: must not contain spaces or line breaks',
    ]);
    expect(JSON.stringify([problems, mismatch, short])).not.toMatch(/secretpart|abc def/);
  });

  it('allows plain http only on loopback', () => {
    expect(
      harnessIacm.configure({ ...ENV, HARNESS_BASE_URL: 'http://127.0.0.1:8080/gateway' }, undefined)
        .problems,
    ).toEqual([]);
    expect(
      harnessIacm.configure({ ...ENV, HARNESS_BASE_URL: 'ftp://example.com' }, undefined).problems,
    ).toEqual(['HARNESS_BASE_URL: must use https (http is accepted only for localhost)']);
  });

  it('takes HTTP tuning from systems.iacm.http', () => {
    const { config } = harnessIacm.configure(ENV, {
      http: { timeoutMs: 300, readRetries: 1, retryDelayMs: 10 },
    });
    expect(config?.http).toMatchObject({
      timeoutMs: 300,
      readRetries: 1,
      backoffInitialMs: 10,
      backoffMaxMs: 160,
    });
    expect(harnessIacm.configure(ENV, undefined).config?.http).toMatchObject({
      timeoutMs: 15_000,
      readRetries: 3,
    });
    expect(harnessIacm.configure(ENV, { http: { timeoutMs: 'fast', retry: 1 } }).problems).toEqual([
      'systems.iacm.http.timeoutMs: must be a whole number of milliseconds',
      'systems.iacm.http: unknown key(s) retry (known: timeoutMs, readRetries, retryDelayMs)',
    ]);
  });

  it('reports bad systems.iacm entries with their path', () => {
    const { config, problems } = harnessIacm.configure(ENV, { org: 'my org', stage: 'a;b', pipelines: 'x' });
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      expect.stringMatching(/^systems\.iacm\.org: org must be a Harness identifier/),
      expect.stringMatching(/^systems\.iacm\.stage: Pipeline stage id may contain only/),
      'systems.iacm: unknown key(s) pipelines (known: org, project, pipeline, stage, http)',
    ]);
    expect(harnessIacm.configure(ENV, 'oops').problems).toEqual([expect.stringMatching(/^systems\.iacm: /)]);
  });
});
