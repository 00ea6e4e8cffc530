import type { ApprovalView } from '../../../src/core/approvals/board';
import type { DirectMessage } from '../../../src/core/direct/direct-messenger';
import type { RunView } from '../../../src/core/runs/notifier';
import type { RunRecord } from '../../../src/core/runs/run-store';
import { directMessage, notifyMessage } from '../../../src/slack/ui/direct-message';
import { HOME_LIMITS, homeView } from '../../../src/slack/ui/home';
import { validateBlocks, validateView } from '../../support/block-kit';
import { blocksText } from '../../support/flightdeck-harness';
import { runRecord, transitionRecord } from '../../support/run-fixtures';

const t0 = new Date('2026-11-24T10:00:00Z');
const LINK = 'https://flightdeck-test.slack.com/archives/C0001/p1700000000000100';

function view(overrides: Partial<RunRecord> = {}): RunView {
  return {
    run: runRecord({
      createdAt: t0,
      channelId: 'C0001',
      requesterId: 'U0001',
      facts: [{ label: 'Workflow', value: 'Backup <!channel> devices' }],
      ...overrides,
    }),
    operation: { id: 'itential.start', system: 'itential', verb: 'start', title: 'Start a job', usage: '' },
    systemName: 'Itential',
    cancellable: true,
    revertible: false,
    finishedActions: [],
  };
}

function message(
  reason: DirectMessage['reason'],
  transition: Partial<DirectMessage['transition']>,
  runView = view(),
): DirectMessage {
  return {
    key: { runId: runView.run.id, seq: 3, userId: 'U0001' },
    reason,
    view: runView,
    transition: transitionRecord({
      runId: runView.run.id,
      seq: 3,
      at: new Date(t0.getTime() + 65_000),
      ...transition,
    }),
  };
}

const approval = (runView: RunView, outcome: ApprovalView['status']['request']['outcome']): ApprovalView => ({
  run: runView.run,
  systemName: 'Itential',
  operationTitle: 'Start a job',
  status: {
    request: {
      runId: runView.run.id,
      rule: 'prod-needs-approval',
      approvers: { users: ['U0002'], groups: ['S0001'] },
      required: 1,
      channelId: 'C0001',
      messageTs: null,
      fingerprint: null,
      createdAt: t0,
      expiresAt: new Date(t0.getTime() + 3_600_000),
      outcome,
      decidedBy: outcome ? 'U0002' : null,
      decidedAt: outcome ? t0 : null,
    },
    votes:
      outcome === 'approved' ? [{ runId: runView.run.id, approverId: 'U0002', vote: 'approve', at: t0 }] : [],
  },
});

describe('direct messages', () => {
  it('tells the requester how the run ended, with the thread link and the problem when it failed', () => {
    const ok = directMessage(message('finished', { state: 'succeeded' }), LINK);
    expect(validateBlocks(ok.blocks, 'message')).toBeUndefined();
    expect(blocksText(ok)).toContain(
      ':white_check_mark: Succeeded · Your run *Itential: Start a job* in <#C0001> succeeded after 1 minute 5 seconds.',
    );
    expect(blocksText(ok)).toContain(`<${LINK}|Open the run's thread>`);
    expect(ok.text).not.toMatch(/:[a-z_]+:|\*/);

    const failed = directMessage(
      message('finished', {
        state: 'failed',
        problem: {
          title: 'Itential: the job failed',
          message: 'Missing <!here> arg1',
          hint: 'Fix the input.',
        },
      }),
    );
    const text = blocksText(failed);
    expect(text).toContain(':x: Failed · Your run');
    expect(text).toContain('Missing &lt;!here&gt; arg1');
    expect(text).toContain('Its thread is in the channel it was launched from.');

    const rejected = blocksText(
      directMessage(message('finished', { state: 'rejected', actorId: 'U0009' }), LINK),
    );
    expect(rejected).toContain('was rejected by <@U0009>.');
  });

  it('tells the requester whom their run waits for, escaped', () => {
    const waiting = directMessage(
      message('needs_you', { state: 'waiting', waitingFor: 'Approve <change>' }),
      LINK,
    );
    expect(blocksText(waiting)).toContain('waits for a person: Approve &lt;change&gt;.');
  });

  it('asks an approver with the request and its buttons, and shows the outcome instead once decided', () => {
    const runView = view({ state: 'awaiting_approval' });
    const open = directMessage(
      {
        ...message('approval_request', { kind: 'approval_requested' }, runView),
        approval: approval(runView, null),
      },
      LINK,
    );
    expect(validateBlocks(open.blocks, 'message')).toBeUndefined();
    expect(JSON.stringify(open.blocks)).toContain('fd.run.approve');
    expect(blocksText(open)).toContain(`<${LINK}|the run's thread>`);
    const decided = directMessage(
      {
        ...message('approval_request', { kind: 'approval_requested' }, runView),
        approval: approval(runView, 'approved'),
      },
      LINK,
    );
    expect(JSON.stringify(decided.blocks)).not.toContain('fd.run.approve');
    expect(blocksText(decided)).toContain('Approved by <@U0002>');
  });

  it('/ops notify says the setting and how to change it', () => {
    expect(blocksText(notifyMessage(true, false))).toContain('`/ops notify off` turns them off.');
    expect(blocksText(notifyMessage(false, true))).toMatch(/^:no_bell: Turned off\./);
    expect(blocksText(notifyMessage(true, true))).toContain('`/ops notify off`');
  });
});

