import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { parseFileConfig, toMs } from '../../../src/config/file';
import type { Integration } from '../../../src/core/operations/integration';
import { ConfigError } from '../../../src/core/errors';

const fakeSystem: Integration<{ url: string }> = {
  definition: { id: 'fake', name: 'Fake', operations: [], queries: [] },
  configure: (env) => {
    if (!env.FAKE_URL) return { problems: [] };
    return env.FAKE_URL.startsWith('http')
      ? { config: { url: env.FAKE_URL }, problems: [] }
      : { problems: ['FAKE_URL: must be a URL'] };
  },
  create: () => ({ operations: [], queries: [] }),
};

const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'secret-signing-value' };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env, [fakeSystem]);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('loadConfig', () => {
  it('accepts the minimal HTTP-mode environment with defaults', () => {
    const config = loadConfig(base, [fakeSystem]);
    expect(config.env).toMatchObject({ PORT: 3000, DATA_DIR: './data', LOG_LEVEL: 'info' });
    expect(config.systems).toEqual([{ integration: fakeSystem, config: undefined }]);
    expect(config.file.policy.rules).toEqual([]);
  });

  it('names every bad variable at once, with how to fix it, and never echoes values', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-user-token-value',
      PORT: '70000',
      DATABASE_URL: 'mysql://x',
      FAKE_URL: 'nope',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: must be a bot token starting with xoxb-/),
      expect.stringMatching(/^PORT: must be between 0 \(any free port\) and 65535/),
      expect.stringMatching(/^DATABASE_URL: must be a postgres:\/\/ URL/),
      expect.stringMatching(/^SLACK_SIGNING_SECRET: missing/),
      'FAKE_URL: must be a URL',
    ]);
    expect(problems.join('\n')).not.toContain('xoxp-user-token-value');
  });

  it('Socket Mode needs no signing secret; a missing bot token is named', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toEqual([]);
    expect(problemsOf({ SLACK_APP_TOKEN: 'xapp-1' })).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: missing/),
    ]);
  });

  it('reads the YAML file and names file, path and problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-config-'));
    const path = join(dir, 'flightdeck.yml');
    writeFileSync(
      path,
      'policy:\n  rules:\n    - name: netops\n      operations: [itential.start]\n      users: [U01]\n      colour: red\n',
    );
    expect(problemsOf({ ...base, FLIGHTDECK_CONFIG: path })).toEqual([
      `${path}: policy.rules.0: unknown key(s) colour`,
    ]);
    writeFileSync(path, 'systems:\n  nope: {}\n');
    expect(problemsOf({ ...base, FLIGHTDECK_CONFIG: path })).toEqual([
      `${path}: systems.nope: unknown system (known: fake)`,
    ]);
    expect(problemsOf({ ...base, FLIGHTDECK_CONFIG: join(dir, 'missing.yml') })).toEqual([
      `FLIGHTDECK_CONFIG: cannot read ${join(dir, 'missing.yml')} (ENOENT)`,
    ]);
  });
});

describe('parseFileConfig', () => {
  it('parses rules with defaults and durations', () => {
    const { config, problems } = parseFileConfig(
      'policy:\n  rules:\n    - name: all\n      operations: ["*"]\ntracking:\n  giveUpAfter: 2d\n',
      'f.yml',
    );
    expect(problems).toEqual([]);
    expect(config?.policy.rules[0]).toEqual({
      name: 'all',
      effect: 'allow',
      operations: ['*'],
      users: [],
      groups: [],
      channels: [],
      when: {},
    });
    expect(config?.tracking.giveUpAfter).toBe(toMs('2d'));
    expect(config?.tracking.watchFailedFor).toBe(toMs('24h'));
  });

  it('reports YAML syntax errors with line and column, and bad ids and patterns with their path', () => {
    expect(parseFileConfig('policy: [\n', 'f.yml').problems[0]).toMatch(/^f\.yml:\d+:\d+: invalid YAML/);
    const { problems } = parseFileConfig(
      'policy:\n  rules:\n    - name: x\n      operations: ["Itential Start"]\n      users: [alice]\n',
      'f.yml',
    );
    expect(problems).toEqual([
      expect.stringMatching(/^f\.yml: policy\.rules\.0\.operations\.0: must be an operation id/),
      expect.stringMatching(/^f\.yml: policy\.rules\.0\.users\.0: must be a Slack user id/),
    ]);
  });
});
