import { z } from 'zod';
import { SlackApiError } from './api-error';
import type { JsonObject } from './json';

/** Form values are strings; JSON bodies may carry numbers for ids and ts. */
export const text = z.union([z.string(), z.number()]).transform(String);
export const flag = z
  .union([z.boolean(), z.string()])
  .optional()
  .transform((v) => v === true || v === 'true' || v === '1');

export function parseArgs<T extends z.ZodType>(schema: T, params: JsonObject): z.output<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  throw new SlackApiError('invalid_arguments', {
    response_metadata: {
      messages: result.error.issues.map((i) => `[ERROR] ${i.message} [json-pointer:/${i.path.join('/')}]`),
    },
  });
}
