import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleDriver } from './console-driver';

/** `npm run console` without --demo: it asks only for what the console needs, never for Slack settings. */
describe('console configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flightdeck-console-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a bad setting stops it with the console’s own needs, not Slack’s', async () => {
    const config = join(dir, 'flightdeck.yml');
    writeFileSync(config, 'console:\n  groups:\n    oncall: [U0ALICE]\n');
    const driver = new ConsoleDriver([], {
      env: { FLIGHTDECK_CONFIG: config, DATABASE_URL: 'mysql://db', PORT: 'not a port' },
    });
    expect(await driver.exited).toBe(2);
    const said = driver.transcript;
    expect(said).toContain('The Flightdeck console cannot start. Fix these settings:');
    expect(said).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(said).toContain('console.groups.oncall');
    expect(said).toContain('The console needs no Slack app or token');
    // Slack's settings and the bot's port are not the console's business.
    expect(said).not.toMatch(/SLACK_BOT_TOKEN|SLACK_SIGNING_SECRET|SLACK_APP_TOKEN|PORT:/);
  });

  test('with no Slack setting and no system it starts, and says what to set or to try --demo', async () => {
    const config = join(dir, 'flightdeck.yml');
    writeFileSync(
      config,
      [
        'policy:',
        '  rules:',
        '    - { name: oncall, operations: ["*"], groups: [S0ONCALL01] }',
        '    - { name: ghosts, operations: ["*"], groups: [S0GHOSTS01] }',
        'console:',
        '  groups:',
        '    S0ONCALL01: [U0ALICE]',
      ].join('\n'),
    );
    const driver = new ConsoleDriver(['--user', 'U0ALICE'], {
      env: { FLIGHTDECK_CONFIG: config, DATA_DIR: join(dir, 'data') },
    });
    const banner = await driver.until('U0ALICE@#C0CONSOLE1> ');
    expect(banner).toContain('Configured: no system.');
    expect(banner).toContain('No system is configured: set the variables of the systems to reach');
    expect(banner).toContain('npm run console -- --demo');
    expect(banner).toContain(
      'The policy names user groups that console.groups in the config file does not list (S0GHOSTS01):',
    );
    driver.type('whoami');
    await driver.until('U0ALICE in #C0CONSOLE1, in groups S0ONCALL01:');
    expect(await driver.quit()).toBe(0);
  });
});
