import type { DirectMessage, DirectMessenger, PostedDirectMessage } from '../core/direct/direct-messenger';
import { TtlCache } from '../core/kit/ttl-cache';
import { urgency } from '../core/runs/notifier';
import type { PacedSlack } from './paced-slack';
import type { Permalinks } from './permalinks';
import { POST_MESSAGE } from './slack-budget';
import { directMessage } from './ui/direct-message';
import { NotifyError } from '../core/errors';

const DM_EVENT = 'flightdeck_dm';
/** A person's direct message channel never changes; this many are kept. */
const IM_CACHE_SIZE = 10_000;

/**
 * Direct messages in each person's IM with the bot: `conversations.open` finds the channel, then the
 * message is posted there like a thread reply: through the workspace's budget, with metadata naming the
 * run and transition so that a post Slack took just before a crash is found instead of repeated.
 */
export class SlackDirectMessenger implements DirectMessenger {
  private readonly ims = new TtlCache<string, string>({ maxEntries: IM_CACHE_SIZE });

  constructor(
    private readonly slack: PacedSlack,
    private readonly permalinks: Permalinks,
  ) {}

  async post(message: DirectMessage, attemptedAt: Date | null): Promise<PostedDirectMessage> {
    const channelId = await this.imOf(message);
    const { runId, seq } = message.key;
    const priority = urgency(message.view.run, message.transition);
    if (attemptedAt) {
      const found = await this.slack.find(
        { channel: channelId, since: attemptedAt },
        DM_EVENT,
        (payload) => payload.run_id === runId && payload.seq === seq,
        priority,
      );
      if (found) return { channelId, ts: found };
    }
    const content = directMessage(message, await this.threadLink(message));
    const res = await this.slack.call(POST_MESSAGE, channelId, priority, () =>
      this.slack.client.chat.postMessage({
        channel: channelId,
        ...content,
        unfurl_links: false,
        metadata: { event_type: DM_EVENT, event_payload: { run_id: runId, seq } },
      }),
    );
    return { channelId, ts: String(res.ts) };
  }

  async update(message: DirectMessage, posted: PostedDirectMessage): Promise<void> {
    const content = directMessage(message, await this.threadLink(message));
    await this.slack.call('chat.update', posted.channelId, urgency(message.view.run), () =>
      this.slack.client.chat.update({ channel: posted.channelId, ts: posted.ts, ...content }),
    );
  }

  private imOf(message: DirectMessage): Promise<string> {
    const { userId } = message.key;
    return this.ims.load(userId, async () => {
      const res = await this.slack.call('conversations.open', userId, urgency(message.view.run), () =>
        this.slack.client.conversations.open({ users: userId }),
      );
      const id = res.channel?.id;
      if (!id) throw new NotifyError('conversations.open answered without a channel', 'no_channel', false);
      return id;
    });
  }

  private async threadLink(message: DirectMessage): Promise<string | undefined> {
    const { run } = message.view;
    if (!run.parentTs) return undefined;
    const links = await this.permalinks.many([{ key: run.id, channel: run.channelId, ts: run.parentTs }], 1);
    return links.get(run.id);
  }
}
