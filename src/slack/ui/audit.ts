import { z } from 'zod';
import type { AuditRecord, NewAuditRecord } from '../../core/audit/audit-store';
import { context, escapeMrkdwn, header, type MessageContent, section, slackDate, truncate } from './blocks';

const detailSchema = z
  .object({
    facts: z.array(z.object({ label: z.string(), value: z.string() }).loose()).optional(),
    upstreamId: z.string().optional(),
    why: z.string().optional(),
    problem: z.string().optional(),
    approvals: z.number().optional(),
    required: z.number().optional(),
  })
  .loose();

/**
 * One record in one line: when, who, what, where, the outcome and why, the parameters (the run's facts,
 * never its raw input), the upstream id and the thread.
 */
export function auditLine(record: NewAuditRecord, threadLink?: string): string {
  const parsed = detailSchema.safeParse(record.detail);
  const detail = parsed.success ? parsed.data : {};
  const parts = [
    `${slackDate(record.at, '{date_short} {time_secs}')} <@${record.actorId}> *${escapeMrkdwn(record.action)}*` +
      (record.operationId ? ` \`${escapeMrkdwn(record.operationId)}\`` : '') +
      (record.channelId ? ` in <#${record.channelId}>` : '') +
      ` → *${escapeMrkdwn(record.outcome)}*` +
      (record.rule ? ` (rule "${escapeMrkdwn(record.rule)}")` : ''),
  ];
  if (detail.approvals !== undefined && detail.required !== undefined)
    parts.push(`${detail.approvals} of ${detail.required} approvals`);
  if (detail.why) parts.push(escapeMrkdwn(truncate(detail.why, 300)));
  if (detail.problem) parts.push(escapeMrkdwn(truncate(detail.problem, 200)));
  const facts = (detail.facts ?? []).map(
    (f) => `${escapeMrkdwn(f.label)}: ${escapeMrkdwn(truncate(f.value, 80))}`,
  );
  if (facts.length > 0) parts.push(truncate(facts.join(', '), 400));
  if (detail.upstreamId) parts.push(`upstream \`${escapeMrkdwn(detail.upstreamId)}\``);
  if (record.runId)
    parts.push(threadLink ? `<${threadLink}|run \`${record.runId}\`>` : `run \`${record.runId}\``);
  return parts.join(' · ');
}

export interface AuditQueryText {
  user?: string;
  sinceText: string;
}

/** `/ops audit`: newest first, with what was asked for. */
export function auditMessage(
  records: AuditRecord[],
  links: Map<number, string>,
  query: AuditQueryText,
  limit: number,
): MessageContent {
  const scope = `${query.user ? ` by <@${query.user}>` : ''} in the last ${escapeMrkdwn(query.sinceText)}`;
  const lines = records.map((r) => `• ${auditLine(r, links.get(r.id))}`);
  const blocks = [header('Audit trail'), context(`Newest first${scope}.`)];
  if (lines.length === 0) blocks.push(section(`No audit records${scope}.`));
  let chunk = '';
  for (const line of lines) {
    if (chunk.length + line.length + 1 > 2_900) {
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk += `${chunk ? '\n' : ''}${truncate(line, 2_900)}`;
  }
  if (chunk) blocks.push(section(chunk));
  if (records.length >= limit)
    blocks.push(context(`Showing the newest ${limit}; narrow it with \`--user\` or \`--since\`.`));
  return { text: `Audit trail${scope.replace(/<@([A-Z0-9]+)>/g, '@$1')}`, blocks: blocks.slice(0, 50) };
}

export function auditRefusal(): MessageContent {
  const text =
    ':lock: Only Flightdeck admins can read the audit trail. Admins are listed under `admins` in the Flightdeck config; ask one of them.';
  return { text: 'Only Flightdeck admins can read the audit trail.', blocks: [section(text)] };
}
