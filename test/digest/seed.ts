import type { DigestCounts, DigestStateCount } from '../../src/core/digest/digest-store';
import type { NewRun, RunPatch, RunRecord } from '../../src/core/runs/run-store';
import type { Store } from '../../src/core/store';
import { createdLease, newRun } from '../support/run-fixtures';

const SEEDER = 'test-seeder';

/** Stores a run as if it had been launched and followed, without any upstream; returns it as stored. */
export async function seedRun(
  store: Store,
  fields: Partial<NewRun> & { createdAt: Date },
  patch: RunPatch = {},
): Promise<RunRecord> {
  const run = newRun({ leaseOwner: SEEDER, ...fields });
  await store.createRun(run);
  return store.updateRun(run.id, createdLease(SEEDER), { leaseOwner: null, ...patch });
}

/** The counts a store gives for `runs`, all of them in the window: for tests of what is built from a summary. */
export function countsOf(runs: RunRecord[]): DigestCounts {
  const byState = new Map<string, DigestStateCount>();
  const operations = new Map<string, number>();
  const requesters = new Map<string, number>();
  for (const run of runs) {
    const key = `${run.system}/${run.state}`;
    const entry = byState.get(key) ?? { system: run.system, state: run.state, count: 0 };
    entry.count += 1;
    byState.set(key, entry);
    operations.set(run.operationId, (operations.get(run.operationId) ?? 0) + 1);
    requesters.set(run.requesterId, (requesters.get(run.requesterId) ?? 0) + 1);
  }
  const top = (counts: Map<string, number>) =>
    [...counts]
      .map(([id, count]) => ({ id, count }))
      .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id))
      .slice(0, 5);
  return {
    byState: [...byState.values()],
    busiestOperations: top(operations),
    busiestRequesters: top(requesters),
  };
}
