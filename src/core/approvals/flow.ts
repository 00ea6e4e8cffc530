import type { ApprovalOutcome, ApprovalRequestRecord, ApprovalStatus } from './approval-store';
import type { NewTransition, RunPatch, RunRecord } from '../runs/run-store';
import type { ApprovalView } from './board';
import { runAudit } from '../audit/run-audit';
import { deliver, deliveryDueAt, earliest } from '../runs/delivery';
import { leaseOf } from '../runs/lease';
import type { EngineDeps } from '../runs/engine-deps';
import type { ApprovalNeed } from '../policy/policy';
import type { TransitionPayload } from './transition-payload';
import type { Problem } from '../operations/problem';

/**
 * The parts of an approval that several paths share: opening a request (the launcher), recording a
 * decision once, and expiring (the tracker). Slack is reached through the notifier (the run's thread) and
 * the optional approval board (an approval channel, the requester).
 */

export const EXPIRED: Problem = {
  title: 'Approval expired',
  message: 'Nobody approved it in time, so it was not started.',
  hint: 'Start it again if it is still needed.',
};

/** The approval need as recorded with the request, for when the policy no longer names one. */
export function recordedNeed(request: ApprovalRequestRecord): ApprovalNeed {
  return {
    rule: request.rule,
    approvers: request.approvers,
    approvals: request.required,
    expiresAfterMs: request.expiresAt.getTime() - request.createdAt.getTime(),
    channelId: request.channelId,
  };
}

/** What the thread says when a run starts waiting: by whom, until when, and where the request is. */
function requestPayload(run: RunRecord, need: ApprovalNeed, expiresAt: Date): TransitionPayload {
  return {
    kind: 'approval_requested',
    approvers: need.approvers,
    approvals: need.approvals,
    expiresAt,
    requestChannelId: need.channelId && need.channelId !== run.channelId ? need.channelId : null,
  };
}

export function approvalView(
  deps: Pick<EngineDeps, 'registry'>,
  run: RunRecord,
  status: ApprovalStatus,
): ApprovalView {
  return {
    run,
    status,
    systemName: deps.registry.systemName(run.system),
    operationTitle: deps.registry.operationInfo(run.operationId)?.title ?? run.operationId,
  };
}

/** Slack beyond the thread is best effort: the thread and the store hold the truth. */
async function onBoard(
  deps: EngineDeps,
  run: RunRecord,
  what: 'postRequest' | 'updateRequest' | 'tellRequester',
): Promise<void> {
  const board = deps.approvalBoard;
  if (!board) return;
  try {
    const status = await deps.store.getApproval(run.id);
    if (!status) return;
    const view = approvalView(deps, run, status);
    if (what === 'postRequest') {
      if (status.request.channelId === run.channelId || status.request.messageTs) return;
      await deps.store.setApprovalMessage(run.id, await board.postRequest(view));
    } else if (what === 'updateRequest') {
      if (status.request.messageTs) await board.updateRequest(view);
    } else {
      await board.tellRequester(view);
    }
  } catch (err) {
    deps.log.warn(
      { runId: run.id, what, err: err instanceof Error ? err.message : String(err) },
      'approval board',
    );
  }
}

/** When the tracker should look at the run again: for its next post, or at the latest when it expires. */
function nextLook(deps: EngineDeps, run: RunRecord, expiresAt: Date | null): Date | null {
  return earliest(run.state === 'awaiting_approval' ? expiresAt : null, deliveryDueAt(deps, run));
}

/**
 * A run just created in awaiting_approval, leased to this process: records the request, says in the thread
 * who must approve by when, hands the run to the tracker, and posts the request in the approval channel.
 */
