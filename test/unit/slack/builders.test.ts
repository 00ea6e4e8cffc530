import { DIGEST_USAGE } from '../../../src/core/digest/spec';
import { code, txt } from '../../../src/core/kit/text';
import type { RunView } from '../../../src/core/runs/notifier';
import type { FormField, OperationInfo } from '../../../src/core/operations/contract';
import { RUN_STATES, type RunState } from '../../../src/core/runs/lifecycle';
import type { RunRecord, TransitionKind, TransitionRecord } from '../../../src/core/runs/run-store';
import { escapeMrkdwn, truncate } from '../../../src/slack/ui/blocks';
import { helpMessage, usageMessage } from '../../../src/slack/ui/help';
import { launcherModal } from '../../../src/slack/ui/launcher-modal';
import { operationModal, previewModal } from '../../../src/slack/ui/operation-modal';
import { problemText } from '../../../src/slack/ui/problem';
import { deniedMessage, reportMessage, runsMessage } from '../../../src/slack/ui/replies';
import { duration } from '../../../src/core/kit/duration';
import { parentMessage, transitionReply } from '../../../src/slack/ui/run-message';
import { mrkdwnText } from '../../../src/slack/ui/text';
import { validateBlocks, validateView } from '../../support/block-kit';
import { blocksText } from '../../support/flightdeck-harness';
import { runRecord, transitionRecord } from '../../support/run-fixtures';

const info: OperationInfo = {
  id: 'itential.start',
  system: 'itential',
  verb: 'start',
  title: 'Start a job',
  usage: '[workflow]',
};
const t0 = new Date('2026-11-24T10:00:00Z');

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return runRecord({
    id: '3b1d6a52-0000-4000-8000-000000000001',
    idempotencyKey: 'V1:h1',
    operationId: info.id,
    channelId: 'C0001',
    requesterId: 'U0001',
    facts: [
      { label: 'Workflow', value: 'Backup <!channel> devices' },
      { label: 'Variables', value: 'host, port' },
    ],
    upstreamId: '65f0c1aa0000000000000001',
    upstreamUrl: 'https://itential.example.com/jobs/65f0c1aa0000000000000001',
    upstreamStatus: 'running',
    detail: 'task backUpDevice',
    progress: 0.45,
    seq: 1,
    parentTs: '1700000000.000100',
    createdAt: t0,
    updatedAt: t0,
    startedAt: t0,
    ...overrides,
  });
}

const view = (r: RunRecord, cancellable = true, revertible = false): RunView => ({
  run: r,
  operation: info,
  systemName: 'Itential',
  cancellable,
  revertible,
  finishedActions: [],
});

function transition(
  kind: TransitionKind,
  state: RunState,
  extra: Partial<TransitionRecord> = {},
): TransitionRecord {
  return transitionRecord({
    runId: run().id,
    seq: 2,
    kind,
    state,
    upstreamStatus: state,
    at: new Date(t0.getTime() + 252_000),
    ...extra,
  });
}

const problem = {
  title: 'Itential: could not start the job',
  message: 'Missing one of the following required instances: arg2, arg1 <@U999>',
  code: '500',
  errorId: '65f0c1aa0000000000000001',
  where: 'task backUpDevice',
  hint: 'Retry the task in Operations Manager.',
  httpStatus: 500,
};

