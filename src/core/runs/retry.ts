import type { Requester, RetryStep } from '../operations/contract';
import { type Problem } from '../operations/problem';
import { observationPatch } from '../operations/observation';
import type { Decision } from '../policy/policy';
import { runAudit } from '../audit/run-audit';
import { deliver, runView } from './delivery';
import type { EngineDeps } from './engine-deps';
import { leaseOf, withRun } from './lease';
import type { RunView } from './notifier';
import type { RunRecord, TransitionRecord } from './run-store';
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

/**
 * The reply that said how a run failed, and offered to retry its step (Slack: the thread reply's Retry
 * button), edited once that step is retried so that a stale button stops inviting clicks.
 */
export interface RetriedReplies {
  /** Edits `failure`'s posted reply to offer no retry, and to say what `retried` says (who retried it). */
  retried(view: RunView, failure: TransitionRecord, retried: TransitionRecord): Promise<void>;
}

/** The failure reply the latest retry made stale, and that retry; undefined when there is none. */
export function staleFailure(
  transitions: TransitionRecord[],
): { failure: TransitionRecord; retried: TransitionRecord } | undefined {
  const retried = transitions.findLast((t) => t.kind === 'retried');
  const failure =
    retried &&
    transitions.findLast(
      (t) =>
        t.seq < retried.seq &&
        t.state === 'failed' &&
        (t.kind === 'state' || t.kind === 'started') &&
        t.notifiedTs !== null,
    );
  return failure && retried ? { failure, retried } : undefined;
}

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
    const result = await this.attempt(runId, stepId, requester, channelId);
    // The button clicked is stale either way: this click retried the step, or an earlier one did.
    if (result.kind === 'retried' || result.kind === 'not_pending') await this.settleStale(runId);
    return result;
  }

  private async attempt(
    runId: string,
    stepId: string,
    requester: Requester,
    channelId: string,
  ): Promise<RetryResult> {
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

  /** Edits the failure reply whose Retry the latest retry used up; best effort, a click on it is answered anyway. */
  private async settleStale(runId: string): Promise<void> {
    const replies = this.deps.retriedReplies;
    if (!replies) return;
    try {
      const run = await this.deps.store.getRun(runId);
      const stale = run && staleFailure(await this.deps.store.transitionsAfter(runId, 0));
      if (run && stale) await replies.retried(runView(this.deps, run), stale.failure, stale.retried);
    } catch (err) {
      this.deps.log.warn(
        { runId, err: err instanceof Error ? err.message : String(err) },
        'could not take the Retry button off the failure reply',
      );
    }
  }
}
