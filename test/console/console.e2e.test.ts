import { ConsoleDriver } from './console-driver';

/** `npm run console -- --demo`, typed into: the same core as Slack, against the demo's simulators. */
describe('console (demo)', () => {
  let driver: ConsoleDriver;
  beforeEach(async () => {
    driver = new ConsoleDriver();
    await driver.until('U0DEMOUSER@#C0DEMO0001> ');
  });
  afterEach(async () => {
    expect(await driver.quit()).toBe(0);
  });

  /** Starts a workflow without an input schema, every field left empty (the /ops is optional). */
  async function startWorkflow(name: string): Promise<void> {
    driver.type(`itential start ${name}`);
    for (const prompt of ['search Workflow', 'Description: ', 'Job type', 'Job variables', 'Groups']) {
      await driver.until(prompt);
      driver.type('');
    }
  }

  test('a run prompts for its fields, then its thread prints each state in order to the end', async () => {
    driver.type('/ops itential start Backup Devices');
    await driver.until('search Workflow [Backup Devices]');
    driver.type('');
    await driver.until('Description: ');
    driver.type('nightly');
    await driver.until('Job type [automation]: ');
    driver.type('');
    // The workflow's input schema gives `site` a prompt of its own.
    await driver.until('  site: ');
    driver.type('hq');
    await driver.until('Other variables (JSON object)');
    driver.type('');
    await driver.until('Groups');
    driver.type('');
    const thread = await driver.until(/└ \S+ succeeded/);
    const order = [
      '┌ run ',
      'Workflow: Backup Devices · Description: nightly · Job type: automation · Variables: site',
      'started: running · task Collect inventory (collectInventory) · 10%',
      'running · task Back up devices (backUpDevice) · 50%',
      'running · task Verify backups (verifyBackups) · 90%',
      'succeeded · upstream "complete" · 100%',
    ].map((line) => thread.indexOf(line));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('a finished run offers Re-run: its form again, the earlier values as defaults, for a new linked run', async () => {
    driver.type('/ops itential start Backup Devices');
    for (const [prompt, answer] of [
      ['search Workflow', ''],
      ['Description: ', 'nightly'],
      ['Job type', ''],
      ['  site: ', 'hq'],
      ['Other variables', ''],
      ['Groups', ''],
    ] as const) {
      await driver.until(prompt);
      driver.type(answer);
    }
    const first = await driver.until(/└ \S+ succeeded/);
    const choice = /\[(\d+)\] Re-run/.exec(first)?.[1] ?? '';
    driver.type(choice);
    await driver.until('search Workflow [Backup Devices]');
    driver.type('');
    for (const prompt of [
      'Description [nightly]: ',
      'Job type [automation]: ',
      '  site [hq]: ',
      'Other variables',
      'Groups',
    ]) {
      await driver.until(prompt);
      driver.type('');
    }
    const linked = await driver.until(/re-run as run \S+ by U0DEMOUSER/);
    const rerun = /re-run as run (\S+) by/.exec(linked)?.[1] ?? '';
    const second = await driver.until(new RegExp(`└ ${rerun} succeeded`));
    expect(`${linked}${second}`).toContain('Description: nightly · Job type: automation · Variables: site');
  });

  test('a failing run prints the upstream problem in the thread', async () => {
    await startWorkflow('Push Config');
    const thread = await driver.until(/└ \S+ failed/);
    expect(thread).toContain('Missing one of the following required instances: arg2, arg1');
    const retry = /\[(\d+)\] Retry the failed step/.exec(thread)?.[1] ?? '';
    driver.type(retry);
    await driver.until(/U0DEMOUSER retried task Push config \(pushConfig\); following the run again/);
    await driver.until(/└ \S+ succeeded/);
  });

  test('a value the operation refuses is shown under its field and asked again', async () => {
    driver.type('/ops itential start Backup Devices');
    for (const prompt of ['search Workflow', 'Description: ', 'Job type']) {
      await driver.until(prompt);
      driver.type('');
    }
    await driver.until('  site: ');
    driver.type('');
    await driver.until('Other variables (JSON object)');
    driver.type('{"x": ');
    await driver.until('Groups');
    driver.type('');
    await driver.until('✖ Other variables (JSON object): Not valid JSON');
    // Asked again, with what was typed as the value to correct.
    await driver.until('Other variables (JSON object) [{"x":]: ');
    driver.type('{}');
    // The upstream check: the workflow's input schema requires `site`, asked again under its own name.
    await driver.until(/✖ site: .*'site' is required/);
    await driver.until('  site: ');
    driver.type('hq');
    await driver.until(/└ \S+ succeeded/);
  });

  test('the policy refuses a user, and says which rule and who can help', async () => {
    driver.type('/ops itential start as U0INTERN01');
    const refusal = await driver.until('Who can help: #platform-help.');
    expect(refusal).toContain('✖ You may not run Start an Itential job.');
    expect(refusal).toContain('Rule "interns-look-only" denies itential.start to you.');
    driver.type('can-i iacm run in C0OTHER001 as U0INTERN01');
    expect(await driver.until('#platform-help')).toContain(
      'Can U0INTERN01 run it in #C0OTHER001?\n✖ Harness IaCM',
    );
    driver.type('whoami as U0INTERN01');
    expect(await driver.until('zitadel.set-execution')).toContain('U0INTERN01 in #C0DEMO0001:');
  });

  test('usage reads plainly: a system alone lists its commands', async () => {
    driver.type('/ops itential');
    expect(await driver.until('Try: start.')).toContain('What should Flightdeck do in Itential?');
  });

  test('a prod run waits for approval by a group; the requester cannot approve it, a member of the group does', async () => {
    await startWorkflow('Prod Push Config');
    const request = await driver.until(/\[(\d+)\] Approve {2}\[\d+\] Reject/);
    expect(request).toContain('awaiting approval: It needs approval by @S0CHANGES1 (not @U0DEMOUSER) before');
    const approve = /\[(\d+)\] Approve/.exec(request)?.[1] ?? '';
    await driver.until('Waiting for approval: Rule "prod-needs-approval" needs approval by @S0CHANGES1.');
    driver.type(approve);
    await driver.until('✖ You cannot approve your own run');
    driver.type(`${approve} as U0INTERN01`);
    await driver.until('✖ U0INTERN01 may not approve this; it needs approval by @S0CHANGES1.');
    driver.type(`${approve} as U0APPROVER`);
    const waiting = await driver.until(/\[(\d+)\] Approve the step/);
    expect(waiting).toContain('approved by U0APPROVER');
    expect(waiting).toContain('waiting · upstream "running" · task Check diff (ViewData) · 50%');
    driver.type(/\[(\d+)\] Approve the step/.exec(waiting)?.[1] ?? '');
    await driver.until('Task variables (JSON) (e.g. {"ticket": "CHG-1"}): ');
    driver.type('');
    await driver.until(/└ \S+ succeeded/);
  });

  test('Itential: a manual task holds the job until it is approved from the console, then the job goes on', async () => {
    await startWorkflow('Firewall Change');
    const waiting = await driver.until(/\[(\d+)\] Approve the step {2}\[\d+\] Reject the step/);
    expect(waiting).toContain("Manual task 'Review change");
    // Nothing moves while the task waits for a person.
    driver.type('/ops status');
    expect(await driver.until('U0DEMOUSER@#C0DEMO0001> ')).not.toContain('Apply change');
    driver.type(/\[(\d+)\] Approve the step/.exec(waiting)?.[1] ?? '');
    // Approve opens the step's form, as in Slack: a mistake is shown under its field and asked again.
    expect(await driver.until('Task variables (JSON) (e.g. {"ticket": "CHG-1"}): ')).toContain(
      'Itential: approve the step',
    );
    driver.type('{"ticket":');
    await driver.until(/✖ Task variables \(JSON\): .+/);
    await driver.until('Task variables (JSON) (e.g. {"ticket": "CHG-1"}): ');
    driver.type('{"ticket": "CHG-7"}');
    expect(await driver.until(/└ \S+ succeeded/)).toContain('task Apply change (applyChange)');
    // The decision's line and the job's next state race (the tracker polls every few ms here): both are printed.
    await driver.printed("Manual task 'Review change (ViewData)': approved by U0DEMOUSER");
  });

  test('Itential: a manual task rejected from the console ends the job incomplete', async () => {
    await startWorkflow('Firewall Change');
    const waiting = await driver.until(/\[\d+\] Approve the step {2}\[(\d+)\] Reject the step/);
    driver.type(/\[\d+\] Approve the step {2}\[(\d+)\] Reject the step/.exec(waiting)?.[1] ?? '');
    expect(await driver.until(/└ \S+ failed/)).toContain('Job has no available transitions');
    await driver.printed("Manual task 'Review change (ViewData)': rejected by U0DEMOUSER");
  });

  /** Fills the IaCM run form with the demo's defaults for the given pipeline execution. */
  async function runModule(execution: string): Promise<void> {
    driver.type('/ops iacm run vpc-core');
    for (const prompt of [
      'search Module [vpc-core]',
      'Org [platform]',
      'Project [network]',
      'Pipeline [iacm_apply]',
    ]) {
      await driver.until(prompt);
      driver.type('');
    }
    await driver.until('Pipeline execution id');
    driver.type(execution);
    await driver.until('Pipeline stage [apply]');
    driver.type('');
  }

  test('Harness: the org, project and pipeline pickers list what the demo Harness knows', async () => {
    driver.type('/ops iacm run vpc-core');
    await driver.until('search Module [vpc-core]');
    driver.type('');
    await driver.until('search Org [platform]');
    driver.type('*');
    expect(await driver.until('number: ')).toMatch(/Platform[\s\S]*Payments/);
    driver.type('1');
    await driver.until('search Project [network]');
    driver.type('*');
    expect(await driver.until('number: ')).toMatch(/Network[\s\S]*Identity/);
    driver.type('1');
    await driver.until('search Pipeline [iacm_apply]');
    driver.type('drift');
    expect(await driver.until('number: ')).toContain('IaCM drift check');
    driver.type('/cancel');
  });

  test('Harness: the pipeline waits at its approval stage until it is approved from the console, then succeeds', async () => {
    await runModule('demoApplyOk42');
    const waiting = await driver.until(/\[(\d+)\] Approve the step {2}\[\d+\] Reject the step/);
    expect(waiting).toContain('started: running · stage Plan');
    expect(waiting).toContain('waiting · upstream "ApprovalWaiting" · stage Apply');
    expect(waiting).toContain('Harness approval');
    expect(waiting).toContain('The plan adds 2 subnets and changes 1 route table. Apply it?');
    driver.type(`${/\[(\d+)\] Approve the step/.exec(waiting)?.[1] ?? ''} as U0APPROVER`);
    await driver.until(/└ \S+ succeeded/);
    await driver.printed('Harness approval · stage Apply: approved by U0APPROVER');
  });

  test('Harness: an approval rejected from the console ends the run ApprovalRejected', async () => {
    await runModule('demoApplyOk42');
    const waiting = await driver.until(/\[\d+\] Approve the step {2}\[(\d+)\] Reject the step/);
    driver.type(/\[\d+\] Approve the step {2}\[(\d+)\] Reject the step/.exec(waiting)?.[1] ?? '');
    expect(await driver.until(/└ \S+ \S+/)).toContain('ApprovalRejected');
    await driver.printed('Harness approval · stage Apply: rejected by U0DEMOUSER');
  });

  test('Zitadel: the picked change is previewed, confirmed, set, and reverted through its numbered button', async () => {
    driver.type('/ops zitadel set-execution');
    await driver.until('Trigger: number: ');
    driver.type('1');
    await driver.until('Which API calls: number: ');
    driver.type('1');
    await driver.until('search Method (Enter lists all): ');
    driver.type('');
    await driver.until('[2] /zitadel.user.v2.UserService/DeleteUser');
    driver.type('2');
    await driver.until('search Targets, in execution order (Enter lists all): ');
    driver.type('enrich');
    await driver.until('[1] enrich-token');
    driver.type('1');
    await driver.until('Order');
    driver.type('');
    await driver.until('search Also include the targets of');
    driver.type('');
    await driver.until('(Enter for none): ');
    driver.type('');
    const preview = await driver.until('[1] Confirm  [2] Leave it: ');
    expect(preview).toContain('Condition: request method /zitadel.user.v2.UserService/DeleteUser');
    expect(preview).toContain('After: 1. enrich-token');
    driver.type('1');
    const done = await driver.until(/\[(\d+)\] Revert/);
    expect(done).toContain('succeeded');
    driver.type(/\[(\d+)\] Revert/.exec(done)?.[1] ?? '');
    const revert = await driver.until('[1] Confirm  [2] Leave it: ');
    expect(revert).toContain('After: no targets');
    driver.type('1');
    await driver.until(/succeeded/);
  });
});
