import { z } from 'zod';
import { LIMITS } from './ui/blocks';
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

function parse<T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined {
  if (!raw || raw.length > LIMITS.privateMetadata) return undefined;
  try {
    const result = schema.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export const readModalMetadata = (raw: string | undefined): ModalMetadata | undefined =>
  parse(modalSchema, raw);
export const readLauncherMetadata = (raw: string | undefined) => parse(launcherSchema, raw);
export const readPreviewMetadata = (raw: string | undefined): PreviewMetadata | undefined =>
  parse(previewSchema, raw);
