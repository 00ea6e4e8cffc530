import type { FieldErrors } from '../../core/operations/contract';
import { isChoiceRef, resolveChoice } from '../shared/choice-value';
import type { Catalog } from './catalog';
import type { Execution, ZitadelClient } from './api';
import { type Condition, conditionKey } from './condition';
import { fingerprint } from './diff';
import { FIELD, type SetExecutionInput } from './form';
import { conditionOf, pickedValue } from './input-condition';

/** The change an input asks for, against what Zitadel holds now. */
export interface Plan {
  condition: Condition;
  /** Target ids the condition calls now, in order. */
  current: string[];
  /** When the current execution last changed, if it exists. */
  changeDate?: string;
  /** Target ids it will call, in order. */
  desired: string[];
  include?: { condition: Condition; targets: string[] };
  /** Names of the targets in `current` and `desired` that Zitadel knows. */
  names: Map<string, string>;
  /** Ids in `desired` that are not in Zitadel's target list. */
  missing: string[];
  fingerprint: string;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; errors: FieldErrors };

type Resolved<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const unique = (ids: string[]) => [...new Set(ids)];

/** Reads what Zitadel holds and works out the target list an input means (include expanded, order applied). */
export class Planner {
  constructor(
    private readonly client: ZitadelClient,
    private readonly catalog: Catalog,
  ) {}

  /** The condition an input names; a picked long value is looked up in Zitadel's list. */
  async condition(input: SetExecutionInput): Promise<Resolved<Condition>> {
    const picked = pickedValue(input);
    if (!picked?.list || !isChoiceRef(picked.value)) return { ok: true, value: conditionOf(input) };
    const full = await this.catalog.lookupValue(picked.list, picked.value);
    if (full !== undefined) return { ok: true, value: conditionOf(input, full) };
    return {
      ok: false,
      errors: { [picked.field]: `Zitadel no longer offers this ${picked.field}; pick it again.` },
    };
  }

  async plan(input: SetExecutionInput): Promise<PlanResult> {
    const condition = await this.condition(input);
    if (!condition.ok) return condition;
    const key = conditionKey(condition.value);
    const [own, all] = await Promise.all([
      this.client.executionsFor([condition.value]),
      input.include ? this.client.allExecutions() : Promise.resolve([]),
    ]);
    const existing = own.find((e) => e.condition && conditionKey(e.condition) === key);
    const include = input.include ? this.included(input.include, all) : undefined;
    if (include && !include.ok) return include;
    const merged = unique([...input.targets, ...(include?.value.targets ?? [])]);
    const current = existing?.targets ?? [];
    const names = await this.catalog.targetsByIds(unique([...current, ...merged]));
    const ordered = input.order
      ? applyOrder(input.order, merged, names)
      : { ok: true as const, value: merged };
    if (!ordered.ok) return ordered;
    const desired = ordered.value;
    return {
      ok: true,
      plan: {
        condition: condition.value,
        current,
        ...(existing?.changeDate ? { changeDate: existing.changeDate } : {}),
        desired,
        ...(include ? { include: include.value } : {}),
        names,
        missing: desired.filter((id) => !names.has(id)),
        fingerprint: fingerprint(key, current, desired),
      },
    };
  }

  private included(
    picked: string,
    executions: Execution[],
  ): Resolved<{ condition: Condition; targets: string[] }> {
    const withCondition = executions.flatMap((e) =>
      e.condition ? [{ condition: e.condition, targets: e.targets }] : [],
    );
    const found = resolveChoice(picked, withCondition, (e) => conditionKey(e.condition));
    if (found) return { ok: true, value: found };
    return {
      ok: false,
      errors: {
        [FIELD.include]:
          'That execution has no targets in Zitadel any more; pick another one or leave this empty.',
      },
    };
  }
}

/**
 * The order rule: targets named in `order` (by name or id) run first, in the order named; every
 * other target keeps its place after them. A name must match exactly one chosen or included target.
 */
export function applyOrder(order: string, ids: string[], names: Map<string, string>): Resolved<string[]> {
  const entries = unique(
    order
      .split(/[,\n]/)
      .map((e) => e.trim())
      .filter((e) => e !== ''),
  );
  const first: string[] = [];
  for (const entry of entries) {
    const byId = ids.filter((id) => id === entry);
    const exact = ids.filter((id) => names.get(id) === entry);
    const loose = ids.filter((id) => names.get(id)?.toLowerCase() === entry.toLowerCase());
    const matches = byId.length > 0 ? byId : exact.length > 0 ? exact : loose;
    if (matches.length === 0) {
      return {
        ok: false,
        errors: { [FIELD.order]: `"${entry}" is not one of the chosen or included targets.` },
      };
    }
    if (matches.length > 1) {
      return {
        ok: false,
        errors: { [FIELD.order]: `"${entry}" names ${matches.length} targets; use the target id instead.` },
      };
    }
    first.push(...matches);
  }
  const named = new Set(first);
  return { ok: true, value: unique([...first, ...ids.filter((id) => !named.has(id))]) };
}
