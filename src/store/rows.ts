import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Fact, RetryStep } from '../core/operations/contract';
import type { Problem } from '../core/operations/problem';
import type { RunState } from '../core/runs/lifecycle';
import type { AuditRecord, NewAuditRecord } from '../core/audit/audit-store';
import type {
  NewRun,
  NewTransition,
  NotifyProblem,
  RunPatch,
  RunRecord,
  TransitionKind,
  TransitionRecord,
} from '../core/runs/run-store';
import { type TransitionPayload, transitionPayloadSchema } from '../core/approvals/transition-payload';
import type { AuditTable, RunsTable, TransitionsTable } from './schema';

/** Converts records to rows and back: Dates ↔ milliseconds, objects ↔ JSON text, booleans ↔ 0/1. */

type RunRow = Selectable<RunsTable>;
type Encoders = {
  [K in keyof RunPatch]-?: (value: Exclude<RunPatch[K], undefined>) => Updateable<RunsTable>;
};

const millis = (date: Date | null): number | null => (date === null ? null : date.getTime());
const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
const jsonOrNull = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));
const parseOrNull = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

// One entry per patchable field, so a field added to RunPatch does not compile until it is stored.
const encoders: Encoders = {
  facts: (v) => ({ facts: JSON.stringify(v) }),
  state: (v) => ({ state: v }),
  upstreamId: (v) => ({ upstream_id: v }),
  upstreamUrl: (v) => ({ upstream_url: v }),
  upstreamStatus: (v) => ({ upstream_status: v }),
  detail: (v) => ({ detail: v }),
  progress: (v) => ({ progress: v }),
  waitingFor: (v) => ({ waiting_for: v }),
  problem: (v) => ({ problem: jsonOrNull(v) }),
  memo: (v) => ({ memo: jsonOrNull(v) }),
  mayRecover: (v) => ({ may_recover: v ? 1 : 0 }),
  retryStep: (v) => ({ retry_step: jsonOrNull(v) }),
  parentTs: (v) => ({ parent_ts: v }),
  startedAt: (v) => ({ started_at: millis(v) }),
  finishedAt: (v) => ({ finished_at: millis(v) }),
  nextPollAt: (v) => ({ next_poll_at: millis(v) }),
  pollFailures: (v) => ({ poll_failures: v }),
  leaseOwner: (v) => ({ lease_owner: v }),
  leaseUntil: (v) => ({ lease_until: millis(v) }),
  cancelRequestedBy: (v) => ({ cancel_requested_by: v }),
  cancelRequestedAt: (v) => ({ cancel_requested_at: millis(v) }),
  parentAttemptedAt: (v) => ({ parent_attempted_at: millis(v) }),
  parentSeq: (v) => ({ parent_seq: v }),
  parentEditedAt: (v) => ({ parent_edited_at: millis(v) }),
  notifyAfter: (v) => ({ notify_after: millis(v) }),
  notifyProblem: (v) => ({ notify_problem: jsonOrNull(v) }),
  dmSeq: (v) => ({ dm_seq: v }),
};

export function patchRow(patch: RunPatch): Updateable<RunsTable> {
  const row: Updateable<RunsTable> = {};
  for (const key of Object.keys(patch) as (keyof RunPatch)[]) {
    const value = patch[key];
    if (value === undefined) continue;
    const encode = encoders[key] as (v: typeof value) => Updateable<RunsTable>;
    Object.assign(row, encode(value));
  }
  return row;
}

export function newRunRow(run: NewRun): Insertable<RunsTable> {
  return {
    id: run.id,
    idempotency_key: run.idempotencyKey,
    operation_id: run.operationId,
    system: run.system,
    channel_id: run.channelId,
    requester_id: run.requesterId,
    input: JSON.stringify(run.input ?? null),
    facts: JSON.stringify(run.facts),
    state: run.state,
    created_at: run.createdAt.getTime(),
    updated_at: run.createdAt.getTime(),
    next_poll_at: millis(run.nextPollAt),
    lease_owner: run.leaseOwner,
    lease_until: millis(run.leaseUntil),
    rerun_of: run.rerunOf ?? null,
  };
}

