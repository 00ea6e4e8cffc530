import type { NewRun, RunPatch, RunRecord } from '../../src/core/runs/run-store';
import type { Store } from '../../src/core/store';
import { newRun } from '../support/run-fixtures';

const SEEDER = 'test-seeder';

/** Stores a run as if it had been launched and followed, without any upstream; returns it as stored. */
export async function seedRun(
  store: Store,
  fields: Partial<NewRun> & { createdAt: Date },
  patch: RunPatch = {},
): Promise<RunRecord> {
  const run = newRun({ leaseOwner: SEEDER, ...fields });
  await store.createRun(run);
  return store.updateRun(run.id, SEEDER, { leaseOwner: null, ...patch });
}
