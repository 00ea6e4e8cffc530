import { LeaseLostError, type Lease, type RunPatch, type RunRecord } from './run-store';
import type { EngineDeps } from './engine-deps';

export class RunBusyError extends Error {
  constructor(runId: string) {
    super(`run ${runId} is being handled by another process; try again in a moment`);
    this.name = 'RunBusyError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The lease this process writes `run` under: its name and the token of the claim `run` comes from (the
 * claim's record, or one a write under it returned). A record merely read carries whoever's claim is latest.
 */
export function leaseOf(deps: Pick<EngineDeps, 'owner'>, run: Pick<RunRecord, 'leaseToken'>): Lease {
  return { owner: deps.owner, token: run.leaseToken };
}

/**
 * Runs `work` on a run while holding this process's mutex and the run's lease (for `leaseMs`), then releases
 * the lease with the patch `work` returns. `work` writes under `leaseOf(deps, run)`. Waits up to `waitMs` for another
 * process to let go.
 */
export async function withRun<T>(
  deps: EngineDeps,
  runId: string,
  work: (run: RunRecord) => Promise<{ result: T; release: RunPatch }>,
  waitMs = 0,
  leaseMs = deps.settings.leaseMs,
): Promise<T | undefined> {
  return deps.mutex.run(runId, async () => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const now = deps.clock.now();
      const run = await deps.store.claim(runId, deps.owner, now, new Date(now.getTime() + leaseMs));
      if (run) {
        const lease = leaseOf(deps, run);
        try {
          const { result, release } = await work(run);
          await deps.store.release(runId, lease, release);
          return result;
        } catch (err) {
          if (!(err instanceof LeaseLostError)) await deps.store.release(runId, lease, {});
          throw err;
        }
      }
      if (Date.now() >= deadline) {
        if (waitMs > 0) throw new RunBusyError(runId);
        return undefined;
      }
      await sleep(200);
    }
  });
}
