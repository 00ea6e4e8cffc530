import { approvalView, recordedNeed } from '../approvals/flow';
import { offeredSteps } from '../approvals/transition-payload';
import type { ApprovalStatus } from '../approvals/approval-store';
import { attempt, holdForPost, runView, type DeliveryDeps } from '../runs/delivery';
import { leaseOf } from '../runs/lease';
import type { RunRecord, TransitionRecord } from '../runs/run-store';
import type { DirectMessageRecord, NewDirectMessage } from './direct-message-store';
import type { DirectMessage, DirectMessenger } from './direct-messenger';
import {
  closesSteps,
  movesRequest,
  opensRequest,
  requesterReason,
  stepCloser,
  stepDeciders,
} from './recipients';
import { NotifyError } from '../errors';

type Deps = DeliveryDeps;

/** Transitions posted to the thread whose direct messages are not all delivered yet. */
export function directOutstanding(run: RunRecord): boolean {
  return run.dmSeq < run.notifiedSeq;
}

/**
 * Tells people directly about the run's transitions once the thread has them (so a message can link to
 * its reply): the requester when the run ends or waits for them, each approver when a request opens, each
 * person who may decide an upstream human step the run waits on; and edits the requests and steps as they
 * are decided (or, for a step, as the run moves on). Like the thread's replies, every message is recorded
 * before it is sent (planning is idempotent, so a crash tells nobody twice) and marked attempted before
 * it goes out (so a restart looks for it first). A NotifyError leaves `dmSeq` behind for the next try.
 * The caller holds the run's lease.
 */
export async function deliverDirect(deps: Deps, run: RunRecord): Promise<RunRecord> {
  if (!directOutstanding(run)) return run;
  const upTo = run.notifiedSeq;
  if (!deps.directMessenger && !deps.homeRefresher)
    return deps.store.updateRun(run.id, leaseOf(deps, run), { dmSeq: upTo });
  const transitions = (await deps.store.transitionsAfter(run.id, run.dmSeq)).filter((t) => t.seq <= upTo);
  const status = transitions.some((t) => opensRequest(t) || movesRequest(t))
    ? await deps.store.getApproval(run.id)
    : undefined;
  let planned = false;
  for (const transition of transitions) planned = (await plan(deps, run, transition, status)) || planned;
  // Most transitions (progress) tell nobody: then there is nothing to look for in the outbox either, since
  // whatever an earlier, interrupted pass recorded for these transitions is planned again above.
  if (planned) await sendOutstanding(deps, run);
  return deps.store.updateRun(run.id, leaseOf(deps, run), { dmSeq: upTo });
}

/** Records who is told about one transition, and whose Home tab changes; true when anyone may be told. */
async function plan(
  deps: Deps,
  run: RunRecord,
  transition: TransitionRecord,
  status: ApprovalStatus | undefined,
): Promise<boolean> {
  const approvers =
    deps.policy && status && (opensRequest(transition) || movesRequest(transition))
      ? (await deps.policy.approverIds(recordedNeed(status.request))).filter((id) => id !== run.requesterId)
      : [];
  await deps.homeRefresher?.changed([run.requesterId, ...approvers]);
  if (!deps.directMessenger) return false;
  const deciders =
    deps.policy && offeredSteps(transition.payload).steps.length > 0
      ? await stepDeciders({ ...deps, policy: deps.policy }, run, transition)
      : [];
  const wanted: NewDirectMessage[] = [];
  const reason = requesterReason(run, transition);
  // A requester who may decide the step gets it with its buttons instead of hearing that it waits.
  if (reason && !deciders.includes(run.requesterId))
    wanted.push({ runId: run.id, seq: transition.seq, userId: run.requesterId, reason });
  if (opensRequest(transition))
    for (const userId of approvers)
      wanted.push({ runId: run.id, seq: transition.seq, userId, reason: 'approval_request' });
  for (const userId of deciders)
    wanted.push({ runId: run.id, seq: transition.seq, userId, reason: 'step_request' });
  const off = await deps.store.directMessagesOff(wanted.map((m) => m.userId));
  await deps.store.planDirectMessages(wanted.filter((m) => !off.has(m.userId)));
  if (movesRequest(transition))
    await deps.store.refreshDirectMessages(run.id, 'approval_request', transition.seq);
  // Whether this closes anything is not known here, and not worth a second query: the outbox says.
  if (closesSteps(transition))
    await deps.store.closeDirectMessages(
      run.id,
      'step_request',
      transition.seq,
      transition.kind === 'step_decided',
    );
  return wanted.length > 0 || movesRequest(transition) || closesSteps(transition);
}

async function sendOutstanding(deps: Deps, run: RunRecord): Promise<void> {
  const messenger = deps.directMessenger;
  const outstanding = await deps.store.outstandingDirectMessages(run.id);
  if (!messenger || outstanding.length === 0) return;
  const first = Math.min(...outstanding.map((m) => m.seq));
  const transitions = new Map(
    (await deps.store.transitionsAfter(run.id, first - 1)).map((t) => [t.seq, t] as const),
  );
  const status = outstanding.some((m) => m.reason === 'approval_request')
    ? await deps.store.getApproval(run.id)
    : undefined;
  let current = run;
  for (const record of outstanding) {
    const transition = transitions.get(record.seq);
    if (!transition) continue;
    const closedBy =
      record.reason === 'step_request' && record.updateSeq > record.seq
        ? stepCloser(transition, transitions, record.updateSeq)
        : undefined;
    const message: DirectMessage = {
      key: { runId: record.runId, seq: record.seq, userId: record.userId },
      reason: record.reason,
      view: runView(deps, current),
      transition,
      ...(record.reason === 'approval_request' && status
        ? { approval: approvalView(deps, current, status) }
        : {}),
      ...(closedBy ? { closedBy } : {}),
    };
    current = await holdForPost(deps, current);
    try {
      await sendOne(deps, messenger, record, message, status);
    } catch (err) {
      // Slack refusing one person's message (account deactivated, a DM deleted) must not hold up the run's
      // other messages and thread: that message is given up. Rate limits and timeouts are retried.
      if (!(err instanceof NotifyError) || !err.unsent || err.retryAfterMs !== undefined) throw err;
      deps.log.warn(
        { runId: run.id, user: record.userId, code: err.slackCode },
        'Slack refused a direct message; it is not sent',
      );
      await deps.store.skipDirectMessage(message.key);
    }
  }
}

async function sendOne(
  deps: Deps,
  messenger: DirectMessenger,
  record: DirectMessageRecord,
  message: DirectMessage,
  status: ApprovalStatus | undefined,
): Promise<void> {
  if (record.status === 'posted' && record.channelId && record.ts) {
    await messenger.update(message, { channelId: record.channelId, ts: record.ts });
    await deps.store.markDirectShown(message.key, record.updateSeq);
    return;
  }
  // A request decided (a step no longer waited on) before its message went out is not worth a message any more.
  const over =
    record.reason === 'approval_request' ? status?.request.outcome : message.closedBy !== undefined;
  if (over && record.attemptedAt === null) {
    await deps.store.skipDirectMessage(message.key);
    return;
  }
  const posted = await attempt(
    (at) => deps.store.markDirectAttempted(message.key, leaseOf(deps, message.view.run), at),
    record.attemptedAt !== null,
    () => messenger.post(message, record.attemptedAt),
    deps.clock.now(),
  );
  await deps.store.markDirectPosted(
    message.key,
    posted.channelId,
    posted.ts,
    Math.max(record.seq, record.updateSeq),
  );
}
