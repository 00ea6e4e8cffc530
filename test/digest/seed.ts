import { randomUUID } from 'node:crypto';
import type { NewRun, RunPatch, RunRecord, Store } from '../../src/store/port';

const SEEDER = 'test-seeder';

/** Stores a run as if it had been launched and followed, without any upstream; returns it as stored. */
export async function seedRun(
  store: Store,
  fields: Partial<NewRun> & { createdAt: Date },
  patch: RunPatch = {},
): Promise<RunRecord> {
  const id = randomUUID();
  await store.createRun({
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
    leaseOwner: SEEDER,
    leaseUntil: null,
    ...fields,
  });
  return store.updateRun(id, SEEDER, { leaseOwner: null, ...patch });
}