export function runRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    operationId: row.operation_id,
    system: row.system,
    channelId: row.channel_id,
    requesterId: row.requester_id,
    input: JSON.parse(row.input) as unknown,
    facts: JSON.parse(row.facts) as Fact[],
    state: row.state as RunState,
    upstreamId: row.upstream_id,
    upstreamUrl: row.upstream_url,
    upstreamStatus: row.upstream_status,
    detail: row.detail,
    progress: row.progress,
    waitingFor: row.waiting_for,
    problem: parseOrNull<Problem>(row.problem),
    memo: parseOrNull<Record<string, unknown>>(row.memo),
    mayRecover: row.may_recover !== 0,
    retryStep: parseOrNull<RetryStep>(row.retry_step),
    rerunOf: row.rerun_of,
    seq: row.seq,
    notifiedSeq: row.notified_seq,
    parentTs: row.parent_ts,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    nextPollAt: date(row.next_poll_at),
    pollFailures: row.poll_failures,
    leaseOwner: row.lease_owner,
    leaseUntil: date(row.lease_until),
    leaseToken: row.lease_token,
    cancelRequestedBy: row.cancel_requested_by,
    cancelRequestedAt: date(row.cancel_requested_at),
    parentAttemptedAt: date(row.parent_attempted_at),
    parentSeq: row.parent_seq,
    parentEditedAt: date(row.parent_edited_at),
    notifyAfter: date(row.notify_after),
    notifyProblem: notifyProblem(row.notify_problem),
    dmSeq: row.dm_seq,
  };
}

function notifyProblem(text: string | null): NotifyProblem | null {
  const stored = parseOrNull<Omit<NotifyProblem, 'since' | 'lastAt'> & { since: string; lastAt: string }>(
    text,
  );
  return stored && { ...stored, since: new Date(stored.since), lastAt: new Date(stored.lastAt) };
}

export function transitionRow(runId: string, seq: number, t: NewTransition): Insertable<TransitionsTable> {
  return {
    run_id: runId,
    seq,
    kind: t.kind,
    state: t.state,
    upstream_status: t.upstreamStatus,
    detail: t.detail,
    progress: t.progress,
    waiting_for: t.waitingFor,
    problem: jsonOrNull(t.problem),
    payload: jsonOrNull(t.payload ?? null),
    actor_id: t.actorId,
    at: t.at.getTime(),
    notified_ts: null,
    attempted_at: null,
  };
}

/** A payload this version cannot read (corrupt, or written by a newer one) is shown as none. */
function payloadOf(text: string | null): TransitionPayload | null {
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = transitionPayloadSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export function transitionRecord(row: Selectable<TransitionsTable>): TransitionRecord {
  return {
    runId: row.run_id,
    seq: row.seq,
    kind: row.kind as TransitionKind,
    state: row.state as RunState,
    upstreamStatus: row.upstream_status,
    detail: row.detail,
    progress: row.progress,
    waitingFor: row.waiting_for,
    problem: parseOrNull<Problem>(row.problem),
    payload: payloadOf(row.payload),
    actorId: row.actor_id,
    at: new Date(row.at),
    notifiedTs: row.notified_ts,
    attemptedAt: date(row.attempted_at),
  };
}

export function auditRow(record: NewAuditRecord): Insertable<AuditTable> {
  return {
    at: record.at.getTime(),
    actor_id: record.actorId,
    channel_id: record.channelId,
    action: record.action,
    operation_id: record.operationId,
    run_id: record.runId,
    outcome: record.outcome,
    rule: record.rule,
    detail: JSON.stringify(record.detail),
  };
}

export function auditRecord(row: Selectable<AuditTable>): AuditRecord {
  return {
    id: row.id,
    at: new Date(row.at),
    actorId: row.actor_id,
    channelId: row.channel_id,
    action: row.action,
    operationId: row.operation_id,
    runId: row.run_id,
    outcome: row.outcome,
    rule: row.rule,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}