describe('run messages', () => {
  it('parent: header, requester, facts escaped, status line, Open and Cancel buttons', () => {
    const msg = parentMessage(view(run()), t0);
    expect(validateBlocks(msg.blocks, 'message')).toBeUndefined();
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain('Itential: Start a job');
    expect(json).toContain('<@U0001>');
    expect(json).toContain('Backup &lt;!channel&gt; devices');
    expect(json).toContain('task backUpDevice · 45%');
    expect(json).toContain('"action_id":"fd.run.cancel"');
    expect(json).toContain('"url":"https://itential.example.com/jobs/65f0c1aa0000000000000001"');
    expect(msg.text).toBe('Itential: Start a job — Running');
  });

  it('parent: a finished run has no Cancel button and shows duration and problem', () => {
    const finished = run({ state: 'failed', finishedAt: new Date(t0.getTime() + 65_000), problem });
    const msg = parentMessage(view(finished), t0);
    expect(validateBlocks(msg.blocks, 'message')).toBeUndefined();
    const json = JSON.stringify(msg.blocks);
    expect(json).not.toContain('fd.run.cancel');
    expect(json).toContain('after 1 minute 5 seconds');
    expect(json).toContain('error id `65f0c1aa0000000000000001`');
  });

  it('a revertible finished run offers Revert', () => {
    const msg = parentMessage(view(run({ state: 'succeeded', finishedAt: t0 }), false, true), t0);
    expect(validateBlocks(msg.blocks, 'message')).toBeUndefined();
    expect(JSON.stringify(msg.blocks)).toContain('"action_id":"fd.run.revert"');
    expect(JSON.stringify(parentMessage(view(run()), t0).blocks)).not.toContain('fd.run.revert');
  });

  it.each(RUN_STATES.map((s) => [s]))('a %s transition reply is valid Block Kit', (state) => {
    const reply = transitionReply(view(run()), transition('state', state));
    expect(validateBlocks(reply.blocks, 'message')).toBeUndefined();
    expect(reply.text.length).toBeGreaterThan(0);
    expect(reply.text).not.toMatch(/:[a-z_]+:/);
  });

  it.each([
    ['started', 'running', ':rocket: Started by <@U0001>'],
    ['cancel_requested', 'running', '<@U0002> asked Itential to cancel this run'],
    ['contact_lost', 'running', 'cannot read this run from Itential'],
    ['contact_restored', 'running', 'Itential answers again'],
  ] as const)('%s reply says what happened', (kind, state, expected) => {
    const reply = transitionReply(view(run()), transition(kind, state, { actorId: 'U0002' }));
    expect(validateBlocks(reply.blocks, 'message')).toBeUndefined();
    expect(JSON.stringify(reply.blocks)).toContain(expected);
  });

  it('a failure reply carries the problem; a cancel names who asked; waiting links to the upstream', () => {
    const failed = transitionReply(view(run()), transition('state', 'failed', { problem }));
    expect(JSON.stringify(failed.blocks)).toContain('after 4 minutes 12 seconds');
    expect(JSON.stringify(failed.blocks)).toContain('Retry the task in Operations Manager.');
    const canceled = transitionReply(view(run()), transition('state', 'canceled', { actorId: 'U0003' }));
    expect(JSON.stringify(canceled.blocks)).toContain('(requested by <@U0003>)');
    const waiting = transitionReply(
      view(run()),
      transition('state', 'waiting', { waitingFor: "manual task 'Approve'" }),
    );
    expect(JSON.stringify(waiting.blocks)).toContain("waiting for manual task 'Approve'");
    expect(JSON.stringify(waiting.blocks)).toContain('Act on it in Itential');
  });

  it('durations read as words', () => {
    expect(duration(t0, t0)).toBe('less than a second');
    expect(duration(t0, new Date(t0.getTime() + 3_723_000))).toBe('1 hour 2 minutes 3 seconds');
  });
});

describe('problem text', () => {
  it('escapes upstream text so it cannot mention people or channels, and keeps ids and hint', () => {
    const text = problemText(problem);
    expect(text).toContain('&lt;@U999&gt;');
    expect(text).toContain('HTTP 500 · code `500` · error id `65f0c1aa0000000000000001`');
    expect(text).toContain(':bulb: Retry the task');
    expect(text).toContain('Where: task backUpDevice');
  });

  it('stays within a section even for a huge upstream message', () => {
    expect(problemText({ ...problem, message: 'x'.repeat(20_000) }).length).toBeLessThanOrEqual(3000);
  });
});

describe('modals', () => {
  const fields: FormField[] = [
    { id: 'workflow', label: 'Workflow', kind: 'search', initial: { value: 'Backup', label: 'Backup' } },
    { id: 'description', label: 'Description', kind: 'text', optional: true, maxLength: 500 },
    {
      id: 'variables',
      label: 'Job variables (JSON)',
      kind: 'multiline',
      initial: '{}',
      hint: 'A JSON object',
    },
    {
      id: 'type',
      label: 'Type',
      kind: 'select',
      choices: [{ value: 'automation', label: 'automation' }],
      initial: 'automation',
    },
    { id: 'targets', label: 'Targets', kind: 'multi_search', refreshOnChange: true },
  ];

  it('renders every field kind as a valid modal whose block ids are the field ids', () => {
    const modal = operationModal(
      info,
      fields,
      { operationId: info.id, channelId: 'C1' },
      { systemName: 'Itential', reviewsFirst: false },
    );
    expect(validateView(modal)).toBeUndefined();
    const blockIds = modal.blocks.map((b) => b.block_id).filter(Boolean);
    expect(blockIds).toEqual(fields.map((f) => f.id));
    expect(JSON.parse(modal.private_metadata ?? '')).toEqual({ operationId: info.id, channelId: 'C1' });
    expect(modal.submit?.text).toBe('Start');
  });

  it('operations that preview say Review; a long title is cut to Slack’s 24 characters', () => {
    const modal = operationModal(
      { ...info, title: 'Set a Zitadel execution for a condition' },
      fields,
      { operationId: info.id, channelId: 'C1' },
      { systemName: 'Zitadel', reviewsFirst: true, notice: 'Zitadel is slow' },
    );
    expect(validateView(modal)).toBeUndefined();
    expect(modal.submit?.text).toBe('Review');
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
  });

  it('a preview modal splits long diffs into valid sections and flags an outdated one', () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({
      label: 'Added',
      mark: 'added' as const,
      value: [code(`t-${i}`)],
    }));
    const modal = previewModal(
      info,
      { rows, fingerprint: 'f1' },
      { operationId: info.id, channelId: 'C1', values: {}, fingerprint: 'f1' },
      true,
    );
    expect(validateView(modal)).toBeUndefined();
    expect(JSON.stringify(modal.blocks)).toContain('This changed since you reviewed it');
  });

  it('a preview too large for private_metadata becomes a notice instead of a view Slack would refuse', () => {
    const values = { targets: Array.from({ length: 200 }, (_, i) => `target-id-${i}`) };
    const modal = previewModal(
      info,
      { rows: [{ label: 'x', value: txt`y` }], fingerprint: 'f' },
      { operationId: info.id, channelId: 'C1', values, fingerprint: 'f' },
    );
    expect(validateView(modal)).toBeUndefined();
    expect(JSON.stringify(modal.blocks)).toContain('Split it into smaller changes');
  });

  it('the launcher groups operations by system; with none configured it says so', () => {
    const modal = launcherModal([{ systemName: 'Itential', operations: [info] }], 'C1');
    expect(validateView(modal)).toBeUndefined();
    const empty = launcherModal([], 'C1');
    expect(validateView(empty)).toBeUndefined();
    expect(JSON.stringify(empty.blocks)).toContain('No system is configured');
  });
});

