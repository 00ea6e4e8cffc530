import { ShiftedClock } from '../digest/clocks';
import { ConsoleDriver } from './console-driver';

/** Digests and user groups in `npm run console -- --demo`: the core's digest services, printed plainly. */
describe('console (demo): digests and user groups', () => {
  let driver: ConsoleDriver;
  let clock: ShiftedClock;
  beforeEach(async () => {
    clock = new ShiftedClock(new Date('2026-03-02T08:30:00Z'));
    driver = new ConsoleDriver(['--demo'], { clock, digests: { tickMs: 10 } });
    await driver.until('U0DEMOUSER@#C0DEMO0001> ');
  });
  afterEach(async () => {
    expect(await driver.quit()).toBe(0);
  });

  test('digest now prints the channel’s runs: counts by system, the failure and its reason', async () => {
    driver.type('itential start Push Config');
    for (const prompt of ['search Workflow', 'Description: ', 'Job type', 'Job variables', 'Groups']) {
      await driver.until(prompt);
      driver.type('');
    }
    await driver.until(/└ \S+ failed/);
    driver.type('digest now 1h');
    const digest = await driver.until(/\n└\n/);
    expect(digest).toContain('Digest for #C0DEMO0001:\n┌ Digest\n│ Mon 2 Mar 07:30 → 08:30 (UTC)');
    expect(digest).toContain('│ Asked for by @U0DEMOUSER');
    expect(digest).toContain('│ By system\n│   • Itential: 1 run — 1 failed');
    expect(digest).toMatch(
      /│ Failed \(1\)\n│ {3}Start an Itential job by @U0DEMOUSER · ✖ failed at Mon 2 Mar 08:3\d · run \S+/,
    );
    expect(digest).toContain('Missing one of the following required instances: arg2, arg1');
    expect(digest).not.toMatch(/[*<]|:x:/);
  });

  test('a scheduled digest prints when its time comes, once; only its creator or an admin removes it', async () => {
    driver.type('digest schedule hourly UTC');
    const created = await driver.until('stops it.');
    expect(created).toContain('U0DEMOUSER scheduled a digest in #C0DEMO0001: hourly (UTC).');
    expect(created).toContain('First one: Mon 2 Mar 09:00; it prints here while the console runs.');
    const id = /digest remove (\w+)/.exec(created)?.[1] ?? '';
    driver.type('digest schedule hourly UTC');
    await driver.until(`#C0DEMO0001 already has that digest: ${id} (hourly).`);
    driver.type('digest list');
    expect(await driver.until('Next: Mon 2 Mar 09:00')).toContain(`${id} · hourly (UTC) · by @U0DEMOUSER`);

    clock.setTo('2026-03-02T09:00:05Z');
    const fired = await driver.until('Digest · hourly — no runs · Mon 2 Mar 08:00 → 09:00 (UTC)');
    expect(fired).toContain('Digest for #C0DEMO0001:');
    driver.type('digest list');
    await driver.until('Last posted: Mon 2 Mar 09:00');
    expect(driver.transcript.split('Digest · hourly').length - 1).toBe(1);

    driver.type(`digest remove ${id} as U0INTERN01`);
    const refusal = await driver.until(`✖ You may not remove the digest ${id}.`);
    expect(refusal).not.toContain('stopped');
    driver.type(`digest remove ${id}`);
    await driver.until(`U0DEMOUSER stopped the digest ${id} (hourly) in #C0DEMO0001.`);
    driver.type('digest list');
    await driver.until('No digests are scheduled in this channel.');
  });

  test('a digest command that does not parse, or is typed in a direct message, is refused and changes nothing', async () => {
    driver.type('digest schedule sometimes');
    const answer = await driver.until('post one now, for the last 24h (or 90m, 7d, …)');
    expect(answer).toContain(
      'digest schedule <when> [time zone] [filters] — post a digest here on a schedule',
    );
    driver.type('digest list');
    await driver.until('No digests are scheduled in this channel.');
    driver.type('digest schedule daily 09:00 in D0DIRECT01');
    await driver.until('Digests are posted in channels: run this in the channel that should get them.');
    driver.type('digest list in D0DIRECT01');
    await driver.until('Digests are posted in channels');
  });

  test('user groups come from console.groups: whoami and can-i as a member and as an outsider', async () => {
    driver.type('whoami as U0APPROVER');
    await driver.until('U0APPROVER in #C0DEMO0001, in groups S0CHANGES1:');
    await driver.until('zitadel.set-execution');
    driver.type('whoami');
    const mine = await driver.until('zitadel.set-execution');
    expect(mine).toContain('U0DEMOUSER in #C0DEMO0001:');
    expect(mine).not.toContain('in groups');
  });
});
