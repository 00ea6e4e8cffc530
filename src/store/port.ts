/**
 * The Store port: everything Flightdeck remembers. Two implementations (embedded SQLite,
 * PostgreSQL) pass the same suite. Every method is safe when several processes share one
 * PostgreSQL: claims and first-wins updates are single conditional statements, never a
 * process-local lock.
 */
import type { Fact } from '../core/operations';
import type { Problem } from '../core/problem';
import type { RunState } from '../core/runs';

export interface RunRecord {
  id: string;
  /** One submission = one run: the view id (or trigger id) that asked for it. Unique. */
  idempotencyKey: string;
  operationId: string;
  system: string;
  channelId: string;
  requesterId: string;
  input: unknown;
  facts: Fact[];
  state: RunState;
  upstreamId: string | null;
  upstreamUrl: string | null;
  upstreamStatus: string | null;
  detail: string | null;
  progress: number | null;
  waitingFor: string | null;
  problem: Problem | null;
  memo: Record<string, unknown> | null;
  /** Failed, but the upstream may still recover it: keep polling slowly. */
  mayRecover: boolean;
  /** Number of the last transition recorded (0 = none). */
  seq: number;
  /** Number of the last transition posted to the thread. */
  notifiedSeq: number;
  /** The parent message in `channelId`, once posted. */
  parentTs: string | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** When the tracker should next look at it; null = never again. */
  nextPollAt: Date | null;
  /** Consecutive failed polls. */
  pollFailures: number;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  cancelRequestedBy: string | null;
  cancelRequestedAt: Date | null;
  /** Set just before the parent is posted: if it is set and `parentTs` is not, the post may have landed. */
  parentAttemptedAt: Date | null;
  /** The transition the parent's status line shows (0 = none yet). */
  parentSeq: number;
  /** When the parent was last posted or edited: edits are coalesced per message. */
  parentEditedAt: Date | null;
  /** Posting is retried no earlier than this (Slack refused, rate-limited or could not be reached). */
  notifyAfter: Date | null;
  /** Why this run's updates are not reaching Slack; null once they are. For the Home tab. */
  notifyProblem: NotifyProblem | null;
}

/** Slack did not take a run's update: the run keeps its state; this says why, for people to fix it. */
export interface NotifyProblem {
  /** Slack's error code (`channel_not_found`, `not_in_channel`, `is_archived`, `message_not_found`, …). */
  code: string;
  message: string;
  /** Retrying soon will not help (the channel is gone, the bot was removed). */
  permanent: boolean;
  /** Failed attempts in a row. */
  failures: number;
  since: Date;
  lastAt: Date;
}

export type NewRun = Pick<
  RunRecord,
  | 'id'
  | 'idempotencyKey'
  | 'operationId'
  | 'system'
  | 'channelId'
  | 'requesterId'
  | 'input'
  | 'facts'
  | 'state'
  | 'createdAt'
  | 'nextPollAt'
  | 'leaseOwner'
  | 'leaseUntil'
>;

/** Fields a caller may change; absent keys are left alone, `null` clears. */
export type RunPatch = Partial<
  Pick<
    RunRecord,
    | 'facts'
    | 'state'
    | 'upstreamId'
    | 'upstreamUrl'
    | 'upstreamStatus'
    | 'detail'
    | 'progress'
    | 'waitingFor'
    | 'problem'
    | 'memo'
    | 'mayRecover'
    | 'parentTs'
    | 'startedAt'
    | 'finishedAt'
    | 'nextPollAt'
    | 'pollFailures'
    | 'leaseOwner'
    | 'leaseUntil'
    | 'cancelRequestedBy'
    | 'cancelRequestedAt'
    | 'parentAttemptedAt'
    | 'parentSeq'
    | 'parentEditedAt'
    | 'notifyAfter'
    | 'notifyProblem'
  >
>;

export const TRANSITION_KINDS = [
  'started',
  'state',
  'cancel_requested',
  'contact_lost',
  'contact_restored',
  /** The run waits for approval (`detail` says by whom). */
  'approval_requested',
  /** One approver approved (`actorId`); `detail` counts the approvals. */
  'approved',
] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/** One change worth a thread reply. `(runId, seq)` is unique. */
export interface TransitionRecord {
  runId: string;
  seq: number;
  kind: TransitionKind;
  state: RunState;
  upstreamStatus: string | null;
  detail: string | null;
  progress: number | null;
  waitingFor: string | null;
  problem: Problem | null;
  /** Who caused it, when a person did (cancel). */
  actorId: string | null;
  at: Date;
  /** The thread reply's ts once Slack accepted it. */
  notifiedTs: string | null;
  /** Set just before the reply is posted: if it is set and `notifiedTs` is not, the post may have landed. */
  attemptedAt: Date | null;
}

