import { z } from 'zod';
import type { FormValues } from '../core/operations/contract';

const optionSchema = z.object({ value: z.string() }).loose();
const stateValueSchema = z
  .object({
    type: z.string(),
    value: z.string().nullish(),
    selected_option: optionSchema.nullish(),
    selected_options: z.array(optionSchema).nullish(),
  })
  .loose();

export const viewStateSchema = z.record(z.string(), z.record(z.string(), stateValueSchema));

/** Reads a modal's `state.values` as field id (= block id) → text or selected value(s). */
export function readFormValues(state: unknown): FormValues {
  const parsed = viewStateSchema.safeParse(state);
  if (!parsed.success) return {};
  const values: FormValues = {};
  for (const [blockId, actions] of Object.entries(parsed.data)) {
    const action = Object.values(actions)[0];
    if (!action) continue;
    if (action.selected_options) values[blockId] = action.selected_options.map((o) => o.value);
    else if (action.selected_option) values[blockId] = action.selected_option.value;
    else if (typeof action.value === 'string' && action.value.trim() !== '') values[blockId] = action.value;
  }
  return values;
}

const submittedBlockSchema = z.object({ type: z.string(), block_id: z.string().optional() }).loose();

/** The blocks of a submitted view that can be read; anything else in the payload is skipped, never trusted. */
export function readSubmittedBlocks(blocks: unknown): { type: string; block_id?: string }[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((block) => {
    const parsed = submittedBlockSchema.safeParse(block);
    return parsed.success ? [{ type: parsed.data.type, block_id: parsed.data.block_id }] : [];
  });
}