describe('a human step in a direct message', () => {
  const step = {
    id: 'task-1',
    title: "Manual task 'Approve <!here> change'",
    decisions: ['approve' as const, 'reject' as const],
    fields: [],
  };
  const waiting = { state: 'waiting' as const, payload: { kind: 'human_step' as const, step } };

  it('offers the step with the thread’s own buttons, carrying the run and the step', () => {
    const dm = message('step_request', waiting);
    const content = directMessage({ ...dm, key: { ...dm.key, userId: 'U0002' } }, LINK);
    expect(validateBlocks(content.blocks, 'message')).toBeUndefined();
    const text = blocksText(content);
    expect(text).toContain(
      "<@U0001>'s run *Itential: Start a job* in <#C0001> waits for a decision you may make",
    );
    expect(text).toContain('Approve &lt;!here&gt; change');
    expect(text).toContain(`<${LINK}|Open the run's thread>`);
    const value = JSON.stringify({ run: dm.view.run.id, step: 'task-1', seq: 3 });
    expect(JSON.stringify(content.blocks)).toContain(JSON.stringify(value));
    expect(JSON.stringify(content.blocks)).toContain('fd.step.reject');
    expect(content.text).not.toContain('*');
    // The requester who may decide it reads that it is their run.
    expect(blocksText(directMessage(message('step_request', waiting), LINK))).toContain('Your run');
  });

  it('once closed, says who decided it, or that the run no longer waits, without buttons', () => {
    const dm = message('step_request', waiting);
    const decidedBy = transitionRecord({
      runId: dm.view.run.id,
      seq: 4,
      at: t0,
      kind: 'step_decided',
      state: 'waiting',
      actorId: 'U0003',
      payload: { kind: 'step_decision', stepId: 'task-1', title: 'Approve change', decision: 'reject' },
    });
    const decided = directMessage({ ...dm, closedBy: decidedBy }, LINK);
    expect(JSON.stringify(decided.blocks)).not.toContain('fd.step.');
    expect(blocksText(decided)).toContain('Rejected by <@U0003>');
    const movedOn = directMessage(
      { ...dm, closedBy: { ...decidedBy, kind: 'state', state: 'canceled' } },
      LINK,
    );
    expect(JSON.stringify(movedOn.blocks)).not.toContain('fd.step.');
    expect(blocksText(movedOn)).toContain('It no longer waits for this: the run is now');
  });
});

describe('the Home tab’s requests to decide', () => {
  it('shows each with what, for whom, where, its parameters and the buttons, within the view’s limits', () => {
    const runs = Array.from(
      { length: HOME_LIMITS.approvals + 1 },
      () => view({ state: 'awaiting_approval' }).run,
    );
    const home = homeView({
      now: t0,
      recent: [],
      waiting: [],
      toDecide: runs.map((run) => ({ run, title: 'Itential: Start a job', link: LINK })),
      schedules: [],
      operations: [],
    });
    expect(validateView(home)).toBeUndefined();
    const text = blocksText(home);
    expect(text).toContain('*Waiting for you*');
    expect(text).toContain(
      `:raised_hand: Awaiting approval · *Itential: Start a job* for <@U0001> in <#C0001> · <${LINK}|thread>`,
    );
    expect(text).toContain('Workflow: Backup &lt;!channel&gt; devices');
    expect(text).toContain('More requests wait for your approval');
    expect(JSON.stringify(home.blocks).match(/fd\.run\.approve/g)).toHaveLength(HOME_LIMITS.approvals);
    expect(text).toContain('*Your runs*');
  });
});
