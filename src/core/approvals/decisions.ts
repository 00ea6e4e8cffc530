import type { ApprovalOutcome, ApprovalStatus } from './approval-store';
import type { RunRecord } from '../runs/run-store';
import { announceApproved, closeRejected, recordedNeed, rejectedPatch, settle, transition } from './flow';
import { runAudit } from '../audit/run-audit';
import type { EngineDeps } from '../runs/engine-deps';
import type { Launcher, StartOutcome } from '../runs/launcher';
import { leaseOf, withRun } from '../runs/lease';
import { approverPhrase, type Decision } from '../policy/policy';
import type { RunState } from '../runs/lifecycle';
import { plainText, type Text } from '../kit/text';

export type Vote = 'approve' | 'reject';

export type VoteResult =
  /** The last approval needed: the run is starting. */
  | { kind: 'approved'; run: RunRecord; started: Promise<StartOutcome> }
  /** Approved, but more approvals are needed. */
  | { kind: 'counted'; approvals: number; required: number }
  | { kind: 'rejected'; run: RunRecord }
  | { kind: 'already_voted'; vote: Vote }
  /** Someone (or the clock) decided first. */
  | { kind: 'decided'; state: RunState; outcome: ApprovalOutcome | null; by: string | null }
  | { kind: 'own_run' }
  | { kind: 'not_approver'; approvers: Text }
  /** The policy re-checked at approval time no longer lets the requester run it: the run is rejected. */
  | { kind: 'no_longer_allowed'; decision: Decision }
  | { kind: 'not_found' };

/**
 * Approve and Reject. Each vote is recorded once per person; the decision is made once, by whichever vote
 * completes it, through a conditional update of the run. Policy is checked again at every vote: the
 * requester must still be allowed to ask for it, the voter must still be an approver, and never the
 * requester (who may only withdraw, by rejecting).
 */
export class Approvals {
  constructor(
    private readonly deps: EngineDeps,
    private readonly launcher: Launcher,
  ) {}

  async vote(runId: string, userId: string, vote: Vote): Promise<VoteResult> {
    const { store, policy, clock } = this.deps;
    const run = await store.getRun(runId);
    const status = run ? await store.getApproval(runId) : undefined;
    if (!run || !status) return { kind: 'not_found' };
    if (run.state !== 'awaiting_approval') return decided(run, status);
    const action = vote;
    const refused = async (why: string, result: VoteResult) => {
      await this.deps.audit.append(
        runAudit(
          run,
          { at: clock.now(), actorId: userId, action, outcome: 'refused', rule: status.request.rule },
          { why },
        ),
      );
      return result;
    };
    const own = userId === run.requesterId;
    if (own && vote === 'approve') return refused('own run', { kind: 'own_run' });

    const current = await policy.decide(
      { userId: run.requesterId, channelId: run.channelId },
      run.operationId,
      run.input,
    );
    if (!current.allowed) return this.noLongerAllowed(run, userId, current);
    const need = current.approval ?? recordedNeed(status.request);
    if (!own && !(await policy.isApprover(userId, need)))
      return refused('not an approver', { kind: 'not_approver', approvers: approverPhrase(need) });

    const { recorded, approvals } = await store.castVote({
      runId,
      approverId: userId,
      vote,
      at: clock.now(),
    });
    if (!recorded) {
      const latest = await store.getRun(runId);
      const latestStatus = await store.getApproval(runId);
      if (latest && latestStatus && latest.state !== 'awaiting_approval')
        return decided(latest, latestStatus);
      const earlier = latestStatus?.votes.find((v) => v.approverId === userId)?.vote ?? vote;
      return refused('already voted', { kind: 'already_voted', vote: earlier });
    }
    if (vote === 'reject') return this.reject(run, userId, status);
    if (approvals < need.approvals) return this.count(run, userId, approvals, need.approvals, status);
    return this.approve(run, userId, approvals, need.approvals, status);
  }

  private async approve(
    run: RunRecord,
    userId: string,
    approvals: number,
    required: number,
    status: ApprovalStatus,
  ): Promise<VoteResult> {
    const now = this.deps.clock.now();
    const voters = [...status.votes.filter((v) => v.vote === 'approve').map((v) => v.approverId), userId];
    const payload = { kind: 'approvals' as const, approvals, required, approvedBy: [...new Set(voters)] };
    const settled = await this.deps.mutex.run(run.id, () =>
      settle(
        this.deps,
        run.id,
        { outcome: 'approved', by: userId },
        {
          state: 'starting',
          waitingFor: null,
          detail: null,
          nextPollAt: new Date(now.getTime() + this.deps.settings.startLeaseMs),
        },
        transition('approved', 'starting', userId, payload, now),
      ),
    );
    if (!settled) return this.lateDecision(run.id);
    await this.deps.audit.append(
      runAudit(
        settled,
        { at: now, actorId: userId, action: 'approve', outcome: 'approved', rule: status.request.rule },
        { approvals, required },
      ),
    );
    await announceApproved(this.deps, settled);
    const started = this.launcher
      .startApproved(settled, status.request.fingerprint ?? undefined)
      .then(async (outcome) => {
        if (outcome.kind === 'outdated') await this.reportOutdated(run.id);
        return outcome;
      });
    return { kind: 'approved', run: settled, started };
  }

