import { threadOf } from '../../audit-feed';
import type { SlackDeps } from '../../deps';
import type { MessageRef } from '../../permalinks';
import { auditMessage, auditRefusal } from '../../ui/audit';
import type { MessageContent } from '../../ui/blocks';

const LIMIT = 50;

/** `/ops audit`: recent records for admins (from the config); everyone else is told who can read it. */
export async function auditTrail(
  deps: SlackDeps,
  userId: string,
  query: { user?: string; sinceMs: number; sinceText: string },
): Promise<MessageContent> {
  if (!deps.audit.admins.includes(userId)) {
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
    return auditRefusal();
  }
  const since = new Date(deps.clock.now().getTime() - query.sinceMs);
  const records = await deps.store.listAudit({ actorId: query.user, since, limit: LIMIT });
  const refs = await Promise.all(records.map((r) => threadOf(deps.store, r, String(r.id))));
  const byKey = await deps.audit.permalinks.many(
    refs.filter((ref): ref is MessageRef => ref !== undefined),
    LIMIT,
  );
  const links = new Map([...byKey].map(([key, url]) => [Number(key), url]));
  return auditMessage(records, links, query, LIMIT);
}
