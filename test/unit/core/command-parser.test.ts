import type { SystemDefinition } from '../../../src/core/operations/contract';
import { MAX_COMMAND_LENGTH, parseOpsCommand, type OpsCommand } from '../../../src/core/commands/ops-command';
import { mrkdwnText } from '../../../src/slack/ui/text';

/** What a refusal says in Slack, as the command listener renders it. */
const said = (parsed: OpsCommand): string | undefined =>
  parsed.kind === 'unknown' ? mrkdwnText(parsed.reason) : undefined;

const systems: SystemDefinition[] = [
  {
    id: 'itential',
    name: 'Itential',
    operations: [
      { id: 'itential.start', system: 'itential', verb: 'start', title: 'Start a job', usage: '[workflow]' },
    ],
    queries: [],
  },
  {
    id: 'iacm',
    name: 'Harness IaCM',
    operations: [{ id: 'iacm.run', system: 'iacm', verb: 'run', title: 'Run', usage: '[module]' }],
    queries: [
      { id: 'iacm.executions', system: 'iacm', verb: 'executions', title: 'Executions', usage: '<module>' },
    ],
  },
];

describe('parseOpsCommand', () => {
  it.each([
    ['', { kind: 'launcher' }],
    ['   ', { kind: 'launcher' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['itential', { kind: 'system', systemId: 'itential' }],
    ['itential start', { kind: 'operation', operationId: 'itential.start', args: '' }],
    [
      'Itential START Backup Devices',
      { kind: 'operation', operationId: 'itential.start', args: 'Backup Devices' },
    ],
    ['iacm executions my-module', { kind: 'query', queryId: 'iacm.executions', args: 'my-module' }],
    ['runs', { kind: 'runs', mine: false }],
    ['runs MINE', { kind: 'runs', mine: true }],
    [
      'status 0F3C2B1A-1111-2222-3333-444455556666',
      { kind: 'status', runId: '0f3c2b1a-1111-2222-3333-444455556666' },
    ],
  ])('%j', (text, expected) => {
    expect(parseOpsCommand(text, systems)).toEqual(expected);
  });

  it('names the unknown word and the known systems', () => {
    const result = parseOpsCommand('deploy prod', systems);
    expect(said(result)).toContain('`deploy` is not a Flightdeck command');
    expect(said(result)).toContain('`itential`, `iacm`');
  });

  it('lists the verbs a system has when the verb is wrong', () => {
    const result = parseOpsCommand('iacm destroy', systems);
    expect(said(result)).toContain('`run`, `executions`');
  });

  it('rejects bad status and runs arguments with usage', () => {
    expect(said(parseOpsCommand('status', systems))).toContain('Usage');
    expect(parseOpsCommand('status abc', systems)).toMatchObject({ kind: 'unknown' });
    expect(parseOpsCommand('runs everyone', systems)).toMatchObject({ kind: 'unknown' });
  });

  it('parses digest commands, keeping the case of zone names and the systems it knows as filters', () => {
    expect(parseOpsCommand('DIGEST schedule weekdays 08:30 America/New_York system=iacm', systems)).toEqual({
      kind: 'digest',
      command: {
        action: 'schedule',
        spec: {
          cron: '30 8 * * 1-5',
          label: 'weekdays 08:30',
          timeZone: 'America/New_York',
          filters: { system: 'iacm', failuresOnly: false },
        },
      },
    });
    expect(parseOpsCommand('digest list', systems)).toEqual({ kind: 'digest', command: { action: 'list' } });
    expect(parseOpsCommand('digest remove k3f9qz2m', systems)).toEqual({
      kind: 'digest',
      command: { action: 'remove', id: 'k3f9qz2m' },
    });
    expect(parseOpsCommand('digest now 7d', systems)).toEqual({
      kind: 'digest',
      command: { action: 'now', windowMs: 7 * 86_400_000, windowLabel: '7d' },
    });
    const digest = parseOpsCommand('digest schedule hourly operation=zitadel.set', systems);
    expect(digest.kind === 'digest-usage' && mrkdwnText(digest.error)).toContain(
      'Operations: `itential.start`, `iacm.run`.',
    );
  });

  it('parses whoami, can-i (operation as id or words; quoted, curly-quoted and bare values) and audit', () => {
    expect(parseOpsCommand('WhoAmI', systems)).toEqual({ kind: 'whoami' });
    expect(parseOpsCommand('whoami please', systems)).toMatchObject({ kind: 'unknown' });
    expect(parseOpsCommand('can-i itential start', systems)).toEqual({
      kind: 'can-i',
      operationId: 'itential.start',
      args: {},
    });
    expect(
      parseOpsCommand(
        'can-i iacm.run module=net-core org="Prod Org"  project=“infra one” x=\'a b\'',
        systems,
      ),
    ).toEqual({
      kind: 'can-i',
      operationId: 'iacm.run',
      args: { module: 'net-core', org: 'Prod Org', project: 'infra one', x: 'a b' },
    });
    expect(said(parseOpsCommand('can-i iacm run oops', systems))).toContain('`oops` is not `key=value`');
    expect(said(parseOpsCommand('can-i', systems))).toContain('Operations: `itential.start`, `iacm.run`.');
    expect(parseOpsCommand(`can-i iacm run org=${'x'.repeat(201)}`, systems)).toMatchObject({
      kind: 'unknown',
    });
    expect(parseOpsCommand('audit', systems)).toEqual({
      kind: 'audit',
      sinceMs: 86_400_000,
      sinceText: '24h',
    });
    expect(parseOpsCommand('audit --since 30m --user <@U0BOB|bob>', systems)).toEqual({
      kind: 'audit',
      user: 'U0BOB',
      sinceMs: 1_800_000,
      sinceText: '30m',
    });
    expect(parseOpsCommand('audit --user U0CAROL', systems)).toMatchObject({ user: 'U0CAROL' });
    for (const bad of [
      'audit --since',
      'audit --since 0h',
      'audit --since 91d',
      'audit --user bob',
      'audit --all x',
    ]) {
      expect(said(parseOpsCommand(bad, systems))).toContain('Usage');
    }
  });

  it('bounds the input and strips control characters', () => {
    expect(parseOpsCommand('x'.repeat(MAX_COMMAND_LENGTH + 1), systems)).toMatchObject({ kind: 'unknown' });
    expect(parseOpsCommand('itential\u0000start\tfoo', systems)).toEqual({
      kind: 'operation',
      operationId: 'itential.start',
      args: 'foo',
    });
  });
});
