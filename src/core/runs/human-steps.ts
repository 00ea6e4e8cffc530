import type { EngineDeps } from './engine-deps';
import { runAudit } from '../audit/run-audit';
import { deliver, runView } from './delivery';
import type { RunView } from './notifier';
import { leaseOf, withRun } from './lease';
import { describeError } from '../errors';
import type {
  FieldErrors,
  FormValues,
  HumanStep,
  Requester,
  StepActions,
  StepDecision,
} from '../operations/contract';
import type { Decision } from '../policy/policy';
import { type Problem } from '../operations/problem';
import { offeredSteps } from '../approvals/transition-payload';
import { type RunRecord, type TransitionRecord, unchangedState } from './run-store';
import type { StepClaim } from './step-store';
import { isUpstreamError, LeaseLostError } from '../errors';

export interface StepClick {
  runId: string;
  stepId: string;
  decision: StepDecision;
  actor: Requester;
  /** Where the click came from (policy is decided for the run's own channel). */
  channelId: string;
  /** What was typed into the step's form, when it has one. */
  values?: FormValues;
  /**
   * The thread line that offered the step, when the surface knows it: the decision line then names the step
   * as that line did, not everything the run waits on.
   */
  seq?: number;
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

/** What an Approve click on a step opens: its form, or why not (then the click is decided as it is). */
export type StepFormResult =
  | { kind: 'form'; step: HumanStep; systemName: string }
  /** The step asks for nothing: the click decides it at once. */
  | { kind: 'no_form' }
  | Extract<StepResult, { kind: 'denied' | 'already_decided' | 'not_waiting' | 'unsupported' | 'not_found' }>;

/** A step's form as submitted: accepted (decide it with the values), or its mistakes by field. */
export type StepFormCheck = { ok: true } | { ok: false; errors: FieldErrors };

/**
 * The thread reply that offered steps (Slack: its Approve and Reject buttons), edited as they are decided
 * from Flightdeck so that a decided step's buttons stop inviting clicks; the others stay.
 */
export interface DecidedSteps {
  /** Edits `offering`'s posted reply to show, in place of each decided step's buttons, who decided it. */
  decided(view: RunView, offering: TransitionRecord, decisions: TransitionRecord[]): Promise<void>;
}

/** How long a click waits for another process (a poll) to let go of the run. */
const BUSY_WAIT_MS = 10_000;

/**
 * Deciding a run's human step (a Harness approval, an Itential manual task) from its thread. Flightdeck's
 * policy for the step's operation (`iacm.approve`, `itential.task`) is checked first; the first click claims
 * the step in the store, so only one decision ever reaches the upstream; the upstream then decides by its own
 * rules (the bot's account must be allowed there too). The outcome is a thread reply and an audit record,
 * and the tracker keeps following the run.
 */
export class HumanSteps {
  constructor(private readonly deps: EngineDeps) {}

  /**
   * The form an Approve click opens: the step as offered in the thread reply `seq` (its fields, pre-filled).
   * Policy and an earlier decision are checked first, so that nobody fills in a form that cannot be sent.
   */
  async form(click: Omit<StepClick, 'decision' | 'values'> & { seq: number }): Promise<StepFormResult> {
    const { store, registry } = this.deps;
    const found = await this.lookUp(click.runId);
    if (!('run' in found)) return found;
    const { run, steps } = found;
    const step = await this.offered(run.id, click);
    if (!step || step.fields.length === 0) return { kind: 'no_form' };
    const denied = await this.denied(run, steps, { ...click, decision: 'approve' });
    if (denied) return denied;
    const holder = await store.stepClaim(run.id, click.stepId);
    if (holder) return { kind: 'already_decided', holder };
    if (run.state !== 'waiting') return { kind: 'not_waiting' };
    return { kind: 'form', step, systemName: registry.systemName(run.system) };
  }

  /** Checks a submitted step form as the step's system reads it. */
  async checkForm(runId: string, values: FormValues): Promise<StepFormCheck> {
    const found = await this.lookUp(runId);
    const errors = 'run' in found ? found.steps.checkForm?.(values) : undefined;
    return errors && Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true };
  }

