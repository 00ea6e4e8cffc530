import { randomUUID } from 'node:crypto';
import { type RunPatch, type RunRecord, unchangedState } from './run-store';
import { openApprovalRequest } from '../approvals/flow';
import { runAudit } from '../audit/run-audit';
import { deliver, deliveryDueAt, earliest } from './delivery';
import type { EngineDeps } from './engine-deps';
import { leaseOf, withRun } from './lease';
import { linkRerun, rerunSource } from './rerun';
import { observationPatch, stepPayload } from '../operations/observation';
import type { Fact, Operation, Preview, Requester, StartContext, StartResult } from '../operations/contract';
import type { Decision } from '../policy/policy';
import { type Problem } from '../operations/problem';
import { isFinal } from './lifecycle';
import { nextPollDelay } from './poll-schedule';
import { code, type Text, txt } from '../kit/text';
import { describeError, isUpstreamError, PreviewOutdatedError } from '../errors';

export interface LaunchRequest {
  operationId: string;
  /** Already parsed by the operation's schema. */
  input: unknown;
  /** One submission = one run (the view id and hash). */
  idempotencyKey: string;
  channelId: string;
  requester: Requester;
  confirmedFingerprint?: string;
  /** The finished run this one re-runs (its Re-run button opened the form). */
  rerunOf?: string;
}

export type StartOutcome =
  | { kind: 'started'; run: RunRecord }
  | { kind: 'failed'; run: RunRecord; problem: Problem }
  | { kind: 'outdated'; preview: Preview };

export type LaunchResult =
  | { kind: 'denied'; decision: Decision }
  | { kind: 'unavailable'; reason: Text }
  | { kind: 'duplicate'; run: RunRecord }
  | { kind: 'accepted'; run: RunRecord; started: Promise<StartOutcome> }
  /** Waits for approval (`decision.approval` says whose); `posted` resolves once the request is out. */
  | { kind: 'awaiting_approval'; run: RunRecord; decision: Decision; posted: Promise<RunRecord> };

