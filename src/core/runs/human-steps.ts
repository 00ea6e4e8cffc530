import type { EngineDeps } from './engine-deps';
import { runAudit } from '../audit/run-audit';
import { deliver } from './delivery';
import { leaseOf, withRun } from './lease';
import { describe } from './launcher';
import type { Requester, StepDecision } from '../operations/contract';
import type { Decision } from '../policy/policy';
import { isUpstreamError, type Problem } from '../operations/problem';
import { type RunRecord, unchangedState } from './run-store';
import type { StepClaim } from './step-store';

export interface StepClick {
  runId: string;
  stepId: string;
  decision: StepDecision;
  actor: Requester;
  /** Where the click came from (policy is decided for the run's own channel). */
  channelId: string;
}

export type StepResult =
  /** The upstream took the decision; the thread says who decided. */
  | { kind: 'decided'; run: RunRecord }
  /** The upstream refused; the thread says why (`problem`), and the step can be tried again. */
  | { kind: 'refused_upstream'; problem: Problem }
  /** Flightdeck's policy refused the clicker; nothing was sent upstream. */
  | { kind: 'denied'; decision: Decision; operationId: string }
  /** Someone decided this step first. */
  | { kind: 'already_decided'; holder: StepClaim }
  /** The run no longer waits for a person (it moved on, or finished). */
  | { kind: 'not_waiting' }
  | { kind: 'unsupported' }
  | { kind: 'not_found' };

/**
 * Deciding a run's human step (a Harness approval, an Itential manual task) from its thread. Flightdeck's
 * policy for the step's operation (`iacm.approve`, `itential.task`) is checked first; the first click claims
 * the step in the store, so only one decision ever reaches the upstream; the upstream then decides by its own
 * rules (the bot's account must be allowed there too). The outcome is a thread reply and an audit record,
 * and the tracker keeps following the run.
 */
export class HumanSteps {
  constructor(private readonly deps: EngineDeps) {}

  async decide(click: StepClick): Promise<StepResult> {
    const { store, registry, policy, clock } = this.deps;
    const run = await store.getRun(click.runId);
    if (!run) return { kind: 'not_found' };
    const op = registry.operation(run.operationId);
    const steps = op?.steps;
    if (!op || !steps) return { kind: 'unsupported' };
    const upstreamId = run.upstreamId;
    if (!upstreamId) return { kind: 'not_waiting' };
    const audit = (outcome: string, detail: Record<string, unknown> = {}, rule?: string | null) =>
      this.deps.audit.append(
        runAudit(
          run,
          { at: clock.now(), actorId: click.actor.id, action: `step.${click.decision}`, outcome, rule },
          { step: click.stepId, ...detail },
        ),
      );
    const decision = await policy.decide(
      { userId: click.actor.id, channelId: run.channelId },
      steps.operationId,
      run.input,
    );
    // A step is decided now or not at all: a rule that would make the decision wait for approval refuses it.
    if (!decision.allowed || decision.approval) {
      await audit('denied', {}, decision.rule ?? null);
      return { kind: 'denied', decision: { ...decision, allowed: false }, operationId: steps.operationId };
    }
    const claim = await store.claimStep({
      runId: run.id,
      stepId: click.stepId,
      actorId: click.actor.id,
      decision: click.decision,
      at: clock.now(),
    });
    if (!claim.claimed) {
      await audit('already_decided', { by: claim.holder.actorId });
      return { kind: 'already_decided', holder: claim.holder };
    }
    // Checked after the claim, so that a late click on a decided step hears who decided it.
    if (run.state !== 'waiting') {
      await store.releaseStep(run.id, click.stepId, click.actor.id);
      return { kind: 'not_waiting' };
    }
    let problem: Problem | null = null;
    try {
      await steps.decide(
        { upstreamId, input: run.input, memo: run.memo ?? undefined },
        { stepId: click.stepId, decision: click.decision, actor: click.actor, runId: run.id },
      );
    } catch (err) {
      const systemName = registry.systemName(run.system);
      if (!isUpstreamError(err))
        this.deps.log.error({ runId: run.id, err: describe(err) }, 'step decision threw');
      problem = isUpstreamError(err)
        ? err.toProblem(systemName)
        : {
            title: `${systemName}: could not send the decision`,
            message: 'Flightdeck hit an internal error (logged).',
          };
      // A refusal leaves the step waiting upstream: the next click (perhaps once Harness's approvers are
      // fixed) may try. A decision that may have landed (no answer after sending) keeps its claim.
      if (!isUpstreamError(err) || !err.ambiguous)
        await store.releaseStep(run.id, click.stepId, click.actor.id);
    }
    await audit(problem ? 'refused_upstream' : click.decision === 'approve' ? 'approved' : 'rejected', {
      ...(problem ? { problem: problem.title, code: problem.code ?? null } : {}),
    });
    const recorded = await this.record(run, click, problem);
    return problem ? { kind: 'refused_upstream', problem } : { kind: 'decided', run: recorded ?? run };
  }

  /** The thread reply: who decided which step, or why the upstream refused; the run is polled again soon. */
  private async record(run: RunRecord, click: StepClick, problem: Problem | null) {
    const { store, clock } = this.deps;
    // Flightdeck's own words for the step ("an approval in stage Approve"), stored when it was observed.
    const title = run.waitingFor ?? 'the step';
    return withRun(
      this.deps,
      run.id,
      async (claimed) => {
        const { run: updated } = await store.appendTransition(
          run.id,
          leaseOf(this.deps, claimed),
          {},
          {
            kind: 'step_decided',
            ...unchangedState(claimed),
            problem,
            actorId: click.actor.id,
            at: clock.now(),
            payload: { kind: 'step_decision', stepId: click.stepId, title, decision: click.decision },
          },
        );
        const delivered = await deliver(this.deps, updated).catch((err: unknown) => {
          this.deps.log.warn({ runId: run.id, err: describe(err) }, 'could not post the step decision');
          return updated;
        });
        return { result: delivered, release: { nextPollAt: clock.now() } };
      },
      10_000,
    );
  }
}