  async decide(click: StepClick): Promise<StepResult> {
    const { store, clock } = this.deps;
    const found = await this.lookUp(click.runId);
    if (!('run' in found)) return found;
    const { run, steps } = found;
    const denied = await this.denied(run, steps, click);
    if (denied) return denied;
    const claim = await store.claimStep({
      runId: run.id,
      stepId: click.stepId,
      actorId: click.actor.id,
      decision: click.decision,
      at: clock.now(),
    });
    if (!claim.claimed) {
      await this.audit(run, click, 'already_decided', { by: claim.holder.actorId });
      return { kind: 'already_decided', holder: claim.holder };
    }
    // The run is held from before the decision is sent until its line is recorded: a poll (here or on another
    // replica) cannot record what the run does after the decision above the line that says who decided.
    let sent = false;
    type Outcome = { problem: Problem | null; recorded?: RunRecord } | 'not_waiting';
    let outcome: Outcome | undefined;
    try {
      outcome = await withRun<Outcome>(
        this.deps,
        run.id,
        async (held) => {
          // Checked after the claim, so that a late click on a decided step hears who decided it.
          if (held.state !== 'waiting') {
            await store.releaseStep(run.id, click.stepId, click.actor.id);
            return { result: 'not_waiting', release: {} };
          }
          sent = true;
          const problem = await this.send(held, steps, click);
          try {
            return {
              result: { problem, recorded: await this.record(held, click, problem) },
              release: { nextPollAt: clock.now() },
            };
          } catch (err) {
            if (!(err instanceof LeaseLostError)) throw err;
            return { result: { problem }, release: {} };
          }
        },
        BUSY_WAIT_MS,
        this.deps.settings.decisionLeaseMs,
      );
    } catch (err) {
      // Nothing was sent: the step is free for the next click.
      if (!sent) await store.releaseStep(run.id, click.stepId, click.actor.id);
      throw err;
    }
    if (outcome === undefined || outcome === 'not_waiting') return { kind: 'not_waiting' };
    const { problem } = outcome;
    // The decision outlasted its hold on the run: its line is recorded all the same, once the run is free.
    const recorded =
      outcome.recorded ??
      (await withRun(
        this.deps,
        run.id,
        async (held) => ({
          result: await this.record(held, click, problem),
          release: { nextPollAt: clock.now() },
        }),
        BUSY_WAIT_MS,
      ));
    if (problem) return { kind: 'refused_upstream', problem };
    await this.settleOffering(run.id, click.seq);
    return { kind: 'decided', run: recorded ?? run };
  }

  /**
   * Edits the reply that offered the decided step: best effort (a click on a stale button is answered
   * anyway). Every decision from Flightdeck on its steps so far is shown, so that concurrent edits of one
   * reply converge on the last one.
   */
  private async settleOffering(runId: string, seq: number | undefined): Promise<void> {
    const replies = this.deps.decidedSteps;
    if (!replies || seq === undefined) return;
    try {
      const { store } = this.deps;
      const [run, offering] = await Promise.all([store.getRun(runId), store.getTransition(runId, seq)]);
      if (!run || !offering?.notifiedTs) return;
      const offered = new Set(offeredSteps(offering.payload).steps.map((s) => s.id));
      const decisions = (await store.transitionsAfter(runId, seq)).filter(
        (t) =>
          t.kind === 'step_decided' &&
          t.problem === null &&
          t.payload?.kind === 'step_decision' &&
          offered.has(t.payload.stepId),
      );
      if (decisions.length > 0) await replies.decided(runView(this.deps, run), offering, decisions);
    } catch (err) {
      this.deps.log.warn({ runId, err: describeError(err) }, 'could not take the decided step off its reply');
    }
  }

