import type { Fact, RetryStep } from '../operations/contract';
import type { Problem } from '../operations/problem';
import type { RunState } from './lifecycle';
import type { TransitionPayload } from '../approvals/transition-payload';

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
  /** The failed step people may retry from the thread while the run may recover; null otherwise. */
  retryStep: RetryStep | null;
  /** The run this one re-runs (started from its Re-run button); null for a fresh start. */
  rerunOf: string | null;
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
  /** The fencing token of the latest claim: every claim raises it (0 = never claimed). */
  leaseToken: number;
  cancelRequestedBy: string | null;
  cancelRequestedAt: Date | null;
  /** Set just before the parent is posted: if it is set and `parentTs` is not, the post may have landed. */
  parentAttemptedAt: Date | null;
  /** The transition the parent's status line shows (0 = none yet). */
  parentSeq: number;
  /**
   * When the parent was last posted or edited: edits are coalesced per message. When Slack's edit budget had
   * no turn, set so that the next edit falls due when the turn comes.
   */
  parentEditedAt: Date | null;
  /** Posting is retried no earlier than this (Slack refused, rate-limited or could not be reached). */
  notifyAfter: Date | null;
  /** Why this run's updates are not reaching Slack; null once they are. For the Home tab. */
  notifyProblem: NotifyProblem | null;
  /** The last transition whose direct messages (core/direct) are delivered. */
  dmSeq: number;
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
> &
  Partial<Pick<RunRecord, 'rerunOf'>>;

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
    | 'retryStep'
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
    | 'dmSeq'
  >
>;

export const TRANSITION_KINDS = [
  'started',
  'state',
  'cancel_requested',
  'contact_lost',
  'contact_restored',
  /** The run waits for approval (`payload` says by whom, until when). */
  'approval_requested',
  /** One approver approved (`actorId`); `payload` counts the approvals. */
  'approved',
  /** Someone (`actorId`) re-ran this run as the run whose id is in `detail`. */
  'rerun',
  /** Someone (`actorId`) had the upstream retry the failed step `detail`; the run is followed again. */
  'retried',
  /** Someone decided a human step upstream from Flightdeck (`actorId`; `payload` says which and how). */
  'step_decided',
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
  /**
   * What an approval transition says, as data. Transitions recorded before it existed (and every other
   * kind) have none; an old approval transition has Flightdeck's own words in `detail` instead.
   */
  payload: TransitionPayload | null;
  /** Who caused it, when a person did (cancel). */
  actorId: string | null;
  at: Date;
  /** The thread reply's ts once Slack accepted it. */
  notifiedTs: string | null;
  /** Set just before the reply is posted: if it is set and `notifiedTs` is not, the post may have landed. */
  attemptedAt: Date | null;
}

export type NewTransition = Omit<
  TransitionRecord,
  'runId' | 'seq' | 'notifiedTs' | 'attemptedAt' | 'payload'
> & {
  /** Approval and human-step transitions carry one. */
  payload?: TransitionPayload | null;
};

/** The state fields of a transition that changes no state (a cancel request, a step decision): the run's own. */
export function unchangedState(
  run: RunRecord,
): Pick<NewTransition, 'state' | 'upstreamStatus' | 'detail' | 'progress' | 'waitingFor'> {
  const { state, upstreamStatus, detail, progress, waitingFor } = run;
  return { state, upstreamStatus, detail, progress, waitingFor };
}

export interface RunFilter {
  channelId?: string;
  requesterId?: string;
  states?: RunState[];
  createdSince?: Date;
  limit: number;
}

/**
 * What a lease-guarded write is made under: the process's name and the token of the claim it works from.
 * The name alone cannot tell two claims of one process apart: a task that stalled past its lease while the
 * run was claimed again (by another task of the process, or by it after another process let go) still
 * matches it, and would write from its stale read. Every claim raises the run's token, so that task's token
 * no longer does.
 */
export interface Lease {
  owner: string;
  token: number;
}

/** Thrown when a lease-guarded write finds that another process, or another claim, holds the run. */
export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`lease on run ${runId} is held by another process`);
    this.name = 'LeaseLostError';
  }
}

/** Runs, their transitions and leases. */
export interface RunStore {
  /** Inserts unless a run with the same idempotency key exists; then returns that one with `created: false`. */
  createRun(run: NewRun): Promise<{ created: boolean; run: RunRecord }>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Updates a run held under `lease` (same owner, same claim); throws LeaseLostError otherwise. */
  updateRun(id: string, lease: Lease, patch: RunPatch): Promise<RunRecord>;
  /** Records a transition and applies `patch` in one transaction; seq = previous seq + 1. Lease-guarded like updateRun. */
  appendTransition(
    id: string,
    lease: Lease,
    patch: RunPatch,
    transition: NewTransition,
  ): Promise<{ run: RunRecord; transition: TransitionRecord }>;
  /** Transitions not yet posted (seq > notifiedSeq), oldest first. */
  pendingTransitions(id: string): Promise<TransitionRecord[]>;
  /** One transition of a run (what a button on its thread reply was offered with). */
  getTransition(id: string, seq: number): Promise<TransitionRecord | undefined>;
  /**
   * Records (or, with null, forgets) that transition `seq` is about to be posted. Lease-guarded like
   * updateRun, so a claim that lost the run cannot post its replies. Recording is also a compare-and-set:
   * it throws LeaseLostError when the transition was attempted or posted since it was read.
   */
  markAttempted(id: string, lease: Lease, seq: number, at: Date | null): Promise<void>;
  /** Stores the reply ts and raises notifiedSeq to `seq` (never lowers it). */
  markNotified(id: string, seq: number, ts: string): Promise<void>;
  /** Sets the parent ts unless one is already set; returns the ts that is stored. */
  setParentTs(id: string, ts: string): Promise<string>;
  /**
   * Leases up to `limit` runs that are due (nextPollAt <= now) and that nobody holds (leaseUntil null or
   * < now), each under a new token. Each run is leased to at most one caller. Unposted transitions do not
   * make a run due by themselves: whoever records one leaves nextPollAt due, so a failed post is retried on
   * its schedule. Runs in `except` (those the caller is working on) are left alone. Only their ids come
   * back: the tracker reads each run when it takes it up, and a batch of whole records read here would be
   * garbage by then.
   */
  claimDue(
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
    except?: readonly string[],
  ): Promise<Pick<RunRecord, 'id'>[]>;
  /**
   * Takes the lease on one run if free (or already ours), under a new token: an earlier claim of ours can
   * write no more. Undefined when another process holds it.
   */
  claim(id: string, owner: string, now: Date, leaseUntil: Date): Promise<RunRecord | undefined>;
  /** Gives the lease back, applying `patch`. No-op if `lease` no longer holds the run. */
  release(id: string, lease: Lease, patch: RunPatch): Promise<void>;
  /** First caller wins: true when this call recorded the request, false when one was already recorded or the run is final. */
  requestCancel(id: string, userId: string, at: Date): Promise<boolean>;
  listRuns(filter: RunFilter): Promise<RunRecord[]>;
}
