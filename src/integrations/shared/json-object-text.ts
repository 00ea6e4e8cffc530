import { z } from 'zod';
import { findJsonSyntaxError } from './json-syntax';

/**
 * The text of a form's JSON box as an object; an empty box is an empty object. A mistake is an issue on the
 * field that says where the JSON goes wrong, without quoting the text back (it may hold a secret).
 */
export function parseJsonObject(text: string, ctx: z.RefinementCtx): Record<string, unknown> {
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const syntax = findJsonSyntaxError(text);
    ctx.addIssue({
      code: 'custom',
      message: `Not valid JSON: ${syntax?.message ?? 'check quotes, commas and braces'}`,
    });
    return z.NEVER;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({
      code: 'custom',
      message: 'Variables must be a JSON object, like {"device": "rtr-01"}',
    });
    return z.NEVER;
  }
  return value as Record<string, unknown>;
}
