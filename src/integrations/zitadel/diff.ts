import { createHash } from 'node:crypto';

/** How a target list changes, compared by target id. */
export interface TargetDiff {
  added: string[];
  removed: string[];
  /** In both lists, but no longer in the same order relative to the others. */
  moved: string[];
  unchanged: boolean;
  /** The new list is empty while the current one is not. */
  cleared: boolean;
}

/** The longest sequence of `b`'s items that appears in `a` in the same order. */
function longestCommonOrder(a: string[], b: string[]): Set<string> {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => table[i * cols + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const kept = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const item = a[i];
    if (item !== undefined && item === b[j]) {
      kept.add(item);
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) i++;
    else j++;
  }
  return kept;
}

export function diffTargets(current: string[], desired: string[]): TargetDiff {
  const before = new Set(current);
  const after = new Set(desired);
  const commonBefore = current.filter((id) => after.has(id));
  const commonAfter = desired.filter((id) => before.has(id));
  const inOrder = longestCommonOrder(commonBefore, commonAfter);
  const unchanged = current.length === desired.length && current.every((id, i) => desired[i] === id);
  return {
    added: desired.filter((id) => !before.has(id)),
    removed: current.filter((id) => !after.has(id)),
    moved: commonAfter.filter((id) => !inOrder.has(id)),
    unchanged,
    cleared: desired.length === 0 && current.length > 0,
  };
}

/** Identifies the state a preview showed: the condition, what it calls now, and what it would call. */
export function fingerprint(conditionKey: string, current: string[], desired: string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([conditionKey, current, desired]))
    .digest('base64url');
}
