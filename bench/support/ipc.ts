import { z } from 'zod';

/** Parent → child: one request the child answers with a reply carrying the same `id`. */
export const requestMessage = z.object({ type: z.literal('request'), id: z.number(), body: z.unknown() });
export type RequestMessage = z.infer<typeof requestMessage>;

/** Child → parent: it is listening; `info` says where (port, URLs). */
export const readyMessage = z.object({ type: z.literal('ready'), info: z.unknown() });

/** Child → parent: the answer to request `id`, or why it failed. */
export const replyMessage = z.object({
  type: z.literal('reply'),
  id: z.number(),
  body: z.unknown(),
  error: z.string().optional(),
});

export const childMessage = z.discriminatedUnion('type', [readyMessage, replyMessage]);
