import type { NewAuditRecord } from './audit-store';
import type { RunRecord } from '../runs/run-store';

/**
 * One audit record about a run: who did what to which run, with its facts (never the raw input, so no
 * secret) and, once known, the upstream id and the thread.
 */
export function runAudit(
  run: RunRecord,
  entry: { at: Date; actorId: string | null; action: string; outcome: string; rule?: string | null },
  detail: Record<string, unknown> = {},
): NewAuditRecord {
  return {
    at: entry.at,
    actorId: entry.actorId ?? 'flightdeck',
    channelId: run.channelId,
    action: entry.action,
    operationId: run.operationId,
    runId: run.id,
    outcome: entry.outcome,
    rule: entry.rule ?? null,
    detail: {
      facts: run.facts,
      ...(run.upstreamId ? { upstreamId: run.upstreamId } : {}),
      ...(run.parentTs ? { thread: { channel: run.channelId, ts: run.parentTs } } : {}),
      ...detail,
    },
  };
}
