import { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import { NotifyError, urgency, type Notifier, type RunView } from '../core/runs/notifier';
import type { BudgetPriority } from '../core/runs/budget-store';
import type { TransitionRecord } from '../core/runs/run-store';
import { boltLogger } from './bolt-logger';
import { toNotifyError } from './slack-errors';
import { POST_MESSAGE as POST, type SlackBudget } from './slack-budget';
import { parentMessage, transitionReply } from './ui/run-message';

/** How long one Web API call of the notifier may take before it is given up. */
export const NOTIFIER_TIMEOUT_MS = 10_000;

const PARENT_EVENT = 'flightdeck_run';
const TRANSITION_EVENT = 'flightdeck_transition';
/** How far before its recorded attempt a lost parent is looked for: clocks of Slack and the bot differ. */
const CLOCK_SKEW_MS = 60_000;
const PAGE_SIZE = 200;
const MAX_PAGES = 10;

/** The parts of a listed message the lookup reads; everything else may vary. */
const listedMessage = z.looseObject({
  ts: z.string(),
  metadata: z
    .looseObject({
      event_type: z.string(),
      event_payload: z.looseObject({ run_id: z.string(), seq: z.number() }).optional(),
    })
    .optional(),
});
const listing = z.looseObject({
  messages: z.array(z.unknown()).default([]),
  response_metadata: z.looseObject({ next_cursor: z.string().optional() }).optional(),
});

type Page = (cursor: string | undefined) => Promise<unknown>;

/**
 * A Web API client for run messages only: it never retries on its own (the engine retries with a look
 * in Slack first, so an ambiguous post is not repeated blindly) and hands 429s back at once instead of
 * pausing every call of the process, so one rate-limited channel waits without holding up the others.
 */
export function notifierClient(options: { token: string; apiUrl?: string; log: Log }): webApi.WebClient {
  return new webApi.WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    logger: boltLogger(options.log),
    timeout: NOTIFIER_TIMEOUT_MS,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

/**
 * Posts runs to Slack. Every post carries message metadata naming the run and transition, so a post that
 * Slack accepted just before a crash is found in the channel or thread and adopted instead of repeated.
 * Every call spends the workspace's budget (SlackBudget, shared by all replicas through the store), urgent
 * runs first; a 429 pauses that method (in that channel, for posts) for its Retry-After everywhere, and a
 * call that has no turn soon enough is handed back as a NotifyError with `retryAfterMs`, never sent.
 */
export class SlackNotifier implements Notifier {
  private lookupUnavailableLogged = false;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly budget: SlackBudget,
  ) {}

  async postParent(view: RunView): Promise<string> {
    const { run } = view;
    const priority = urgency(run);
    if (run.parentAttemptedAt) {
      const found = await this.lookUp(run.channelId, PARENT_EVENT, run.id, 0, (cursor) =>
        this.call('conversations.history', run.channelId, priority, () =>
          this.client.conversations.history({
            channel: run.channelId,
            oldest: String(((run.parentAttemptedAt?.getTime() ?? 0) - CLOCK_SKEW_MS) / 1000),
            inclusive: true,
            include_all_metadata: true,
            limit: PAGE_SIZE,
            cursor,
          }),
        ),
      );
      if (found) return found;
    }
    const content = parentMessage(view, this.clock.now());
    const res = await this.call(POST, run.channelId, priority, () =>
      this.client.chat.postMessage({
        channel: run.channelId,
        ...content,
        unfurl_links: false,
        metadata: { event_type: PARENT_EVENT, event_payload: { run_id: run.id, seq: 0 } },
      }),
    );
    return String(res.ts);
  }

  async postTransition(view: RunView, transition: TransitionRecord): Promise<string> {
    const { run } = view;
    const parentTs = run.parentTs ?? undefined;
    const priority = urgency(run, transition);
    if (transition.attemptedAt && parentTs) {
      const found = await this.lookUp(run.channelId, TRANSITION_EVENT, run.id, transition.seq, (cursor) =>
        this.call('conversations.replies', run.channelId, priority, () =>
          this.client.conversations.replies({
            channel: run.channelId,
            ts: parentTs,
            include_all_metadata: true,
            limit: PAGE_SIZE,
            cursor,
          }),
        ),
      );
      if (found) return found;
    }
    const content = transitionReply(view, transition);
    const res = await this.call(POST, run.channelId, priority, () =>
      this.client.chat.postMessage({
        channel: run.channelId,
        thread_ts: parentTs,
        ...content,
        unfurl_links: false,
        metadata: {
          event_type: TRANSITION_EVENT,
          event_payload: { run_id: run.id, seq: transition.seq },
        },
      }),
    );
    return String(res.ts);
  }

  async updateParent(view: RunView): Promise<void> {
    const { run } = view;
    if (!run.parentTs) return;
    const content = parentMessage(view, this.clock.now());
    const ts = run.parentTs;
    await this.call('chat.update', run.channelId, urgency(run), () =>
      this.client.chat.update({ channel: run.channelId, ts, ...content }),
    );
  }

  /**
   * The ts of the message carrying this run's metadata, if an earlier attempt posted it. A lookup Slack
   * refuses (a missing history scope, a deleted thread) is logged and treated as "not found": a possible
   * duplicate is better than a missing update. A lookup that cannot be made now fails like a post.
   */
  private async lookUp(
    channel: string,
    eventType: string,
    runId: string,
    seq: number,
    page: Page,
  ): Promise<string | undefined> {
    try {
      let cursor: string | undefined;
      for (let i = 0; i < MAX_PAGES; i += 1) {
        const answer = listing.parse(await page(cursor));
        for (const raw of answer.messages) {
          const message = listedMessage.safeParse(raw);
          const metadata = message.success ? message.data.metadata : undefined;
          const payload = metadata?.event_payload;
          if (metadata?.event_type === eventType && payload?.run_id === runId && payload.seq === seq)
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
          { channel, code: err.code },
          'cannot look in Slack for an update that may have been posted before a restart; posting it ' +
            'again (grant channels:history, groups:history, im:history and mpim:history, as the manifest ' +
            'asks, to avoid duplicates)',
        );
      }
      return undefined;
    }
  }

  /** One Web API call, in its turn for this method (and channel) in the workspace's budget. */
  private async call<T>(
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
        if (error.code === 'ratelimited' && error.retryAfterMs !== undefined)
          await this.budget.pause(method, channel, error.retryAfterMs);
        throw error;
      }
    });
  }
}
