import type { PreviewRow } from '../../core/operations/contract';
import { code, em, joinText, plainText, strong, type Text, type TextPart, txt } from '../../core/kit/text';
import { type Condition, conditionLabel } from './condition';
import { diffTargets } from './diff';
import { ordinal } from './ordinal';
import type { Plan } from './planner';

/** "request method `/zitadel…/ListSessions`": the condition, its value set apart. */
export function conditionText(c: Condition): Text {
  if (c.scope === 'all') return txt`${conditionLabel(c)}`;
  const label = conditionLabel(c);
  return txt`${label.slice(0, label.length - c.value.length)}${code(c.value)}`;
}

const word = (text: string): TextPart => ({ kind: 'text', text });

/**
 * Names targets by name; the id is added when a name is shared by two of the targets shown,
 * and stands alone when Zitadel does not know the target.
 */
function namer(
  ids: string[],
  names: Map<string, string>,
  wrap: (text: string) => TextPart,
): (id: string) => Text {
  const counts = new Map<string, number>();
  for (const id of new Set(ids)) {
    const name = names.get(id);
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return (id) => {
    const name = names.get(id);
    if (!name) return txt`unknown target (${wrap(id)})`;
    return (counts.get(name) ?? 0) > 1 ? txt`${wrap(name)} (${wrap(id)})` : [wrap(name)];
  };
}

export const targetNamer = (ids: string[], names: Map<string, string>) => namer(ids, names, code);

/** Plain text for facts: "audit-log → ip-allow-list", or "none". */
export function plainTargetNames(ids: string[], names: Map<string, string>): string {
  return ids.length === 0 ? 'none' : plainText(joinText(ids.map(namer(ids, names, word)), ' → '));
}

/** The preview of a plan: what the condition calls now and after, and what changes. */
export function previewRows(plan: Plan): PreviewRow[] {
  const { condition, current, desired, names } = plan;
  const name = targetNamer([...current, ...desired, ...(plan.include?.targets ?? [])], names);
  const list = (ids: string[]): Text =>
    ids.length === 0
      ? [em('no targets')]
      : joinText(
          ids.map((id, i) => txt`${i + 1}. ${name(id)}`),
          ' → ',
        );
  const diff = diffTargets(current, desired);
  const rows: PreviewRow[] = [
    { label: 'Condition', value: conditionText(condition) },
    { label: 'Now', value: list(current) },
    { label: 'After', value: list(desired) },
  ];
  if (diff.unchanged) {
    rows.push({
      label: 'No change',
      mark: 'unchanged',
      value:
        desired.length === 0
          ? txt`the condition has no targets and will still have none.`
          : txt`the condition already calls exactly these targets, in this order.`,
    });
  }
  if (diff.cleared)
    rows.push({
      label: 'All targets removed',
      mark: 'cleared',
      value: txt`after this change the condition calls nothing.`,
    });
  if (diff.added.length > 0) {
    rows.push({
      label: 'Added',
      mark: 'added',
      value: joinText(
        diff.added.map((id) => txt`${name(id)} (${ordinal(desired.indexOf(id) + 1)})`),
        ', ',
      ),
    });
  }
  if (diff.removed.length > 0)
    rows.push({ label: 'Removed', mark: 'removed', value: joinText(diff.removed.map(name), ', ') });
  if (diff.moved.length > 0) {
    const moves = diff.moved.map(
      (id) => txt`${name(id)} (${ordinal(current.indexOf(id) + 1)} → ${ordinal(desired.indexOf(id) + 1)})`,
    );
    rows.push({ label: 'Reordered', mark: 'moved', value: joinText(moves, ', ') });
  }
  if (plan.include) {
    const targets =
      plan.include.targets.length > 0 ? joinText(plan.include.targets.map(name), ', ') : [em('no targets')];
    rows.push({
      mark: 'included',
      value: txt`${strong('Included from')} ${conditionText(plan.include.condition)}: ${targets}`,
    });
  }
  if (plan.missing.length > 0) {
    rows.push({
      mark: 'warning',
      value: txt`${strong('Not in Zitadel’s target list')} (deleted?): ${joinText(plan.missing.map(code), ', ')}. Zitadel will refuse this change.`,
    });
  }
  return rows;
}
