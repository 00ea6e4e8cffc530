import type { FormValues } from './contract';

/**
 * An operation input as form values, when it is one (flat strings and string lists, as Zitadel's is):
 * a confirmation then parses it again like any submitted form. Undefined otherwise.
 */
export function formValuesOf(input: unknown): FormValues | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const values: FormValues = {};
  for (const [key, value] of Object.entries(input)) {
    if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      values[key] = value;
    } else if (value !== undefined) {
      return undefined;
    }
  }
  return values;
}
