import { storeBackends } from '../support/stores';

describe('storeBackends', () => {
  const configured = process.env.TEST_DATABASE_URL;
  afterEach(() => {
    if (configured === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = configured;
  });

  it('always offers SQLite, and an isolated place per open', async () => {
    const sqlite = storeBackends().find((backend) => backend.name === 'sqlite');
    if (!sqlite) throw new Error('no sqlite backend');
    const [a, b] = await Promise.all([sqlite.open(), sqlite.open()]);
    try {
      expect(a.options.dataDir).not.toBe(b.options.dataDir);
      await a.store.appendAudit({
        at: new Date(0),
        actorId: 'U1',
        channelId: null,
        action: 'launch',
        operationId: null,
        runId: null,
        outcome: 'allowed',
        rule: null,
        detail: {},
      });
      expect(await b.store.listAudit({ limit: 10 })).toEqual([]);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  it('fails the PostgreSQL suites loudly when the configured server does not answer, without its password', async () => {
    process.env.TEST_DATABASE_URL = 'postgres://flightdeck:s3cret@127.0.0.1:1/test';
    const postgres = storeBackends().find((backend) => backend.name === 'postgres');
    if (!postgres) throw new Error('the postgres backend was skipped');
    const error = await postgres.open().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('does not answer');
    expect((error as Error).message).toContain('flightdeck:***@127.0.0.1:1');
    expect((error as Error).message).not.toContain('s3cret');
  });
});
