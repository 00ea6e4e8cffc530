import { offeredSteps } from '../approvals/transition-payload';
import type { Policy } from '../policy/policy';
import type { DeliveryDeps } from '../runs/delivery';
import type { RunRecord, TransitionRecord } from '../runs/run-store';
import type { DirectReason } from './direct-message-store';

const ENDED = new Set(['succeeded', 'failed', 'timed_out', 'canceled', 'rejected']);

/**
 * What the requester is told about a transition of their run: that it ended (succeeded, failed, timed out,
 * or was canceled or rejected by someone or something else: a rejection by an approver, an expiry), or that
 * it waits for a person. Nothing about what they did themselves (withdrawing, canceling) or about progress.
 */
export function requesterReason(run: RunRecord, transition: TransitionRecord): DirectReason | undefined {
  if (transition.kind !== 'state') return undefined;
  if (ENDED.has(transition.state)) return transition.actorId === run.requesterId ? undefined : 'finished';
  return transition.state === 'waiting' ? 'needs_you' : undefined;
}

/** The transition opens an approval request: each approver is asked. */
export function opensRequest(transition: TransitionRecord): boolean {
  return transition.kind === 'approval_requested';
}

/** The transition changes how an approval request stands (an approval counted, a decision, an expiry). */
export function movesRequest(transition: TransitionRecord): boolean {
  return transition.kind === 'approved' || (transition.kind === 'state' && transition.state === 'rejected');
}

/**
 * The transition ends the wait on the steps offered before it: a decision from Flightdeck the upstream
 * took, or the run observed anew (it moved on, or offers its steps afresh) or no longer waiting.
 */
export function closesSteps(transition: TransitionRecord): boolean {
  if (transition.kind === 'step_decided') return transition.problem === null;
  return transition.kind === 'state' || transition.state !== 'waiting';
}

/**
 * What a step request about `opened` shows as having closed it, of `transitions` up to `closedSeq`: the
 * decision on one of its steps from Flightdeck when there is one (even one recorded after the run was seen
 * moving on, which it caused), else the first transition that ended the wait (not a decision on another step).
 */
export function stepCloser(
  opened: TransitionRecord,
  transitions: ReadonlyMap<number, TransitionRecord>,
  closedSeq: number,
): TransitionRecord | undefined {
  const ids = new Set(offeredSteps(opened.payload).steps.map((step) => step.id));
  const closing = [...transitions.values()]
    .filter((t) => t.seq > opened.seq && t.seq <= closedSeq && closesSteps(t))
    .sort((a, b) => a.seq - b.seq);
  const decidedHere = (t: TransitionRecord) =>
    t.payload?.kind === 'step_decision' ? ids.has(t.payload.stepId) : undefined;
  return (
    closing.find((t) => decidedHere(t) === true) ??
    closing.find((t) => decidedHere(t) === undefined) ??
    transitions.get(closedSeq)
  );
}

/**
 * The most people asked directly about a step. A rule that lets more decide names an audience (a department,
 * a large group), not the people who are on it: they get the thread's buttons, as when anyone may decide,
 * rather than a burst of messages to a crowd or to an arbitrary few of it.
 */
export const MAX_STEP_DECIDERS_ASKED = 25;

/**
 * The people to ask about the steps a transition offers: those Flightdeck's policy lets decide them (the
 * step operation, in the run's channel, as a click would be decided). Nobody when the policy lets anyone or
 * more than MAX_STEP_DECIDERS_ASKED: a workspace is not a list of people to message, and the thread offers
 * the buttons to all.
 */
export async function stepDeciders(
  deps: Pick<DeliveryDeps, 'registry' | 'log'> & { policy: Policy },
  run: RunRecord,
  transition: TransitionRecord,
): Promise<string[]> {
  const operationId = deps.registry.operation(run.operationId)?.steps?.operationId;
  if (!operationId || offeredSteps(transition.payload).steps.length === 0) return [];
  const deciders = await deps.policy.deciders(run.channelId, operationId, run.input);
  if (deciders.anyone) {
    deps.log.info(
      { runId: run.id, operationId },
      'anyone may decide this step: nobody is asked directly, the thread offers it',
    );
    return [];
  }
  if (deciders.userIds.length <= MAX_STEP_DECIDERS_ASKED) return deciders.userIds;
  deps.log.info(
    { runId: run.id, operationId, deciders: deciders.userIds.length, asked: MAX_STEP_DECIDERS_ASKED },
    'more people may decide this step than are asked directly: nobody is, the thread offers it',
  );
  return [];
}
