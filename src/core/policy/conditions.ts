import { code, joinText, type Text, txt } from '../kit/text';

/** Conditions on an operation's input (`when:` in a rule): field id → globs, matched case-insensitively. */
export type Conditions = Record<string, string[]>;

/** Whether a rule's conditions hold: `maybe` while the input (or part of it) is not known yet. */
export type Holds = 'yes' | 'no' | 'maybe';

/**
 * The input as far as it is known. `partial`: keys that are absent are unknown (`/ops can-i` with some
 * arguments), rather than absent from the real input (a submitted form).
 */
export interface KnownInput {
  values: Record<string, unknown>;
  partial: boolean;
}

/**
 * How a list value (Zitadel targets) must match: an allow or require-approval condition must hold for every
 * item, a deny condition for any item, so a list never slips an unwanted item past either.
 */
export type ListMatch = 'every' | 'any';

const globCache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, 'is');
    globCache.set(glob, re);
  }
  return re;
}

export function matchesGlob(globs: string[], value: string): boolean {
  return globs.some((glob) => globToRegExp(glob).test(value));
}

/** The text items of an input value; undefined when it is not text (an object, a missing key). */
function textItems(value: unknown): string[] | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return [String(value)];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'))
    return value as string[];
  return undefined;
}

export function conditionsHold(when: Conditions, input: KnownInput | undefined, list: ListMatch): Holds {
  let result: Holds = 'yes';
  for (const [key, globs] of Object.entries(when)) {
    if (!input) return 'maybe';
    const value = input.values[key];
    if (value === undefined && input.partial) {
      result = 'maybe';
      continue;
    }
    const items = textItems(value);
    if (!items) return 'no';
    const ok =
      list === 'every' ? items.every((i) => matchesGlob(globs, i)) : items.some((i) => matchesGlob(globs, i));
    if (!ok) return 'no';
  }
  return result;
}

/** "`workflow` is `Prod *`" / "`org` is one of `a`, `b`"; keys joined with "and". */
export function describeConditions(when: Conditions): Text {
  return joinText(
    Object.entries(when).map(([key, globs]) =>
      globs.length === 1
        ? txt`${code(key)} is ${code(globs[0] ?? '')}`
        : txt`${code(key)} is one of ${joinText(globs.map(code), ', ')}`,
    ),
    ' and ',
  );
}

/** An input object's own values, or none when the input is not an object. */
export function inputValues(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : {};
}
