import type { ApprovalView } from '../approvals/board';
import type { RunView } from '../runs/notifier';
import type { TransitionRecord } from '../runs/run-store';
import type { DirectMessageKey, DirectReason } from './direct-message-store';

/** What one person is told, as data: the surface words it. */
export interface DirectMessage {
  key: DirectMessageKey;
  reason: DirectReason;
  view: RunView;
  /** The transition it is about. */
  transition: TransitionRecord;
  /** An approval request as it stands now (its decision, once made). */
  approval?: ApprovalView;
  /** A step request's steps no longer wait: the transition that closed them (a decision, the run moving on). */
  closedBy?: TransitionRecord;
}

export interface PostedDirectMessage {
  channelId: string;
  ts: string;
}

/**
 * The port through which people are told directly (Slack implements it with an IM). Posts are recoverable
 * like thread replies: with `attemptedAt`, an earlier post (from then) may have landed before a crash, and
 * the messenger returns it if it finds it rather than posting again. Failures are NotifyErrors, as from
 * the Notifier.
 */
export interface DirectMessenger {
  post(message: DirectMessage, attemptedAt: Date | null): Promise<PostedDirectMessage>;
  /** Edits a posted message to show `message` as it is now (a request's decision replaces its buttons). */
  update(message: DirectMessage, posted: PostedDirectMessage): Promise<void>;
}

/**
 * Where people look for what waits on them (Slack: the App Home tab). Told which people's view changed; the
 * implementation paces and coalesces, and shows what is true when it gets to it. Opening the Home tab always
 * shows it fresh.
 */
export interface HomeRefresher {
  /** Resolves once the change is recorded where a restart finds it; the view itself is shown later. */
  changed(userIds: string[]): Promise<void>;
}