  private async lookUp(
    runId: string,
  ): Promise<{ run: RunRecord; steps: StepActions } | { kind: 'not_found' | 'unsupported' | 'not_waiting' }> {
    const run = await this.deps.store.getRun(runId);
    if (!run) return { kind: 'not_found' };
    const steps = this.deps.registry.operation(run.operationId)?.steps;
    if (!steps) return { kind: 'unsupported' };
    if (!run.upstreamId) return { kind: 'not_waiting' };
    return { run, steps };
  }

  /** The policy's refusal of the clicker, audited; undefined when they may decide. */
  private async denied(
    run: RunRecord,
    steps: StepActions,
    click: Pick<StepClick, 'actor' | 'stepId' | 'decision'>,
  ): Promise<Extract<StepResult, { kind: 'denied' }> | undefined> {
    const decision = await this.deps.policy.decide(
      { userId: click.actor.id, channelId: run.channelId },
      steps.operationId,
      run.input,
    );
    // A step is decided now or not at all: a rule that would make the decision wait for approval refuses it.
    if (decision.allowed && !decision.approval) return undefined;
    await this.audit(run, click, 'denied', {}, decision.rule ?? null);
    return { kind: 'denied', decision: { ...decision, allowed: false }, operationId: steps.operationId };
  }

  private audit(
    run: RunRecord,
    click: Pick<StepClick, 'actor' | 'stepId' | 'decision'>,
    outcome: string,
    detail: Record<string, unknown> = {},
    rule?: string | null,
  ) {
    return this.deps.audit.append(
      runAudit(
        run,
        {
          at: this.deps.clock.now(),
          actorId: click.actor.id,
          action: `step.${click.decision}`,
          outcome,
          rule,
        },
        { step: click.stepId, ...detail },
      ),
    );
  }

  /** Sends the decision upstream; the problem when the upstream refused it (or the call failed). */
  private async send(run: RunRecord, steps: StepActions, click: StepClick): Promise<Problem | null> {
    const { registry, store } = this.deps;
    let problem: Problem | null = null;
    try {
      await steps.decide(
        { upstreamId: run.upstreamId ?? '', input: run.input, memo: run.memo ?? undefined },
        {
          stepId: click.stepId,
          decision: click.decision,
          actor: click.actor,
          runId: run.id,
          ...(click.decision === 'approve' && click.values ? { values: click.values } : {}),
        },
      );
    } catch (err) {
      const systemName = registry.systemName(run.system);
      if (!isUpstreamError(err))
        this.deps.log.error({ runId: run.id, err: describeError(err) }, 'step decision threw');
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
    await this.audit(
      run,
      click,
      problem ? 'refused_upstream' : click.decision === 'approve' ? 'approved' : 'rejected',
      problem ? { problem: problem.title, code: problem.code ?? null } : {},
    );
    return problem;
  }

  /** The step as the thread line `click.seq` offered it (its title, its form). */
  private async offered(
    runId: string,
    click: Pick<StepClick, 'stepId' | 'seq'>,
  ): Promise<HumanStep | undefined> {
    if (click.seq === undefined) return undefined;
    const transition = await this.deps.store.getTransition(runId, click.seq);
    return offeredSteps(transition?.payload).steps.find((s) => s.id === click.stepId);
  }

  /** The thread reply: who decided which step, or why the upstream refused; the run is polled again soon. */
  private async record(run: RunRecord, click: StepClick, problem: Problem | null): Promise<RunRecord> {
    const { store, clock } = this.deps;
    // The step as the line that offered it named it; else Flightdeck's words for what the run waited on
    // ("an approval in stage Approve"), stored when it was observed.
    const title = (await this.offered(run.id, click))?.title ?? run.waitingFor ?? 'the step';
    const { run: updated } = await store.appendTransition(
      run.id,
      leaseOf(this.deps, run),
      {},
      {
        kind: 'step_decided',
        ...unchangedState(run),
        problem,
        actorId: click.actor.id,
        at: clock.now(),
        payload: { kind: 'step_decision', stepId: click.stepId, title, decision: click.decision },
      },
    );
    return deliver(this.deps, updated).catch((err: unknown) => {
      this.deps.log.warn({ runId: run.id, err: describeError(err) }, 'could not post the step decision');
      return updated;
    });
  }
}