export type NewTransition = Omit<TransitionRecord, 'runId' | 'seq' | 'notifiedTs' | 'attemptedAt'>;

export interface AuditRecord {
  id: number;
  at: Date;
  actorId: string;
  channelId: string | null;
  /** `launch`, `cancel`, … */
  action: string;
  operationId: string | null;
  runId: string | null;
  /** `allowed`, `denied`, `started`, `failed`, `duplicate`, … */
  outcome: string;
  /** The policy rule that decided, when one did. */
  rule: string | null;
  /** Parameters and context, already redacted. */
  detail: Record<string, unknown>;
}

export type NewAuditRecord = Omit<AuditRecord, 'id'>;

export interface RunFilter {
  channelId?: string;
  requesterId?: string;
  states?: RunState[];
  createdSince?: Date;
  limit: number;
}

export interface AuditFilter {
  actorId?: string;
  since?: Date;
  limit: number;
}

/** Thrown when a lease-guarded write finds that another process holds the run. */
export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`lease on run ${runId} is held by another process`);
    this.name = 'LeaseLostError';
  }
}

/** What a digest reports on, beyond its channel. */
export interface DigestFilters {
  system?: string;
  operationId?: string;
  /** Only failed and timed-out runs. */
  failuresOnly: boolean;
}

/** A channel's digest schedule. */
export interface DigestScheduleRecord {
  /** Short, typed by people: `/ops digest remove <id>`. */
  id: string;
  channelId: string;
  createdBy: string;
  /** Five-field cron expression, read in `timeZone`. */
  cron: string;
  /** How the requester wrote the schedule: `daily 09:00`, `hourly`, a cron expression. */
  label: string;
  /** IANA name. */
  timeZone: string;
  filters: DigestFilters;
  createdAt: Date;
}

/** One window of one schedule; `(scheduleId, windowEnd)` is unique, which is what makes a digest post once. */
export interface DigestWindowRecord {
  scheduleId: string;
  windowStart: Date;
  windowEnd: Date;
  /** Windows that came due while no process was running and are covered by this one. */
  skipped: number;
  claimedBy: string;
  leaseUntil: Date;
  attempts: number;
  /** Messages of this digest already posted (a long digest is several); a retry resumes after them. */
  partsPosted: number;
  /** The first message's ts once posted: the later parts go into its thread. */
  threadTs: string | null;
  postedAt: Date | null;
  failedAt: Date | null;
  /** Why the window is not posted (yet): the last failure; cleared once it is posted. */
  error: string | null;
}

export type DigestWindowKey = Pick<DigestWindowRecord, 'scheduleId' | 'windowEnd'>;
export type NewDigestWindow = Pick<
  DigestWindowRecord,
  'scheduleId' | 'windowStart' | 'windowEnd' | 'skipped' | 'claimedBy' | 'leaseUntil'
>;

/** A schedule with its latest window, for listings. */
export interface DigestScheduleOverview {
  schedule: DigestScheduleRecord;
  lastWindow: DigestWindowRecord | null;
}

export type DigestWindowOutcome =
  | { kind: 'posted'; at: Date }
  | { kind: 'failed'; at: Date; error: string }
  /** Not posted this time; try again no earlier than `at`. */
  | { kind: 'retry'; at: Date; error: string };

export interface DigestRunFilter {
  channelId: string;
  from: Date;
  to: Date;
  system?: string;
  operationId?: string;
  limit: number;
}

export interface RunDuration {
  operationId: string;
  durationMs: number;
}

/** Digest schedules, their once-per-window claims, and the reads a digest needs. */
export interface DigestStore {
  createDigestSchedule(schedule: DigestScheduleRecord): Promise<void>;
  getDigestSchedule(id: string): Promise<DigestScheduleRecord | undefined>;
  /** Oldest first. */
  listDigestSchedules(filter: { channelId?: string; createdBy?: string }): Promise<DigestScheduleOverview[]>;
  /** Removes the schedule if it belongs to `channelId`, with its windows; false when there was none. */
  removeDigestSchedule(id: string, channelId: string): Promise<boolean>;

