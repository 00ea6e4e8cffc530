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
  >
>;

export const TRANSITION_KINDS = [
  'started',
  'state',
  'cancel_requested',
  'contact_lost',
  'contact_restored',
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
}

export type NewTransition = Omit<TransitionRecord, 'runId' | 'seq' | 'notifiedTs'>;

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

export interface Store {
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
