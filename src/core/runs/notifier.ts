import type { RunRecord, TransitionKind, TransitionRecord } from './run-store';
import type { BudgetPriority } from './budget-store';
import { isFinal } from './lifecycle';
import type { OperationInfo } from '../operations/contract';
import type { FinishedRunAction } from './run-actions';

/** A run with what a person needs to read it. */
export interface RunView {
  run: RunRecord;
  operation: OperationInfo;
  systemName: string;
  /** Whether the run's operation can be canceled upstream. */
  cancellable: boolean;
  /** Whether a finished run can be undone (its operation computes a revert input). */
  revertible: boolean;
  /** What a finished run offers (re-run, retry a failed step); empty while it is under way. */
  finishedActions: FinishedRunAction[];
}

/**
 * The port through which runs reach people. Slack implements it.
 *
 * Posts are recoverable: the engine records an attempt before each post. When a post's attempt is already
 * set (`run.parentAttemptedAt`, `transition.attemptedAt`), an earlier attempt may have landed just before
 * a crash; the notifier must then return that message's ts if it finds it, rather than post it again.
 */
export interface Notifier {
  /** Posts the run's parent message in its channel; returns the message ts. */
  postParent(view: RunView): Promise<string>;
  /** Posts one transition as a reply in the run's thread; returns the reply's ts. */
  postTransition(view: RunView, transition: TransitionRecord): Promise<string>;
  /** Edits the parent message to show the run's current state. */
  updateParent(view: RunView): Promise<void>;
}

/** The code of a NotifyError for a call held back because the budget had no turn for it soon enough. */
export const PACED = 'paced';

/** Transitions people wait for as much as for the end: a decision to make, a problem to look at. */
const URGENT_KINDS: ReadonlySet<TransitionKind> = new Set([
  'approval_requested',
  'approved',
  'cancel_requested',
  'contact_lost',
]);

/**
 * What goes first when Slack's budget is short: anything about a run that is over, waits for a person or
 * has a problem (with every reply still queued before it in its thread, which must go first) is urgent;
 * progress is routine.
 */
export function urgency(run: RunRecord, transition?: TransitionRecord): BudgetPriority {
  const urgent =
    isFinal(run.state) ||
    run.state === 'awaiting_approval' ||
    run.problem !== null ||
    (transition !== undefined && (URGENT_KINDS.has(transition.kind) || transition.problem !== null));
  return urgent ? 'urgent' : 'routine';
}
