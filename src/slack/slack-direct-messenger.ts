import type { webApi } from '@slack/bolt';
import type { DirectMessage, DirectMessenger, PostedDirectMessage } from '../core/direct/direct-messenger';
import { TtlCache } from '../core/kit/ttl-cache';
import { NotifyError, urgency } from '../core/runs/notifier';
import type { Permalinks } from './permalinks';
import { POST_MESSAGE } from './slack-budget';
import type { SlackNotifier } from './slack-notifier';
import { directMessage } from './ui/direct-message';

const DM_EVENT = 'flightdeck_dm';
const LOOKUP_PAGE_SIZE = 200;
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
    private readonly client: webApi.WebClient,
    /** The thread notifier: its budgeted calls and its lookup of earlier attempts serve DMs too. */
    private readonly notifier: SlackNotifier,
    private readonly permalinks: Permalinks,
  ) {}

  async post(message: DirectMessage, attempted: boolean): Promise<PostedDirectMessage> {
    const channelId = await this.imOf(message);
    const { runId, seq } = message.key;
    const priority = urgency(message.view.run, message.transition);
    if (attempted) {
      const found = await this.notifier.lookUp(channelId, DM_EVENT, runId, seq, (cursor) =>
        this.notifier.call('conversations.history', channelId, priority, () =>
          this.client.conversations.history({
            channel: channelId,
            include_all_metadata: true,
            limit: LOOKUP_PAGE_SIZE,
            cursor,
          }),
        ),
      );
      if (found) return { channelId, ts: found };
    }
    const content = directMessage(message, await this.threadLink(message));
    const res = await this.notifier.call(POST_MESSAGE, channelId, priority, () =>
      this.client.chat.postMessage({
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
    await this.notifier.call('chat.update', posted.channelId, urgency(message.view.run), () =>
      this.client.chat.update({ channel: posted.channelId, ts: posted.ts, ...content }),
    );
  }

  private imOf(message: DirectMessage): Promise<string> {
    const { userId } = message.key;
    return this.ims.load(userId, async () => {
      const res = await this.notifier.call('conversations.open', userId, urgency(message.view.run), () =>
        this.client.conversations.open({ users: userId }),
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
