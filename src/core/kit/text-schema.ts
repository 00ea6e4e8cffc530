import { z } from 'zod';
import type { Text, TextPart } from './text';

/** Text stored as JSON (a transition's payload), read back: moments come back as Dates. */
const textPartSchema: z.ZodType<TextPart> = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['text', 'strong', 'em', 'code']), text: z.string() }),
  z.object({ kind: z.enum(['user', 'group', 'channel']), id: z.string() }),
  z.object({ kind: z.literal('time'), at: z.iso.datetime().transform((at) => new Date(at)) }),
  z.object({ kind: z.literal('link'), url: z.string(), text: z.string() }),
]) as z.ZodType<TextPart>;

export const textSchema: z.ZodType<Text> = z.array(textPartSchema);
