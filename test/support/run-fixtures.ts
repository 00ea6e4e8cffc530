import { randomUUID } from 'node:crypto';
import type { RunSummary } from '../../src/core/runs/run-list-store';
import type {
  Lease,
  NewRun,
  NewTransition,
  RunRecord,
  TransitionRecord,
} from '../../src/core/runs/run-store';

/**
 * A run as the launcher creates it: an Itential start by U0ALICE in C0OPS, running, not leased. A test
 * names what matters to it; the id is a fresh UUID and doubles as the idempotency key.
 */
export function newRun(fields: Partial<NewRun> & { createdAt: Date }): NewRun {
  const id = randomUUID();
  return {
    id,
    idempotencyKey: id,
    operationId: 'itential.start',
    system: 'itential',
    channelId: 'C0OPS',
    requesterId: 'U0ALICE',
    input: {},
    facts: [],
    state: 'running',
    nextPollAt: null,
    leaseOwner: null,
    leaseUntil: null,
    rerunOf: null,
    ...fields,
  };
}

/** A run as listings show it. */
export const summaryOf = ({
  id,
  operationId,
  state,
  channelId,
  requesterId,
  createdAt,
}: RunRecord): RunSummary => ({ id, operationId, state, channelId, requesterId, createdAt });

/** What the store fills in on a run it has just created, besides `updatedAt` (= `createdAt`). */
export const CREATED_RUN_DEFAULTS = {
  upstreamId: null,
  upstreamUrl: null,
  upstreamStatus: null,
  detail: null,
  progress: null,
  waitingFor: null,
  problem: null,
  memo: null,
  mayRecover: false,
  retryStep: null,
  seq: 0,
  notifiedSeq: 0,
  parentTs: null,
  startedAt: null,
  finishedAt: null,
  pollFailures: 0,
  leaseToken: 0,
  cancelRequestedBy: null,
  cancelRequestedAt: null,
  parentAttemptedAt: null,
  parentSeq: 0,
  parentEditedAt: null,
  notifyAfter: null,
  notifyProblem: null,
  dmSeq: 0,
} satisfies Omit<RunRecord, keyof NewRun | 'updatedAt'>;

/** The lease a run created leased to `owner` is held under: no claim has raised its token yet. */
export function createdLease(owner: string): Lease {
  return { owner, token: 0 };
}

let counter = 0;

/**
 * A stored run as the store returns it right after creating one from `newRun`, never written anywhere.
 * Its id counts up within the test file, so runs made in the same order are the same runs.
 */
export function runRecord(fields: Partial<RunRecord> & { createdAt: Date }): RunRecord {
  counter += 1;
  const id = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return {
    ...newRun({ id, idempotencyKey: id, createdAt: fields.createdAt }),
    ...CREATED_RUN_DEFAULTS,
    rerunOf: null,
    updatedAt: fields.createdAt,
    ...fields,
  };
}

/** A state change as a tracker records it: to running, nothing else known, caused by no one. */
export function newTransition(fields: Partial<NewTransition> & { at: Date }): NewTransition {
  return {
    kind: 'state',
    state: 'running',
    upstreamStatus: 'running',
    detail: null,
    progress: null,
    waitingFor: null,
    problem: null,
    actorId: null,
    ...fields,
  };
}

/** A recorded transition of run `runId`, not yet posted to the thread. */
export function transitionRecord(
  fields: Partial<TransitionRecord> & Pick<TransitionRecord, 'runId' | 'seq' | 'at'>,
): TransitionRecord {
  return {
    ...newTransition(fields),
    notifiedTs: null,
    attemptedAt: null,
    ...fields,
    payload: fields.payload ?? null,
  };
}