  /**
   * The change that was approved no longer matches what is there (someone changed it meanwhile): the start
   * refused and rejected the run; its thread says so, since nobody has a confirmation modal open to see it.
   */
  private async reportOutdated(runId: string): Promise<void> {
    await withRun(
      this.deps,
      runId,
      async (claimed) => {
        await this.deps.store.appendTransition(
          runId,
          leaseOf(this.deps, claimed),
          {},
          transition('state', 'rejected', null, null, this.deps.clock.now(), claimed.problem),
        );
        // The tracker posts it.
        return { result: undefined, release: { nextPollAt: this.deps.clock.now() } };
      },
      10_000,
    );
  }

  /** One approval of several: the thread and the status line count it. */
  private async count(
    run: RunRecord,
    userId: string,
    approvals: number,
    required: number,
    status: ApprovalStatus,
  ): Promise<VoteResult> {
    const { store, clock } = this.deps;
    const now = clock.now();
    await this.deps.audit.append(
      runAudit(
        run,
        { at: now, actorId: userId, action: 'approve', outcome: 'counted', rule: status.request.rule },
        { approvals, required },
      ),
    );
    await withRun(
      this.deps,
      run.id,
      async (claimed) => {
        if (claimed.state !== 'awaiting_approval') return { result: undefined, release: {} };
        const { run: updated } = await store.appendTransition(
          run.id,
          leaseOf(this.deps, claimed),
          { detail: `${approvals} of ${required} approvals` },
          transition(
            'approved',
            'awaiting_approval',
            userId,
            { kind: 'approvals', approvals, required, approvedBy: [] },
            now,
          ),
        );
        // The tracker posts it and keeps watching the expiry.
        return { result: updated, release: { nextPollAt: clock.now() } };
      },
      10_000,
    );
    this.deps.log.info({ runId: run.id, approvals, required }, 'approval counted');
    return { kind: 'counted', approvals, required };
  }

  private async reject(run: RunRecord, userId: string, status: ApprovalStatus): Promise<VoteResult> {
    const now = this.deps.clock.now();
    const rejected = await this.deps.mutex.run(run.id, () =>
      settle(
        this.deps,
        run.id,
        { outcome: 'rejected', by: userId },
        rejectedPatch(now, null),
        transition('state', 'rejected', userId, null, now),
      ),
    );
    if (!rejected) return this.lateDecision(run.id);
    await this.deps.audit.append(
      runAudit(rejected, {
        at: now,
        actorId: userId,
        action: 'reject',
        outcome: userId === run.requesterId ? 'withdrawn' : 'rejected',
        rule: status.request.rule,
      }),
    );
    return {
      kind: 'rejected',
      run: await this.deps.mutex.run(run.id, () => closeRejected(this.deps, rejected)),
    };
  }

  private async noLongerAllowed(run: RunRecord, userId: string, decision: Decision): Promise<VoteResult> {
    const now = this.deps.clock.now();
    const problem = {
      title: 'No longer allowed',
      message: 'The policy no longer lets the requester run this, so it was not started.',
      ...(decision.contacts.length > 0 ? { hint: `Who can help: ${decision.contacts.join(', ')}.` } : {}),
    };
    const rejected = await this.deps.mutex.run(run.id, () =>
      settle(
        this.deps,
        run.id,
        { outcome: 'rejected', by: null },
        rejectedPatch(now, problem),
        transition('state', 'rejected', null, null, now, problem),
      ),
    );
    if (!rejected) return this.lateDecision(run.id);
    await this.deps.audit.append(
      runAudit(
        rejected,
        { at: now, actorId: userId, action: 'approve', outcome: 'rejected', rule: decision.rule },
        { why: plainText(decision.reason) },
      ),
    );
    await this.deps.mutex.run(run.id, () => closeRejected(this.deps, rejected));
    return { kind: 'no_longer_allowed', decision };
  }

  private async lateDecision(runId: string): Promise<VoteResult> {
    const run = await this.deps.store.getRun(runId);
    const status = await this.deps.store.getApproval(runId);
    return run && status ? decided(run, status) : { kind: 'not_found' };
  }
}

function decided(run: RunRecord, status: ApprovalStatus): VoteResult {
  return { kind: 'decided', state: run.state, outcome: status.request.outcome, by: status.request.decidedBy };
}
