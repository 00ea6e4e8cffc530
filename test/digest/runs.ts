import type { RunState } from '../../src/core/runs';
import type { RunRecord } from '../../src/store/port';

let counter = 0;

/** A stored run as the digest reads it; only what a test names differs from a plain running run. */
export function runRecord(fields: Partial<RunRecord> & { createdAt: Date }): RunRecord {
  counter += 1;
  const id = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return {
    id,
    idempotencyKey: id,
    operationId: 'itential.start',
    system: 'itential',
    channelId: 'C0OPS',
    requesterId: 'U0ALICE',
    input: {},
    facts: [],
    state: 'running' as RunState,
    upstreamId: null,
    upstreamUrl: null,
    upstreamStatus: null,
    detail: null,
    progress: null,
    waitingFor: null,
    problem: null,
    memo: null,
    mayRecover: false,
    seq: 0,
    notifiedSeq: 0,
    parentTs: null,
    updatedAt: fields.createdAt,
    startedAt: null,
    finishedAt: null,
    nextPollAt: null,
    pollFailures: 0,
    leaseOwner: null,
    leaseUntil: null,
    cancelRequestedBy: null,
    cancelRequestedAt: null,
    parentAttemptedAt: null,
    parentSeq: 0,
    parentEditedAt: null,
    notifyAfter: null,
    notifyProblem: null,
    ...fields,
  };
}