export async function openApprovalRequest(
  deps: EngineDeps,
  run: RunRecord,
  need: ApprovalNeed,
  fingerprint: string | undefined,
): Promise<RunRecord> {
  // Under the run's mutex: an Approve clicked while the request is still being posted waits for it.
  const current = await deps.mutex.run(run.id, async () => {
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + need.expiresAfterMs);
    await deps.store.createApprovalRequest({
      runId: run.id,
      rule: need.rule,
      approvers: need.approvers,
      required: need.approvals,
      channelId: need.channelId ?? run.channelId,
      fingerprint: fingerprint ?? null,
      createdAt: now,
      expiresAt,
    });
    const { run: recorded } = await deps.store.appendTransition(
      run.id,
      leaseOf(deps, run),
      { waitingFor: 'approval', detail: `0 of ${need.approvals} approvals` },
      transition('approval_requested', 'awaiting_approval', null, requestPayload(run, need, expiresAt), now),
    );
    let posted = recorded;
    try {
      posted = await deliver(deps, recorded);
    } finally {
      await deps.store.release(run.id, leaseOf(deps, run), {
        nextPollAt: nextLook(deps, posted, expiresAt) ?? expiresAt,
      });
    }
    return posted;
  });
  await onBoard(deps, current, 'postRequest');
  return current;
}

export function transition(
  kind: NewTransition['kind'],
  state: NewTransition['state'],
  actorId: string | null,
  payload: TransitionPayload | null,
  at: Date,
  problem: Problem | null = null,
): NewTransition {
  return {
    kind,
    state,
    upstreamStatus: null,
    detail: null,
    payload,
    progress: null,
    waitingFor: null,
    problem,
    actorId,
    at,
  };
}

/**
 * Moves the run out of awaiting_approval once (whoever else tries gets undefined) and records it in the
 * thread. The winner holds the run's lease afterwards (taken over from whoever had it).
 */
export async function settle(
  deps: EngineDeps,
  runId: string,
  decision: { outcome: ApprovalOutcome; by: string | null },
  patch: RunPatch,
  reply: NewTransition,
): Promise<RunRecord | undefined> {
  const now = deps.clock.now();
  const settled = await deps.store.settleApproval(
    runId,
    { ...decision, at: now },
    { ...patch, leaseOwner: deps.owner, leaseUntil: new Date(now.getTime() + deps.settings.startLeaseMs) },
  );
  if (!settled) return undefined;
  const { run } = await deps.store.appendTransition(runId, leaseOf(deps, settled), {}, reply);
  return run;
}

/**
 * A rejected (or expired) run: the approval channel and the requester hear it first (they do not wait for
 * the thread's turn), then it is posted and given back to the tracker.
 */
export async function closeRejected(deps: EngineDeps, run: RunRecord): Promise<RunRecord> {
  await onBoard(deps, run, 'updateRequest');
  await onBoard(deps, run, 'tellRequester');
  let current = run;
  try {
    current = await deliver(deps, run);
  } finally {
    await deps.store.release(run.id, leaseOf(deps, run), { nextPollAt: nextLook(deps, current, null) });
  }
  return current;
}

/** An approved run is about to start: the approval channel and the requester hear it now. */
export async function announceApproved(deps: EngineDeps, run: RunRecord): Promise<void> {
  await onBoard(deps, run, 'updateRequest');
  await onBoard(deps, run, 'tellRequester');
}

export const rejectedPatch = (at: Date, problem: Problem | null): RunPatch => ({
  state: 'rejected',
  finishedAt: at,
  problem,
  waitingFor: null,
  detail: null,
  nextPollAt: null,
});

/**
 * The tracker's turn on a run that awaits approval (it holds the lease): expire it once its time is up,
 * otherwise post what is pending. Returns the patch to release the run with.
 */
export async function awaitApproval(deps: EngineDeps, run: RunRecord): Promise<RunPatch> {
  const status = await deps.store.getApproval(run.id);
  const now = deps.clock.now();
  const expiresAt = status?.request.expiresAt ?? now;
  if (expiresAt > now) {
    const current = await deliver(deps, run);
    return { nextPollAt: nextLook(deps, current, expiresAt) };
  }
  const expired = await settle(
    deps,
    run.id,
    { outcome: 'expired', by: null },
    rejectedPatch(now, EXPIRED),
    transition('state', 'rejected', null, null, now, EXPIRED),
  );
  if (!expired) return {};
  await deps.audit.append(
    runAudit(expired, {
      at: now,
      actorId: null,
      action: 'expire',
      outcome: 'rejected',
      rule: status?.request.rule,
    }),
  );
  const closed = await closeRejected(deps, expired);
  // closeRejected released the run; the tracker's own release is then a no-op.
  return { nextPollAt: closed.nextPollAt };
}
