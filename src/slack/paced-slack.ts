import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { Log } from '../core/kit/log';
import type { BudgetPriority } from '../core/runs/budget-store';
import type { SlackBudget } from './slack-budget';
import { toNotifyError } from './slack-errors';
import { NotifyError } from '../core/errors';

/** How far before its recorded attempt a lost post is looked for: clocks of Slack and the bot differ. */
const CLOCK_SKEW_MS = 60_000;
const PAGE_SIZE = 200;
const MAX_PAGES = 10;

/** The parts of a listed message a lookup reads; everything else may vary. */
const listedMessage = z.looseObject({
  ts: z.string(),
  metadata: z
    .looseObject({
      event_type: z.string(),
      event_payload: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});
const listing = z.looseObject({
  messages: z.array(z.unknown()).default([]),
  response_metadata: z.looseObject({ next_cursor: z.string().optional() }).optional(),
});

/** Where a lost post may be: a channel since a moment, or one thread. */
export type PostPlace = { channel: string; since: Date } | { channel: string; threadTs: string };

/**
 * The Web API as the bot's own posts use it (run updates and digests alike): every call in its turn in the
 * workspace's budget (SlackBudget, shared by all replicas through the store), a 429 pausing that method
 * everywhere; and a look in Slack for a post that may have landed before a crash, found by the message
 * metadata every such post carries.
 */
export class PacedSlack {
  private lookupUnavailableLogged = false;

  constructor(
    readonly client: webApi.WebClient,
    private readonly budget: SlackBudget,
    private readonly log: Log,
  ) {}

  /** One Web API call, in its turn for this method (and channel) in the workspace's budget. */
  async call<T>(
    method: string,
    channel: string,
    priority: BudgetPriority,
    work: () => Promise<T>,
  ): Promise<T> {
    return this.budget.spend(method, channel, priority, async () => {
      try {
        return await work();
      } catch (err) {
        const error = toNotifyError(err);
        if (error.slackCode === 'ratelimited' && error.retryAfterMs !== undefined)
          await this.budget.pause(method, channel, error.retryAfterMs);
        throw error;
      }
    });
  }

  /**
   * The ts of the message in `place` whose metadata is `eventType` with a payload `matches` accepts, if an
   * earlier attempt posted it. A lookup Slack refuses (a missing history scope, a deleted thread) is
   * logged and treated as "not found": a possible duplicate is better than a missing message. A lookup
   * that cannot be made now fails like a post.
   */
  async find(
    place: PostPlace,
    eventType: string,
    matches: (payload: Record<string, unknown>) => boolean,
    priority: BudgetPriority,
  ): Promise<string | undefined> {
    try {
      let cursor: string | undefined;
      for (let i = 0; i < MAX_PAGES; i += 1) {
        const answer = listing.parse(await this.page(place, priority, cursor));
        for (const raw of answer.messages) {
          const message = listedMessage.safeParse(raw);
          const metadata = message.success ? message.data.metadata : undefined;
          if (metadata?.event_type === eventType && matches(metadata.event_payload ?? {}))
            return message.data?.ts;
        }
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!cursor) return undefined;
      }
      return undefined;
    } catch (err) {
      if (!(err instanceof NotifyError) || !err.unsent || err.retryAfterMs !== undefined) throw err;
      if (!this.lookupUnavailableLogged) {
        this.lookupUnavailableLogged = true;
        this.log.warn(
          { channel: place.channel, code: err.slackCode },
          'cannot look in Slack for a message that may have been posted before a restart; posting it ' +
            'again (grant channels:history, groups:history, im:history and mpim:history, as the manifest ' +
            'asks, to avoid duplicates)',
        );
      }
      return undefined;
    }
  }

  private page(place: PostPlace, priority: BudgetPriority, cursor: string | undefined): Promise<unknown> {
    const { channel } = place;
    if ('threadTs' in place)
      return this.call('conversations.replies', channel, priority, () =>
        this.client.conversations.replies({
          channel,
          ts: place.threadTs,
          include_all_metadata: true,
          limit: PAGE_SIZE,
          cursor,
        }),
      );
    return this.call('conversations.history', channel, priority, () =>
      this.client.conversations.history({
        channel,
        oldest: String((place.since.getTime() - CLOCK_SKEW_MS) / 1000),
        inclusive: true,
        include_all_metadata: true,
        limit: PAGE_SIZE,
        cursor,
      }),
    );
  }
}
