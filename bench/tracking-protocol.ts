import { z } from 'zod';

/** The fake Slack of the tracking benchmark, once listening. */
export const trackingSlackInfo = z.object({
  apiUrl: z.string(),
  botToken: z.string(),
  channels: z.array(z.string()),
});

/** The fake Itential, once listening: `url` is a proxy in front of it that notes when each request came. */
export const trackingItentialInfo = z.object({ url: z.string(), token: z.string(), workflow: z.string() });

export const trackingFakeRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start-jobs'), count: z.number().int().positive() }),
  z.object({ kind: z.literal('stats') }),
]);
export type TrackingFakeRequest = z.infer<typeof trackingFakeRequest>;

/** What the fake Slack saw. */
export const trackingSlackStats = z.object({
  /** Web API calls received, by method (429 answers included). */
  calls: z.record(z.string(), z.number()),
  /** 429s answered by the fake's tiers. */
  rateLimited: z.number(),
  /** Thread replies Slack accepted: run id, transition seq, when (ms since the epoch). */
  replies: z.array(z.tuple([z.string(), z.number(), z.number()])),
  /** Status-line edits Slack accepted. */
  edits: z.number(),
});
export type TrackingSlackStats = z.infer<typeof trackingSlackStats>;

/** What the fake Itential saw. */
export const trackingItentialStats = z.object({
  /** Status polls (GET of one job). */
  polls: z.number(),
  /** Most polls in any one-second window. */
  maxPollsPerSecond: z.number(),
  /** From the first poll to the last, in seconds. */
  spanSeconds: z.number(),
});
export type TrackingItentialStats = z.infer<typeof trackingItentialStats>;
