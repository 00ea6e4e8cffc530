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
