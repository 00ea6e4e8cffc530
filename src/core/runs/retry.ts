import type { Requester, RetryStep } from '../operations/contract';
import { type Problem } from '../operations/problem';
import { observationPatch } from '../operations/observation';
import type { Decision } from '../policy/policy';
import { runAudit } from '../audit/run-audit';
import { deliver } from './delivery';
import type { EngineDeps } from './engine-deps';
import { leaseOf, withRun } from './lease';
import type { RunRecord } from './run-store';
import { isUpstreamError } from '../errors';

/** How long a retry waits for whoever holds the run (the tracker polling it). */
const RETRY_WAIT_MS = 10_000;

export type RetryResult =
  /** The upstream took it; the thread says who, and the tracker follows the run again. */
  | { kind: 'retried'; run: RunRecord; step: RetryStep }
  /** The upstream refused (the step is no longer failed, the job moved on…): its words. */
  | { kind: 'refused'; problem: Problem }
  | { kind: 'denied'; decision: Decision }
  /** Someone retried it first, or it no longer waits on that step. */
  | { kind: 'not_pending' }
  | { kind: 'unsupported' }
  | { kind: 'not_found' };

/** The policy operation a retry is checked against: `itential.retry`. */
export const retryOperationId = (system: string) => `${system}.retry`;

/**
 * Retry of a run's failed step upstream (an Itential task of a job in error), under policy like a start,
 * audited. The first click wins: the step is checked and cleared under the run's lease, so a second click
 * finds nothing left to retry.
 */
export class StepRetries {
  constructor(private readonly deps: EngineDeps) {}

  async retry(runId: string, stepId: string, requester: Requester, channelId: string): Promise<RetryResult> {
    const { store, registry, policy, clock } = this.deps;
    const run = await store.getRun(runId);
    if (!run) return { kind: 'not_found' };
    const op = registry.operation(run.operationId);
    if (!op?.retryStep) return { kind: 'unsupported' };
    const audit = (target: RunRecord, outcome: string, detail: Record<string, unknown>, rule?: string) =>
      this.deps.audit.append(
        runAudit(
          target,
          { at: clock.now(), actorId: requester.id, action: 'retry', outcome, rule: rule ?? null },
          detail,
        ),
      );
    const decision = await policy.decide(
      { userId: requester.id, channelId },
      retryOperationId(op.system),
      run.input,
    );
    if (!decision.allowed) {
      await audit(run, 'denied', { step: stepId }, decision.rule);
      return { kind: 'denied', decision };
    }
    const result = await withRun<RetryResult>(
      this.deps,
      runId,
      async (claimed) => {
        const step = claimed.retryStep;
        if (claimed.state !== 'failed' || !claimed.mayRecover || step?.id !== stepId)
          return { result: { kind: 'not_pending' }, release: {} };
        let observation;
        try {
          observation = await op.retryStep?.(
            { upstreamId: claimed.upstreamId ?? '', input: claimed.input, memo: claimed.memo ?? undefined },
            stepId,
          );
        } catch (err) {
          const problem: Problem = isUpstreamError(err)
            ? err.toProblem(registry.systemName(op.system))
            : { title: 'Retry failed', message: 'Flightdeck hit an internal error (logged).' };
          if (!isUpstreamError(err)) this.deps.log.error({ err, runId }, 'retry threw an unexpected error');
          await audit(claimed, 'refused', { step: step.label, problem: problem.title });
          return { result: { kind: 'refused', problem }, release: {} };
        }
        if (!observation) return { result: { kind: 'unsupported' }, release: {} };
        const now = clock.now();
        const { run: updated } = await store.appendTransition(
          runId,
          leaseOf(this.deps, claimed),
          // The step is spent whatever the answer says; the next poll offers it again if the job fails there again.
          { ...observationPatch(observation, now), retryStep: null, pollFailures: 0 },
          {
            kind: 'retried',
            state: observation.state,
            upstreamStatus: observation.upstreamStatus,
            detail: step.label,
            progress: observation.progress ?? null,
            waitingFor: observation.waitingFor ?? null,
            problem: null,
            actorId: requester.id,
            at: now,
          },
        );
        await audit(updated, 'retried', { step: step.label }, decision.rule);
        const delivered = await deliver(this.deps, updated).catch((err: unknown) => {
          this.deps.log.warn(
            { runId, err: err instanceof Error ? err.message : String(err) },
            'could not post the retry; the tracker will',
          );
          return updated;
        });
        return { result: { kind: 'retried', run: delivered, step }, release: { nextPollAt: now } };
      },
      RETRY_WAIT_MS,
    );
    return result ?? { kind: 'not_pending' };
  }
}
