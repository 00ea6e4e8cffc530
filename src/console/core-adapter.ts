import type { AuditRecord } from '../core/audit/audit-store';
import type { ChannelAccess } from '../core/runs/access';
import type { Clock } from '../core/kit/clock';
import type { Policy, Decision, Subject } from '../core/policy/policy';
import type { Operation } from '../core/operations/contract';
import type { Registry } from '../core/operations/registry';
import type { RunRecord } from '../core/runs/run-store';
import type { Store } from '../core/store';

/**
 * The console's thin adapter over today's core API: the run queries, the audit trail and the "may the
 * form open" check that the Slack listeners still do themselves. Helper "services" is moving these into
 * core services (src/core/runs/run-queries.ts, src/core/audit/trail.ts); when that lands each function
 * here becomes a call to them, and this file goes.
 */
export interface AdapterDeps {
  store: Store;
  registry: Registry;
  policy: Policy;
  access: ChannelAccess;
  clock: Clock;
  admins: readonly string[];
}

const RUNS_SHOWN = 20;
const AUDIT_SHOWN = 50;

export async function recentRuns(
  deps: AdapterDeps,
  subject: Subject,
  mine: boolean,
): Promise<{ title: string; runs: RunRecord[]; hidden: number }> {
  if (!mine) {
    const runs = await deps.store.listRuns({ channelId: subject.channelId, limit: RUNS_SHOWN });
    return { title: `Recent runs in #${subject.channelId}`, runs, hidden: 0 };
  }
  const runs = await deps.store.listRuns({ requesterId: subject.userId, limit: RUNS_SHOWN * 3 });
  const seen = await deps.access.filter(subject.userId, runs, (run) => run.channelId);
  return {
    title: `Recent runs of ${subject.userId}`,
    runs: seen.visible.slice(0, RUNS_SHOWN),
    hidden: seen.notMember + seen.unknown,
  };
}

export type StatusAnswer =
  { kind: 'missing' } | { kind: 'refused'; reason: string } | { kind: 'run'; title: string; run: RunRecord };

/** `status <run>`: only to members of the run's channel and admins; a refusal is audited. */
export async function runStatus(deps: AdapterDeps, subject: Subject, runId: string): Promise<StatusAnswer> {
  const run = await deps.store.getRun(runId);
  if (!run) return { kind: 'missing' };
  const access = await deps.access.check(subject.userId, run.channelId, subject.channelId);
  if (!access.allowed) {
    await deps.store.appendAudit({
      at: deps.clock.now(),
      actorId: subject.userId,
      channelId: subject.channelId,
      action: 'status',
      operationId: run.operationId,
      runId: run.id,
      outcome: 'refused',
      rule: null,
      detail: { why: access.reason },
    });
    return { kind: 'refused', reason: access.reason };
  }
  const info = deps.registry.operationInfo(run.operationId);
  return {
    kind: 'run',
    title: `${deps.registry.systemName(run.system)}: ${info?.title ?? run.operationId}`,
    run,
  };
}

/** `audit`: admins read it; anyone else is refused, and the refusal is recorded. */
export async function auditTrail(
  deps: AdapterDeps,
  userId: string,
  query: { user?: string; sinceMs: number },
): Promise<AuditRecord[] | undefined> {
  if (!deps.admins.includes(userId)) {
    await deps.store.appendAudit({
      at: deps.clock.now(),
      actorId: userId,
      channelId: null,
      action: 'audit',
      operationId: null,
      runId: null,
      outcome: 'refused',
      rule: null,
      detail: {},
    });
    return undefined;
  }
  const since = new Date(deps.clock.now().getTime() - query.sinceMs);
  return deps.store.listAudit({ actorId: query.user, since, limit: AUDIT_SHOWN });
}

/** Before the form opens: only a certain refusal stops it (the input is not known yet), and it is audited. */
export async function mayOpen(deps: AdapterDeps, subject: Subject, op: Operation): Promise<Decision> {
  const decision = await deps.policy.decide(subject, op.id);
  if (!decision.allowed)
    await deps.store.appendAudit({
      at: deps.clock.now(),
      actorId: subject.userId,
      channelId: subject.channelId,
      action: 'open',
      operationId: op.id,
      runId: null,
      outcome: 'denied',
      rule: decision.rule ?? null,
      detail: {},
    });
  return decision;
}