describe('replies', () => {
  it('help lists every command and marks unconfigured systems', () => {
    const msg = helpMessage([
      { definition: { id: 'itential', name: 'Itential', operations: [info], queries: [] }, configured: true },
      { definition: { id: 'zitadel', name: 'Zitadel', operations: [], queries: [] }, configured: false },
    ]);
    expect(validateBlocks(msg.blocks, 'message')).toBeUndefined();
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain('`/ops itential start [workflow]` — Start a job');
    expect(json).toContain('*Zitadel* — _not configured_');
    expect(json).toContain('/ops digest schedule');
    expect(json).toContain('/ops whoami');
  });

  it('a usage message renders the reason, then each usage line, escaping words and keeping code spans', () => {
    const msg = usageMessage(txt`${code('<@U1>')} is not a digest command.`, DIGEST_USAGE);
    expect(validateBlocks(msg.blocks, 'message')).toBeUndefined();
    expect(msg.text.split('\n')).toEqual([
      '`&lt;@U1&gt;` is not a digest command.',
      '',
      ...DIGEST_USAGE.map(mrkdwnText),
    ]);
    expect(msg.text).toContain('`/ops digest schedule &lt;when&gt; [time zone] [filters]` — post a digest');
    expect(blocksText(msg)).toContain(`:thinking_face: ${msg.text}`);
  });

  it('usage and denial messages are valid and name the rule and contacts', () => {
    expect(
      validateBlocks(usageMessage(txt`${code('x')} is not a command`).blocks, 'message'),
    ).toBeUndefined();
    const denied = deniedMessage('run Start a job', {
      allowed: false,
      rule: 'netops',
      reason: txt`Rule "netops" denies ${code('itential.start')} to you.`,
      contacts: ['#netops-leads'],
    });
    expect(validateBlocks(denied.blocks, 'message')).toBeUndefined();
    expect(JSON.stringify(denied.blocks)).toContain('Ask #netops-leads for access.');
  });

  it('a long report is split within the block limit and says how much was left out', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => txt`line ${i} ${'x'.repeat(60)}`);
    const msg = reportMessage({ title: 'Executions', lines, empty: 'none' });
    expect(validateBlocks(msg.blocks, 'message')).toBeUndefined();
    expect(JSON.stringify(msg.blocks)).toMatch(/…and \d+ more not shown/);
    expect(
      JSON.stringify(reportMessage({ title: 'E', lines: [], empty: 'No executions yet.' }).blocks),
    ).toContain('No executions yet.');
  });

  it('runs list', () => {
    const msg = runsMessage(
      'Recent runs',
      [run(), run({ id: 'x2', state: 'succeeded' })],
      () => 'Start a job',
    );
    expect(validateBlocks(msg.blocks, 'message')).toBeUndefined();
    expect(JSON.stringify(msg.blocks)).toContain(':white_check_mark: Succeeded');
  });
});

describe('text helpers', () => {
  it('truncate marks the cut; escape neutralises control characters', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(escapeMrkdwn('<!here> & <@U1>')).toBe('&lt;!here&gt; &amp; &lt;@U1&gt;');
  });
});
