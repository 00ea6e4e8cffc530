import type { RunRecord, TransitionRecord } from '../store/port';
import type { OperationInfo } from './operations';

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

/** The port through which runs reach people. Slack implements it. */
export interface Notifier {
  /** Posts the run's parent message in its channel; returns the message ts. */
  postParent(view: RunView): Promise<string>;
  /** Posts one transition as a reply in the run's thread; returns the reply's ts. */
  postTransition(view: RunView, transition: TransitionRecord): Promise<string>;
  /** Edits the parent message to show the run's current state. */
  updateParent(view: RunView): Promise<void>;
}

/** A notification that failed; `permanent` ones (channel gone, bot removed) are not retried soon. */
export class NotifyError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'NotifyError';
  }
}
