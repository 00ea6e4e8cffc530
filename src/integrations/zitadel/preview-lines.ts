import { type Condition, conditionLabel } from './condition';
import { diffTargets } from './diff';
import { code, ordinal } from './markdown';
import type { Plan } from './planner';

/** "request method `/zitadel…/ListSessions`": the condition in mrkdwn. */
export function conditionMarkdown(c: Condition): string {
  if (c.scope === 'all') return conditionLabel(c);
  const label = conditionLabel(c);
  return `${label.slice(0, label.length - c.value.length)}${code(c.value)}`;
}

/**
 * Names targets by name; the id is added when a name is shared by two of the targets shown,
 * and stands alone when Zitadel does not know the target.
 */
function namer(
  ids: string[],
  names: Map<string, string>,
  wrap: (text: string) => string,
): (id: string) => string {
  const counts = new Map<string, number>();
  for (const id of new Set(ids)) {
    const name = names.get(id);
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return (id) => {
    const name = names.get(id);
    if (!name) return `unknown target (${wrap(id)})`;
    return (counts.get(name) ?? 0) > 1 ? `${wrap(name)} (${wrap(id)})` : wrap(name);
  };
}

export const targetNamer = (ids: string[], names: Map<string, string>) => namer(ids, names, code);

/** Plain text for facts: "audit-log → ip-allow-list", or "none". */
export function plainTargetNames(ids: string[], names: Map<string, string>): string {
  return ids.length === 0 ? 'none' : ids.map(namer(ids, names, (text) => text)).join(' → ');
}

/** The preview of a plan: what the condition calls now and after, and what changes. */
export function previewLines(plan: Plan): string[] {
  const { condition, current, desired, names } = plan;
  const name = targetNamer([...current, ...desired, ...(plan.include?.targets ?? [])], names);
  const list = (ids: string[]) =>
    ids.length === 0 ? '_no targets_' : ids.map((id, i) => `${i + 1}. ${name(id)}`).join(' → ');
  const diff = diffTargets(current, desired);
  const lines = [
    `*Condition:* ${conditionMarkdown(condition)}`,
    `*Now:* ${list(current)}`,
    `*After:* ${list(desired)}`,
  ];
  if (diff.unchanged) {
    lines.push(
      desired.length === 0
        ? ':white_check_mark: *No change:* the condition has no targets and will still have none.'
        : ':white_check_mark: *No change:* the condition already calls exactly these targets, in this order.',
    );
  }
  if (diff.cleared)
    lines.push(':warning: *All targets removed:* after this change the condition calls nothing.');
  if (diff.added.length > 0) {
    lines.push(
      `:heavy_plus_sign: *Added:* ${diff.added.map((id) => `${name(id)} (${ordinal(desired.indexOf(id) + 1)})`).join(', ')}`,
    );
  }
  if (diff.removed.length > 0)
    lines.push(`:heavy_minus_sign: *Removed:* ${diff.removed.map(name).join(', ')}`);
  if (diff.moved.length > 0) {
    const moves = diff.moved.map(
      (id) => `${name(id)} (${ordinal(current.indexOf(id) + 1)} → ${ordinal(desired.indexOf(id) + 1)})`,
    );
    lines.push(`:twisted_rightwards_arrows: *Reordered:* ${moves.join(', ')}`);
  }
  if (plan.include) {
    const from = conditionMarkdown(plan.include.condition);
    lines.push(
      `:link: *Included from* ${from}: ${plan.include.targets.map(name).join(', ') || '_no targets_'}`,
    );
  }
  if (plan.missing.length > 0) {
    lines.push(
      `:warning: *Not in Zitadel’s target list* (deleted?): ${plan.missing.map((id) => code(id)).join(', ')}. Zitadel will refuse this change.`,
    );
  }
  return lines;
}
