import type { RunRecord, RunPatch } from '../runs/run-store';

/** A run waiting for approval: who may approve, how many, until when, and how it ended. One per run. */
export interface ApprovalRequestRecord {
  runId: string;
  /** The require-approval rule that asked for it. */
  rule: string;
  approvers: { users: string[]; groups: string[] };
  /** Distinct approvers needed. */
  required: number;
  /** Where the request with its buttons is: the rule's approval channel, or the run's channel. */
  channelId: string;
  /** The request message in an approval channel (absent when the run's own message carries the buttons). */
  messageTs: string | null;
  /** The preview fingerprint the requester confirmed, checked again when the run starts. */
  fingerprint: string | null;
  createdAt: Date;
  expiresAt: Date;
  outcome: ApprovalOutcome | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

export type ApprovalOutcome = 'approved' | 'rejected' | 'expired';

export type NewApprovalRequest = Omit<
  ApprovalRequestRecord,
  'messageTs' | 'outcome' | 'decidedBy' | 'decidedAt'
>;

/** One person's answer; `(runId, approverId)` is unique, so a second click by the same person counts once. */
export interface ApprovalVoteRecord {
  runId: string;
  approverId: string;
  vote: 'approve' | 'reject';
  at: Date;
}

export interface ApprovalStatus {
  request: ApprovalRequestRecord;
  /** Oldest first. */
  votes: ApprovalVoteRecord[];
}

/** Pending approvals, votes and the one decision per run. */
export interface ApprovalStore {
  /** Records the request unless the run already has one. */
  createApprovalRequest(request: NewApprovalRequest): Promise<void>;
  getApproval(runId: string): Promise<ApprovalStatus | undefined>;
  setApprovalMessage(runId: string, ts: string): Promise<void>;
  /** Records a vote unless this person already voted on the run; returns whether it did and the approvals so far. */
  castVote(vote: ApprovalVoteRecord): Promise<{ recorded: boolean; approvals: number }>;
  /**
   * Moves the run out of awaiting_approval, once: a single conditional UPDATE applies `patch` (the new state,
   * the caller's lease) only while the run still awaits approval, and records the outcome on the request.
   * Taking the lease is a claim: it raises the run's lease token. Exactly one concurrent caller gets the run
   * back; every other gets undefined.
   */
  settleApproval(
    runId: string,
    outcome: { outcome: ApprovalOutcome; by: string | null; at: Date },
    patch: RunPatch,
  ): Promise<RunRecord | undefined>;
}
