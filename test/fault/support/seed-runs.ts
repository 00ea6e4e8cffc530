import { randomUUID } from 'node:crypto';
import type { Store } from '../../../src/core/store';
import { createdLease, newRun, newTransition } from '../../support/run-fixtures';

/** Leases held while seeding, so the seeded transitions are written the way the engine writes them. */
const SEEDER = 'seeder';

export interface SeedRun {
  jobId: string;
  channelId: string;
  workflow: string;
  /** The run's parent message, posted by an earlier process; none: the tracking bot posts one. */
  parentTs?: string;
}

/** Starts `count` jobs of `workflow` on a fake Itential over HTTP, a few at a time; returns their ids. */
export async function startJobs(
  baseUrl: string,
  token: string,
  workflow: string,
  count: number,
  concurrency = 16,
): Promise<string[]> {
  const startOne = async (): Promise<string> => {
    const res = await fetch(`${baseUrl}/operations-manager/jobs/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workflow, options: { description: 'seeded', variables: {} } }),
    });
    const body = (await res.json()) as { data?: { _id?: string } };
    if (!res.ok || typeof body.data?._id !== 'string') throw new Error(`start failed: HTTP ${res.status}`);
    return body.data._id;
  };
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      ids[index] = await startOne();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return ids;
}

/**
 * Stores Itential runs that have just started, as the launcher leaves them: running, their `started`
 * transition recorded but not posted, due for tracking now. Returns their ids in order.
 */
export async function seedRuns(store: Store, runs: SeedRun[], now = new Date()): Promise<string[]> {
  const ids: string[] = [];
  for (const seed of runs) {
    const id = randomUUID();
    await store.createRun(
      newRun({
        id,
        idempotencyKey: `seed:${id}`,
        channelId: seed.channelId,
        input: { workflow: seed.workflow },
        facts: [{ label: 'Workflow', value: seed.workflow }],
        state: 'starting',
        createdAt: now,
        leaseOwner: SEEDER,
        leaseUntil: new Date(now.getTime() + 600_000),
      }),
    );
    await store.appendTransition(
      id,
      createdLease(SEEDER),
      { state: 'running', upstreamId: seed.jobId, upstreamStatus: 'running', startedAt: now },
      newTransition({ kind: 'started', actorId: 'U0ALICE', at: now }),
    );
    if (seed.parentTs) await store.setParentTs(id, seed.parentTs);
    await store.release(id, createdLease(SEEDER), { nextPollAt: now });
    ids.push(id);
  }
  return ids;
}
