import type { SlackDeps } from '../../deps';
import { auditMessage, auditRefusal } from '../../ui/audit';
import type { MessageContent } from '../../ui/blocks';

/** `/ops audit`: recent records for admins (from the config); everyone else is told who can read it. */
export async function auditTrail(
  deps: SlackDeps,
  userId: string,
  query: { user?: string; sinceMs: number; sinceText: string },
): Promise<MessageContent> {
  const reading = await deps.audit.trail.read(userId, { actorId: query.user, sinceMs: query.sinceMs });
  if (!reading.allowed) return auditRefusal();
  const byKey = await deps.audit.permalinks.many(
    reading.entries.flatMap(({ record, thread }) => (thread ? [{ key: String(record.id), ...thread }] : [])),
    reading.limit,
  );
  const links = new Map([...byKey].map(([key, url]) => [Number(key), url]));
  return auditMessage(
    reading.entries.map((e) => e.record),
    links,
    query,
    reading.limit,
  );
}
