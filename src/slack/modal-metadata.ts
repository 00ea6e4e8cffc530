import { z } from 'zod';
import { LIMITS } from './ui/blocks';
import type { StepFormMetadata } from './ui/human-step';
import type { ModalMetadata, PreviewMetadata } from './ui/operation-modal';

const modalSchema = z.object({
  operationId: z.string(),
  channelId: z.string(),
  rerunOf: z.string().optional(),
});
const launcherSchema = z.object({ channelId: z.string() });
const previewSchema = modalSchema.extend({
  values: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  fingerprint: z.string(),
});

const stepFormSchema = z.object({
  run: z.string().min(1),
  step: z.string().min(1),
  channel: z.string(),
  seq: z.number().int().positive().optional(),
});

/** JSON Flightdeck wrote into something Slack hands back (metadata, a button value), read back with `schema`. */
export function parseJson<T>(
  schema: z.ZodType<T>,
  raw: string | undefined,
  max: number = LIMITS.privateMetadata,
): T | undefined {
  if (!raw || raw.length > max) return undefined;
  try {
    const result = schema.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export const readModalMetadata = (raw: string | undefined): ModalMetadata | undefined =>
  parseJson(modalSchema, raw);
export const readLauncherMetadata = (raw: string | undefined) => parseJson(launcherSchema, raw);
export const readPreviewMetadata = (raw: string | undefined): PreviewMetadata | undefined =>
  parseJson(previewSchema, raw);
export const readStepFormMetadata = (raw: string | undefined): StepFormMetadata | undefined =>
  parseJson(stepFormSchema, raw);
