import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PrintedText } from './console-driver';

const root = join(__dirname, '..', '..');

/**
 * The console as people start it: the build's entry point (`node dist/console/main.js --demo`) in its own
 * process, typed into through stdin, read from stdout. The build goes to a folder of its own inside
 * node_modules (so the packages resolve), with `--noCheck`: type errors are the typecheck's business, and
 * emitting alone is quick.
 */
describe('console as a process', () => {
  let out: string;
  let child: ChildProcessWithoutNullStreams | undefined;

  beforeAll(() => {
    const cache = join(root, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    out = mkdtempSync(join(cache, 'flightdeck-console-'));
    const build = spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out, '--noCheck'],
      { cwd: root, encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
  }, 180_000);

  afterEach(() => {
    // A failed test leaves no process behind.
    if (child && child.exitCode === null) child.kill();
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  function start(
    args: string[],
    env: NodeJS.ProcessEnv,
  ): { printed: PrintedText; exit: Promise<number | null> } {
    const printed = new PrintedText();
    const proc = spawn(process.execPath, [join(out, 'console', 'main.js'), ...args], {
      cwd: out,
      env,
    });
    child = proc;
    proc.stdout.setEncoding('utf8').on('data', printed.write);
    proc.stderr.setEncoding('utf8').on('data', printed.write);
    const exit = once(proc, 'exit').then(([code]) => code as number | null);
    return { printed, exit };
  }

  test('--demo: one run to its end, then quit', async () => {
    // Only what a shell would have: no Slack setting, no system variable, no config file.
    const { printed, exit } = start(['--demo'], { PATH: process.env.PATH ?? '', TZ: 'UTC' });
    const type = (line: string) => child?.stdin.write(`${line}\n`);
    await printed.until('Flightdeck console (demo: simulated Itential, Harness and Zitadel on loopback).');
    await printed.until('U0DEMOUSER@#C0DEMO0001> ');
    type('/ops itential start Backup Devices');
    await printed.until('search Workflow [Backup Devices]');
    type('');
    await printed.until('Description: ');
    type('from a process');
    for (const prompt of ['Job type [automation]: ', '  site: ', 'Other variables', 'Groups']) {
      await printed.until(prompt);
      type(prompt === '  site: ' ? 'hq' : '');
    }
    const thread = await printed.until(/└ \S+ succeeded/);
    const order = [
      /┌ run \S+ · Itential: Start an Itential job · by U0DEMOUSER in #C0DEMO0001/,
      /Workflow: Backup Devices · Description: from a process/,
      /started: running · task Collect inventory/,
      /running · task Back up devices/,
      /running · task Verify backups/,
      /succeeded · upstream "complete" · 100%/,
    ].map((line) => thread.search(line));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    type('quit');
    expect(await exit).toBe(0);
  });

  test('without --demo, a bad setting is named in the console’s terms, and it exits 2', async () => {
    const { printed, exit } = start([], { PATH: process.env.PATH ?? '', DATABASE_URL: 'mysql://db' });
    expect(await exit).toBe(2);
    expect(printed.transcript).toContain('The Flightdeck console cannot start. Fix these settings:');
    expect(printed.transcript).toContain('The console needs no Slack app or token');
    expect(printed.transcript).not.toContain('SLACK_BOT_TOKEN');
  });
});
