import type { Lease, TransitionRecord } from '../runs/run-store';

/**
 * Why a person is told directly: their run ended (`finished`, whatever the outcome), it waits for them
 * (`needs_you`), they may decide an approval request (`approval_request`, with its buttons), or an
 * upstream human step the run waits on (`step_request`, with the thread's buttons).
 */
export type DirectReason = 'finished' | 'needs_you' | 'approval_request' | 'step_request';

export interface DirectMessageKey {
  runId: string;
  /** The transition the message is about. */
  seq: number;
  userId: string;
}

export interface NewDirectMessage extends DirectMessageKey {
  reason: DirectReason;
}

/**
 * One direct message, recorded before it is sent (an outbox, like the run's transitions): `pending` until
 * Slack takes it, then `posted`; `skipped` when it no longer needs sending (a request decided before its
 * message went out).
 */
export interface DirectMessageRecord extends NewDirectMessage {
  status: 'pending' | 'posted' | 'skipped';
  /** The person's direct message channel, once opened. */
  channelId: string | null;
  ts: string | null;
  /** Set just before the post: if set while `ts` is not, the post may have landed. */
  attemptedAt: Date | null;
  /** The transition the message shows now (a posted request shows its decision after an edit). */
  shownSeq: number;
  /** The transition it must be edited to show; an edit is due while it is above `shownSeq`. */
  updateSeq: number;
}

/** The direct messages' outbox, and each person's choice about receiving them. */
export interface DirectMessageStore {
  /** Records the messages, once: a message already recorded for its (run, transition, person) is kept. */
  planDirectMessages(messages: NewDirectMessage[]): Promise<void>;
  /** The run's messages for `reason` are to show transition `seq` (never lowered). */
  refreshDirectMessages(runId: string, reason: DirectReason, seq: number): Promise<void>;
  /**
   * The run's messages for `reason` about transitions before `seq` are to show that `seq` closed them (a
   * step decided, the run moved on): those never closed, or with `again` those closed before it too (a
   * decision that comes after the run was seen moving on).
   */
  closeDirectMessages(runId: string, reason: DirectReason, seq: number, again?: boolean): Promise<void>;
  /** The run's messages still to post, or posted and due for an edit, oldest first. */
  outstandingDirectMessages(runId: string): Promise<DirectMessageRecord[]>;
  /**
   * Records (or, with null, forgets) that the message is about to be posted. Guarded by the
   * run's lease like the thread's posts: throws LeaseLostError when `lease` no longer holds the run.
   */
  markDirectAttempted(key: DirectMessageKey, lease: Lease, at: Date | null): Promise<void>;
  /** Slack took it: where, and which transition it shows. */
  markDirectPosted(key: DirectMessageKey, channelId: string, ts: string, shownSeq: number): Promise<void>;
  markDirectShown(key: DirectMessageKey, seq: number): Promise<void>;
  skipDirectMessage(key: DirectMessageKey): Promise<void>;
  /** The run's transitions after `seq`, oldest first. */
  transitionsAfter(runId: string, seq: number): Promise<TransitionRecord[]>;
  /** Those of `userIds` who turned direct messages off. */
  directMessagesOff(userIds: string[]): Promise<Set<string>>;
  /** Turns direct messages on or off for `userId`. */
  setDirectMessages(userId: string, enabled: boolean, at: Date): Promise<void>;
}
