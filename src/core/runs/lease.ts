import { LeaseLostError, type RunPatch, type RunRecord } from './run-store';
import type { EngineDeps } from './engine-deps';

export class RunBusyError extends Error {
  constructor(runId: string) {
    super(`run ${runId} is being handled by another process; try again in a moment`);
    this.name = 'RunBusyError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` on a run while holding this process's mutex and the run's lease (for `leaseMs`), then releases
 * the lease with the patch `work` returns. Waits up to `waitMs` for another process to let go.
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
        try {
          const { result, release } = await work(run);
          await deps.store.release(runId, deps.owner, release);
          return result;
        } catch (err) {
          if (!(err instanceof LeaseLostError)) await deps.store.release(runId, deps.owner, {});
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
