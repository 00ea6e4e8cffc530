import type { webApi } from '@slack/bolt';
import type { DigestPost, DigestProgress, DigestPublisher } from '../core/digest/publisher';
import type { RunRecord } from '../core/runs/run-store';
import type { Permalinks } from './permalinks';
import { toNotifyError } from './slack-errors';
import { digestNames } from '../core/digest/digest-text';
import type { Registry } from '../core/operations/registry';
import { digestMessages } from './ui/digest';

/** Runs in one digest that get a link to their thread; the rest name their run id. */
const MAX_LINKS = 60;

/**
 * Posts digests to Slack: the first message in the channel, any further parts in its thread, each part
 * reported before the next so that a post interrupted half-way resumes instead of repeating itself.
 */
export class SlackDigestPublisher implements DigestPublisher {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly registry: Registry,
    private readonly permalinks: Permalinks,
  ) {}

  async publish(
    post: DigestPost,
    progress: DigestProgress,
    onPart: (progress: DigestProgress) => Promise<boolean>,
  ): Promise<void> {
    const { summary } = post;
    const linked: RunRecord[] = [
      ...summary.failures,
      ...summary.overdue.map((o) => o.run),
      ...summary.waiting,
    ];
    const links = await this.permalinks.many(
      linked.flatMap((run) =>
        run.parentTs ? [{ key: run.id, channel: run.channelId, ts: run.parentTs }] : [],
      ),
      MAX_LINKS,
    );
    const messages = digestMessages(post, digestNames(this.registry), links);
    let { partsPosted, threadTs } = progress;
    for (const message of messages.slice(partsPosted)) {
      let ts: string;
      try {
        const res = await this.client.chat.postMessage({
          channel: post.channelId,
          ...message,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        });
        ts = String(res.ts);
      } catch (err) {
        throw toNotifyError(err);
      }
      partsPosted += 1;
      threadTs ??= ts;
      if (!(await onPart({ partsPosted, threadTs }))) return;
    }
  }
}
