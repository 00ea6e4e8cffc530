import { webApi } from '@slack/bolt';
import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import { urgency, type Notifier, type RunView } from '../core/runs/notifier';
import type { TransitionRecord } from '../core/runs/run-store';
import { boltLogger } from './bolt-logger';
import { PacedSlack } from './paced-slack';
import { POST_MESSAGE as POST, type SlackBudget } from './slack-budget';
import { parentMessage, transitionReply } from './ui/run-message';

/** How long one Web API call of the notifier may take before it is given up. */
export const NOTIFIER_TIMEOUT_MS = 10_000;

const PARENT_EVENT = 'flightdeck_run';
const TRANSITION_EVENT = 'flightdeck_transition';

/** A run's post, as its metadata names it. */
const isPost = (runId: string, seq: number) => (payload: Record<string, unknown>) =>
  payload.run_id === runId && payload.seq === seq;

/**
 * A Web API client for the calls that spend the workspace's budget (run messages, Home tabs): it never
 * retries on its own (the engine retries with a look in Slack first, so an ambiguous post is not repeated
 * blindly) and hands 429s back at once instead of pausing every call of the process, so one rate-limited
 * channel waits without holding up the others, and the budget hears of the 429.
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
 * Messages are rendered when their turn comes, not before: a call waiting for its slot holds the run, not
 * its Block Kit, and a refused call renders nothing. (Calls that wait outlive young-generation collections,
 * so whatever they hold is promoted and grows the old generation; see bench/README.md, tracking.)
 */
export class SlackNotifier implements Notifier {
  private readonly slack: PacedSlack;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly clock: Clock,
    log: Log,
    budget: SlackBudget,
  ) {
    this.slack = new PacedSlack(client, budget, log);
  }

  async postParent(view: RunView): Promise<string> {
    const { run } = view;
    const priority = urgency(run);
    if (run.parentAttemptedAt) {
      const found = await this.slack.find(
        { channel: run.channelId, since: run.parentAttemptedAt },
        PARENT_EVENT,
        isPost(run.id, 0),
        priority,
      );
      if (found) return found;
    }
    const res = await this.slack.call(POST, run.channelId, priority, () =>
      this.client.chat.postMessage({
        channel: run.channelId,
        ...parentMessage(view, this.clock.now()),
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
      const found = await this.slack.find(
        { channel: run.channelId, threadTs: parentTs },
        TRANSITION_EVENT,
        isPost(run.id, transition.seq),
        priority,
      );
      if (found) return found;
    }
    const res = await this.slack.call(POST, run.channelId, priority, () =>
      this.client.chat.postMessage({
        channel: run.channelId,
        thread_ts: parentTs,
        ...transitionReply(view, transition),
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
    const ts = run.parentTs;
    await this.slack.call('chat.update', run.channelId, urgency(run), () =>
      this.client.chat.update({ channel: run.channelId, ts, ...parentMessage(view, this.clock.now()) }),
    );
  }
}
