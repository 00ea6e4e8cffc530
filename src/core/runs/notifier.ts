import type { RunRecord, TransitionRecord } from './run-store';
import type { OperationInfo } from '../operations/contract';

/** A run with what a person needs to read it. */
export interface RunView {
  run: RunRecord;
  operation: OperationInfo;
  systemName: string;
  /** Whether the run's operation can be canceled upstream. */
  cancellable: boolean;
  /** Whether a finished run can be undone (its operation computes a revert input). */
  revertible: boolean;
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

/**
 * A notification that failed; `permanent` ones (channel gone, bot removed) are not retried soon. `unsent`:
 * it certainly did not reach people (refused, rate-limited, or held back before sending), so a retry need
 * not look for it first.
 */
export class NotifyError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
    readonly unsent = false,
  ) {
    super(message);
    this.name = 'NotifyError';
  }
}