export type CancelResult =
  | { kind: 'requested'; run: RunRecord }
  | { kind: 'already_requested'; by: string }
  | { kind: 'finished'; run: RunRecord }
  | { kind: 'denied'; decision: Decision }
  | { kind: 'unsupported' }
  | { kind: 'not_found' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts runs exactly once and records how each start went; cancels them. */
export class Launcher {
  constructor(private readonly deps: EngineDeps) {}

  /** Decides, records the run and returns at once; the upstream call happens in `started`. */
  async launch(request: LaunchRequest): Promise<LaunchResult> {
    const { store, registry, policy, clock } = this.deps;
    const op = registry.operation(request.operationId);
    if (!op) {
      return {
        kind: 'unavailable',
        reason: txt`${code(request.operationId)} is not available: its system is not configured.`,
      };
    }
    const decision = await policy.decide(
      { userId: request.requester.id, channelId: request.channelId },
      op.id,
      request.input,
    );
    const facts = op.describe(request.input);
    const rerunOf = await rerunSource(this.deps, request.rerunOf, op.id);
    const audit = (outcome: string, runId: string | null) =>
      this.deps.audit.append({
        at: clock.now(),
        actorId: request.requester.id,
        channelId: request.channelId,
        action: 'launch',
        operationId: op.id,
        runId,
        outcome,
        rule: decision.rule ?? null,
        detail: { facts, ...(rerunOf ? { rerunOf } : {}) },
      });
    if (!decision.allowed) {
      await audit('denied', null);
      return { kind: 'denied', decision };
    }
    const now = clock.now();
    const { created, run } = await store.createRun({
      id: randomUUID(),
      idempotencyKey: request.idempotencyKey,
      operationId: op.id,
      system: op.system,
      channelId: request.channelId,
      requesterId: request.requester.id,
      input: request.input,
      facts,
      state: decision.approval ? 'awaiting_approval' : 'starting',
      createdAt: now,
      nextPollAt: new Date(now.getTime() + this.deps.settings.startLeaseMs),
      leaseOwner: this.deps.owner,
      leaseUntil: new Date(now.getTime() + this.deps.settings.startLeaseMs),
      rerunOf,
    });
    if (!created) {
      await audit('duplicate', run.id);
      return { kind: 'duplicate', run };
    }
    await audit(decision.approval ? 'approval_requested' : 'allowed', run.id);
    if (decision.approval) {
      const posted = openApprovalRequest(this.deps, run, decision.approval, request.confirmedFingerprint);
      await linkRerun(this.deps, run);
      return { kind: 'awaiting_approval', run, decision, posted };
    }
    const started = this.begin(run, op, request);
    // The start is under way meanwhile: linking waits on the earlier run, never on this one.
    await linkRerun(this.deps, run);
    return { kind: 'accepted', run, started };
  }

  /** Starts a run whose approvals are complete; the caller holds its lease (the approval handed it over). */
  async startApproved(run: RunRecord, confirmedFingerprint: string | undefined): Promise<StartOutcome> {
    const op = this.deps.registry.operation(run.operationId);
    if (!op) {
      const problem = {
        title: `${this.deps.registry.systemName(run.system)} is not configured`,
        message: 'Flightdeck cannot start this approved run while its system is not configured.',
      };
      const failed = await this.deps.mutex.run(run.id, () => this.recordStartFailure(run, problem));
      await this.deps.mutex.run(run.id, () => this.finish(failed));
      return { kind: 'failed', run: failed, problem };
    }
    return this.begin(run, op, {
      operationId: run.operationId,
      input: run.input,
      idempotencyKey: run.idempotencyKey,
      channelId: run.channelId,
      requester: { id: run.requesterId },
      confirmedFingerprint,
    });
  }

  private begin(run: RunRecord, op: Operation, request: LaunchRequest): Promise<StartOutcome> {
    return this.deps.mutex.run(run.id, async () => {
      const ctx = startContext(run, request.requester);
      let outcome: StartOutcome;
      try {
        const result = await op.start(request.input, ctx, request.confirmedFingerprint);
        outcome = { kind: 'started', run: await this.recordStarted(run, result) };
      } catch (err) {
        if (err instanceof PreviewOutdatedError) {
          await this.deps.store.updateRun(run.id, leaseOf(this.deps, run), {
            state: 'rejected',
            finishedAt: this.deps.clock.now(),
            nextPollAt: null,
            problem: {
              title: 'Changed since you confirmed',
              message: 'The current value changed; review it again.',
            },
          });
          await this.deps.store.release(run.id, leaseOf(this.deps, run), {});
          return { kind: 'outdated', preview: err.preview };
        }
        const recovered = await this.recoverAfter(err, run, op, ctx, request.input);
        if (recovered) {
          outcome = { kind: 'started', run: await this.recordStarted(run, recovered) };
        } else {
          const problem = this.startProblem(err, op, ctx);
          outcome = { kind: 'failed', run: await this.recordStartFailure(run, problem), problem };
        }
      }
      await this.finish(outcome.run);
      return outcome;
    });
  }

  /** After a crash mid-start: adopt what the start created, or say that nothing was found. Caller holds the run. */
  async resumeInterruptedStart(run: RunRecord): Promise<RunRecord> {
    const op = this.deps.registry.operation(run.operationId);
    const ctx = startContext(run, { id: run.requesterId });
    const found = op?.recover ? await op.recover(run.input, ctx).catch(() => undefined) : undefined;
    if (found) return this.recordStarted(run, found);
    return this.recordStartFailure(run, {
      title: 'Start interrupted',
      message: 'Flightdeck restarted while starting this run and found nothing it had started upstream.',
      hint: 'Nothing was started. Start it again if it is still needed.',
    });
  }

  private async recoverAfter(
    err: unknown,
    run: RunRecord,
    op: Operation,
    ctx: StartContext,
    input: unknown,
  ): Promise<StartResult | undefined> {
    if (!isUpstreamError(err) || !err.ambiguous || !op.recover) return undefined;
    this.deps.log.warn(
      { runId: run.id, op: op.id, err: err.message },
      'ambiguous start; looking for what it created',
    );
    for (const delay of this.deps.settings.recoverDelaysMs) {
      await sleep(delay);
      const found = await op.recover(input, ctx).catch(() => undefined);
      if (found) return found;
    }
    return undefined;
  }

  private startProblem(err: unknown, op: Operation, ctx: StartContext): Problem {
    const systemName = this.deps.registry.systemName(op.system);
    if (!isUpstreamError(err)) {
      this.deps.log.error({ err, op: op.id }, 'operation start threw an unexpected error');
      return {
        title: `${systemName}: could not start`,
        message: 'Flightdeck hit an internal error (logged).',
      };
    }
    const problem = err.toProblem(systemName);
    if (!err.ambiguous) return problem;
    return {
      ...problem,
      title: `${systemName} did not confirm the start`,
      hint:
        `Flightdeck did not retry, to avoid starting it twice, and found nothing tagged ${ctx.tag}. ` +
        `Check ${systemName} before starting again.`,
    };
  }

  private async recordStarted(run: RunRecord, result: StartResult): Promise<RunRecord> {
    const now = this.deps.clock.now();
    const facts: Fact[] = [...run.facts, ...(result.facts ?? [])];
    const patch: RunPatch = {
      ...observationPatch(result.observation, now),
      upstreamId: result.upstreamId,
      upstreamUrl: result.url ?? result.observation.url ?? null,
      facts,
      memo: result.memo ?? null,
      startedAt: now,
    };
    const { run: updated } = await this.deps.store.appendTransition(run.id, leaseOf(this.deps, run), patch, {
      kind: 'started',
      state: result.observation.state,
      upstreamStatus: result.observation.upstreamStatus,
      detail: result.observation.detail ?? null,
      progress: result.observation.progress ?? null,
      waitingFor: result.observation.waitingFor ?? null,
      problem: result.observation.problem ?? null,
      actorId: run.requesterId,
      at: now,
      payload: stepPayload(result.observation),
    });
    await this.deps.audit.append(
      runAudit(updated, { at: now, actorId: run.requesterId, action: 'start', outcome: 'started' }),
    );
    return updated;
  }

  private async recordStartFailure(run: RunRecord, problem: Problem): Promise<RunRecord> {
    const now = this.deps.clock.now();
    const { run: updated } = await this.deps.store.appendTransition(
      run.id,
      leaseOf(this.deps, run),
      { state: 'failed', problem, finishedAt: now, mayRecover: false },
      {
        kind: 'state',
        state: 'failed',
        upstreamStatus: null,
        detail: null,
        progress: null,
        waitingFor: null,
        problem,
        actorId: null,
        at: now,
      },
    );
    await this.deps.audit.append({
      at: now,
      actorId: run.requesterId,
      channelId: run.channelId,
      action: 'start',
      operationId: run.operationId,
      runId: run.id,
      outcome: 'failed',
      rule: null,
      detail: { problem: problem.title },
    });
    return updated;
  }

  /** Posts what the start produced and hands the run to the tracker. */
  private async finish(run: RunRecord): Promise<void> {
    let nextPollAt = this.nextPollAfterStart(run);
    try {
      // A refused post or a deferred status-line edit brings the tracker back even if nothing is polled.
      nextPollAt = earliest(nextPollAt, deliveryDueAt(this.deps, await deliver(this.deps, run)));
    } catch (err) {
      this.deps.log.warn(
        { runId: run.id, err: describeError(err) },
        'could not post the start; the tracker will retry',
      );
      nextPollAt = new Date(this.deps.clock.now().getTime() + this.deps.settings.poll.minMs);
    }
    await this.deps.store.release(run.id, leaseOf(this.deps, run), { nextPollAt });
  }

  private nextPollAfterStart(run: RunRecord): Date | null {
    const polls = this.deps.registry.operation(run.operationId)?.poll !== undefined;
    if (!polls || (isFinal(run.state) && !run.mayRecover)) return null;
    return new Date(this.deps.clock.now().getTime() + nextPollDelay(this.deps.settings.poll, 0, 0));
  }

  /** The input that undoes a finished run, with its operation; undefined when it cannot be undone. */
  async revertInput(
    runId: string,
    requester: Requester,
  ): Promise<{ operation: Operation; input: unknown } | undefined> {
    const run = await this.deps.store.getRun(runId);
    const operation = run ? this.deps.registry.operation(run.operationId) : undefined;
    if (!run || !operation?.revertInput || run.state !== 'succeeded' || !run.upstreamId) return undefined;
    const input = operation.revertInput({
      upstreamId: run.upstreamId,
      input: run.input,
      memo: run.memo ?? undefined,
    });
    if (input === undefined) return undefined;
    // The change it leads to is audited as a launch; this records who asked to undo which run.
    await this.deps.audit.append(
      runAudit(run, {
        at: this.deps.clock.now(),
        actorId: requester.id,
        action: 'revert',
        outcome: 'requested',
      }),
    );
    return { operation, input };
  }

  /** First click wins; the upstream is asked once; the tracker reports the outcome. */
  async cancel(runId: string, requester: Requester, channelId: string): Promise<CancelResult> {
    const { store, registry, policy, clock } = this.deps;
    const run = await store.getRun(runId);
    if (!run) return { kind: 'not_found' };
    const op = registry.operation(run.operationId);
    if (!op?.cancel) return { kind: 'unsupported' };
    if (run.requesterId !== requester.id) {
      const decision = await policy.decide({ userId: requester.id, channelId }, op.id, run.input);
      if (!decision.allowed) return { kind: 'denied', decision };
    }
    if (isFinal(run.state) && !run.mayRecover) return { kind: 'finished', run };
    if (!(await store.requestCancel(runId, requester.id, clock.now()))) {
      const latest = await store.getRun(runId);
      if (latest && isFinal(latest.state) && !latest.mayRecover) return { kind: 'finished', run: latest };
      return { kind: 'already_requested', by: latest?.cancelRequestedBy ?? 'someone' };
    }
    await this.deps.audit.append({
      at: clock.now(),
      actorId: requester.id,
      channelId,
      action: 'cancel',
      operationId: op.id,
      runId,
      outcome: 'requested',
      rule: null,
      detail: {},
    });
    const result = await withRun(
      this.deps,
      runId,
      async (claimed) => {
        let problem: Problem | null = null;
        let release: RunPatch = { nextPollAt: clock.now() };
        try {
          const outcome = await op.cancel?.({
            upstreamId: claimed.upstreamId ?? '',
            input: claimed.input,
            memo: claimed.memo ?? undefined,
          });
          if (outcome === 'already_finished')
            problem = { title: 'Already finished', message: 'It had already finished upstream.' };
        } catch (err) {
          problem = isUpstreamError(err)
            ? err.toProblem(registry.systemName(op.system))
            : { title: 'Cancel failed', message: 'Flightdeck hit an internal error (logged).' };
          release = { ...release, cancelRequestedBy: null, cancelRequestedAt: null };
        }
        const { run: updated } = await store.appendTransition(
          runId,
          leaseOf(this.deps, claimed),
          {},
          {
            kind: 'cancel_requested',
            ...unchangedState(claimed),
            problem,
            actorId: requester.id,
            at: clock.now(),
          },
        );
        const delivered = await deliver(this.deps, updated).catch((err: unknown) => {
          this.deps.log.warn({ runId, err: describeError(err) }, 'could not post the cancel request');
          return updated;
        });
        return { result: delivered, release };
      },
      10_000,
    );
    return { kind: 'requested', run: result ?? run };
  }
}

function startContext(run: RunRecord, requester: Requester): StartContext {
  return { runId: run.id, requester, tag: `flightdeck:${run.id}` };
}
