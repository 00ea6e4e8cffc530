import { type RunPatch, type RunRecord } from './run-store';
import { awaitApproval } from '../approvals/flow';
import { deliver, deliveryDueAt, earliest } from './delivery';
import type { EngineDeps } from './engine-deps';
import type { Launcher } from './launcher';
import { describeError } from '../errors';
import { leaseOf, withRun } from './lease';
import { isNewState, observationPatch, stepPayload } from '../operations/observation';
import type { Observation } from '../operations/contract';
import { PollBudget } from './poll-budget';
import { type Problem } from '../operations/problem';
import { nextPollDelay } from './poll-schedule';
import { isFinal } from './lifecycle';
import { Periodic } from '../kit/periodic';
import type { TransitionPayload } from '../approvals/transition-payload';
import { LeaseLostError, isUpstreamError } from '../errors';

/**
 * Follows every unfinished run: claims the ones that are due, polls their upstream within each system's
 * budget, records each change once and posts it. Runs survive restarts because everything it needs is in
 * the store; a run is handled by one process at a time because it is leased.
 */
export class Tracker {
  private readonly loop: Periodic;
  private readonly budget: PollBudget;
  /** Runs this process is working on, each until its lease is given back. */
  private readonly active = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: EngineDeps,
    private readonly launcher: Launcher,
  ) {
    this.budget = new PollBudget(deps.settings.pollBudget);
    this.loop = new Periodic('tracker tick', deps.settings.tickMs, () => this.tick(), deps.log);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.active.values());
  }

  /** Look for due runs now rather than at the next tick (after a cancel). */
  nudge(): void {
    this.loop.nudge();
  }

  /**
   * Claims as many due runs as there is room for (`batchSize` at once) and sets them going. A run that
   * waits (for its poll budget, for Slack) holds up only itself: the next tick fills its neighbours' places.
   */
  async tick(): Promise<number> {
    const room = this.deps.settings.batchSize - this.active.size;
    if (room <= 0) return 0;
    const now = this.deps.clock.now();
    // Not the runs this process is working on: a claim would fence out its own task (one that outlived its
    // lease on a slow upstream, say), which would have its work thrown away, and its successor too.
    const due = await this.deps.store.claimDue(
      this.deps.owner,
      now,
      new Date(now.getTime() + this.deps.settings.leaseMs),
      room,
      this.deps.mutex.busy(),
    );
    for (const run of due) {
      const work: Promise<void> = this.process(run.id).finally(() => {
        if (this.active.get(run.id) === work) this.active.delete(run.id);
      });
      this.active.set(run.id, work);
    }
    return due.length;
  }

  private async process(runId: string): Promise<void> {
    try {
      await withRun(this.deps, runId, async (run) => ({
        result: undefined,
        release: await this.advance(run),
      }));
    } catch (err) {
      if (!(err instanceof LeaseLostError)) {
        this.deps.log.error({ runId, err: describeError(err) }, 'tracking a run failed');
      }
    }
  }

  /** Moves one run forward; returns when it should be looked at next. */
  private async advance(run: RunRecord): Promise<RunPatch> {
    if (run.state === 'awaiting_approval') return awaitApproval(this.deps, run);
    let current = run;
    let pollDeferredTo: Date | undefined;
    try {
      if (current.state === 'starting' && !current.upstreamId) {
        current = await this.launcher.resumeInterruptedStart(current);
      } else if (this.pollDue(current)) {
        const slot = await this.budget.take(current.system);
        if (slot.granted) {
          current = await this.poll(current);
        } else {
          pollDeferredTo = this.later(slot.retryInMs);
        }
      }
    } catch (err) {
      if (err instanceof LeaseLostError) throw err;
      this.deps.log.error({ runId: run.id, err: describeError(err) }, 'could not advance run');
      return { nextPollAt: this.later(this.deps.settings.poll.failureMaxMs) };
    }
    try {
      current = await deliver(this.deps, current);
    } catch (err) {
      if (err instanceof LeaseLostError) throw err;
      this.deps.log.error(
        { runId: run.id, err: describeError(err) },
        'could not post run update; will retry',
      );
      return { nextPollAt: this.later(this.deps.settings.poll.minMs) };
    }
    return {
      nextPollAt: earliest(pollDeferredTo ?? this.nextPoll(current), deliveryDueAt(this.deps, current)),
    };
  }

  private pollDue(run: RunRecord): boolean {
    return (
      run.nextPollAt !== null &&
      run.nextPollAt <= this.deps.clock.now() &&
      (!isFinal(run.state) || run.mayRecover)
    );
  }

  private async poll(run: RunRecord): Promise<RunRecord> {
    const now = this.deps.clock.now();
    if (
      !isFinal(run.state) &&
      run.startedAt &&
      now.getTime() - run.startedAt.getTime() > this.deps.settings.giveUpAfterMs
    ) {
      return this.record(run, 'state', {
        state: 'timed_out',
        problem: {
          title: 'Flightdeck stopped following this run',
          message: `It was still ${run.upstreamStatus ?? run.state} after ${Math.round(this.deps.settings.giveUpAfterMs / 3_600_000)} hours.`,
          hint: `Check it in ${this.deps.registry.systemName(run.system)}.`,
        },
        finishedAt: now,
        mayRecover: false,
      });
    }
    if (
      run.mayRecover &&
      run.finishedAt &&
      now.getTime() - run.finishedAt.getTime() > this.deps.settings.watchFailedForMs
    ) {
      return this.deps.store.updateRun(run.id, leaseOf(this.deps, run), { mayRecover: false });
    }
    const op = this.deps.registry.operation(run.operationId);
    if (!op?.poll || !run.upstreamId) {
      return this.failedPoll(
        run,
        {
          title: `${this.deps.registry.systemName(run.system)} is not configured`,
          message: 'Flightdeck cannot follow this run until the system is configured again.',
        },
        false,
      );
    }
    let observation: Observation;
    try {
      observation = await op.poll({
        upstreamId: run.upstreamId,
        input: run.input,
        memo: run.memo ?? undefined,
      });
    } catch (err) {
      const systemName = this.deps.registry.systemName(run.system);
      if (!isUpstreamError(err))
        this.deps.log.error({ runId: run.id, err: describeError(err) }, 'poll threw');
      const problem = isUpstreamError(err)
        ? err.toProblem(systemName)
        : {
            title: `${systemName}: could not read the run`,
            message: 'Flightdeck hit an internal error (logged).',
          };
      return this.failedPoll(run, problem, isUpstreamError(err) && err.retryable);
    }
    const contactWasLost = run.pollFailures >= this.deps.settings.contactLostAfter;
    const patch: RunPatch = { ...observationPatch(observation, now), pollFailures: 0 };
    if (isFinal(observation.state) && run.finishedAt && run.state === observation.state) {
      patch.finishedAt = run.finishedAt;
    }
    if (isNewState(run, observation)) return this.record(run, 'state', patch, stepPayload(observation));
    if (contactWasLost) return this.record(run, 'contact_restored', patch);
    return this.deps.store.updateRun(run.id, leaseOf(this.deps, run), patch);
  }

  private async failedPoll(run: RunRecord, problem: Problem, retryable: boolean): Promise<RunRecord> {
    const failures = run.pollFailures + 1;
    const threshold = retryable ? this.deps.settings.contactLostAfter : 1;
    const alreadyReported = run.pollFailures >= this.deps.settings.contactLostAfter;
    if (!alreadyReported && failures >= threshold) {
      return this.record(run, 'contact_lost', {
        pollFailures: Math.max(failures, this.deps.settings.contactLostAfter),
        problem,
      });
    }
    return this.deps.store.updateRun(run.id, leaseOf(this.deps, run), { pollFailures: failures });
  }

  private async record(
    run: RunRecord,
    kind: 'state' | 'contact_lost' | 'contact_restored',
    patch: RunPatch,
    payload: TransitionPayload | null = null,
  ) {
    const merged = { ...run, ...patch };
    const { run: updated } = await this.deps.store.appendTransition(run.id, leaseOf(this.deps, run), patch, {
      kind,
      state: merged.state,
      upstreamStatus: merged.upstreamStatus,
      detail: merged.detail,
      progress: merged.progress,
      waitingFor: merged.waitingFor,
      problem: merged.problem,
      actorId: kind === 'state' && merged.state === 'canceled' ? run.cancelRequestedBy : null,
      at: this.deps.clock.now(),
      payload,
    });
    return updated;
  }

  /** When the upstream should next be asked; null when the run is over. */
  private nextPoll(run: RunRecord): Date | null {
    const { settings } = this.deps;
    if (isFinal(run.state)) return run.mayRecover ? this.later(settings.watchFailedEveryMs) : null;
    const started = run.startedAt ?? run.createdAt;
    const age = this.deps.clock.now().getTime() - started.getTime();
    return this.later(nextPollDelay(settings.poll, age, run.pollFailures));
  }

  private later(ms: number): Date {
    return new Date(this.deps.clock.now().getTime() + ms);
  }
}