  /** Inserts the window unless it exists: exactly one caller gets it back, every other gets undefined. */
  claimDigestWindow(window: NewDigestWindow): Promise<DigestWindowRecord | undefined>;
  /**
   * Takes over up to `limit` windows that are neither posted nor failed and whose lease ran out (a process
   * died while posting, or a retry is due), counting an attempt. Each is handed to one caller.
   */
  reclaimDigestWindows(
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<DigestWindowRecord[]>;
  /** Records that `partsPosted` messages are out and extends the lease; false when the window is no longer ours. */
  recordDigestPart(
    key: DigestWindowKey,
    owner: string,
    partsPosted: number,
    threadTs: string,
    leaseUntil: Date,
  ): Promise<boolean>;
  /** Settles (or defers) a window this caller holds; false when it is no longer ours. */
  settleDigestWindow(key: DigestWindowKey, owner: string, outcome: DigestWindowOutcome): Promise<boolean>;

  /** Runs of the channel created or finished in [from, to), and those created before `to` that are unfinished; newest first. */
  listDigestRuns(filter: DigestRunFilter): Promise<RunRecord[]>;
  /** How long succeeded runs of these operations took, for those that finished in [since, until). */
  runDurations(filter: {
    operationIds: string[];
    since: Date;
    until: Date;
    limit: number;
  }): Promise<RunDuration[]>;
}

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
   * Exactly one concurrent caller gets the run back; every other gets undefined.
   */
  settleApproval(
    runId: string,
    outcome: { outcome: ApprovalOutcome; by: string | null; at: Date },
    patch: RunPatch,
  ): Promise<RunRecord | undefined>;
}

export interface Store extends DigestStore, ApprovalStore {
  /** Applies pending numbered migrations. Safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Cheap round trip, for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Inserts unless a run with the same idempotency key exists; then returns that one with `created: false`. */
  createRun(run: NewRun): Promise<{ created: boolean; run: RunRecord }>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Updates a run this process holds the lease on (`owner`); throws LeaseLostError otherwise. */
  updateRun(id: string, owner: string, patch: RunPatch): Promise<RunRecord>;
  /** Records a transition and applies `patch` in one transaction; seq = previous seq + 1. Lease-guarded like updateRun. */
  appendTransition(
    id: string,
    owner: string,
    patch: RunPatch,
    transition: NewTransition,
  ): Promise<{ run: RunRecord; transition: TransitionRecord }>;
  /** Transitions not yet posted (seq > notifiedSeq), oldest first. */
  pendingTransitions(id: string): Promise<TransitionRecord[]>;
  /**
   * Records (or, with null, forgets) that transition `seq` is about to be posted. Lease-guarded like
   * updateRun, so a process that lost the run cannot post its replies.
   */
  markAttempted(id: string, owner: string, seq: number, at: Date | null): Promise<void>;
  /** Stores the reply ts and raises notifiedSeq to `seq` (never lowers it). */
  markNotified(id: string, seq: number, ts: string): Promise<void>;
  /** Sets the parent ts unless one is already set; returns the ts that is stored. */
  setParentTs(id: string, ts: string): Promise<string>;

  /**
   * Leases up to `limit` runs that are due (nextPollAt <= now) and that nobody holds (leaseUntil null or
   * < now). Each run is leased to at most one caller. Unposted transitions do not make a run due by
   * themselves: whoever records one leaves nextPollAt due, so a failed post is retried on its schedule.
   */
  claimDue(owner: string, now: Date, leaseUntil: Date, limit: number): Promise<RunRecord[]>;
  /** Takes the lease on one run if free (or already ours); undefined when another process holds it. */
  claim(id: string, owner: string, now: Date, leaseUntil: Date): Promise<RunRecord | undefined>;
  /** Gives the lease back, applying `patch`. No-op if the lease is no longer ours. */
  release(id: string, owner: string, patch: RunPatch): Promise<void>;

  /** First caller wins: true when this call recorded the request, false when one was already recorded or the run is final. */
  requestCancel(id: string, userId: string, at: Date): Promise<boolean>;

  listRuns(filter: RunFilter): Promise<RunRecord[]>;

  appendAudit(record: NewAuditRecord): Promise<void>;
  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;
}
