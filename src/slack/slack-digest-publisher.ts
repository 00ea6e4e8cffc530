import type { DigestPost, DigestProgress, DigestPublisher, DigestRecorder } from '../core/digest/publisher';
import type { Registry } from '../core/operations/registry';
import type { RunRecord } from '../core/runs/run-store';
import type { PacedSlack, PostPlace } from './paced-slack';
import type { Permalinks } from './permalinks';
import { digestNames } from '../core/digest/digest-text';
import { POST_MESSAGE } from './slack-budget';
import { digestMessages } from './ui/digest';
import { NotifyError } from '../core/errors';

/** Runs in one digest that get a link to their thread; the rest name their run id. */
const MAX_LINKS = 60;

/** How often, and how long each time, a digest someone asked for waits for its turn in a busy channel. */
const REQUESTED_TURNS = 5;
const REQUESTED_WAIT_MS = 10_000;

/** Message metadata of every digest part: `event_payload` names the schedule, the window and the part. */
export const DIGEST_EVENT = 'flightdeck_digest';

/** What a part's metadata says: its schedule and window (`/ops digest now`: who asked, and when), and its index. */
function partPayload(post: DigestPost, part: number): Record<string, string | number> {
  const window = post.summary.window.end.toISOString();
  return post.schedule
    ? { schedule_id: post.schedule.id, window_id: window, part }
    : { requested_by: post.requestedBy ?? '', window_id: window, part };
}

/**
 * Posts digests to Slack the way run updates are posted (PacedSlack): the first message in the channel,
 * any further parts in its thread, each in its turn in the workspace's budget and carrying metadata that
 * names its schedule, window and part. Each part is recorded before it is posted and after; a part whose
 * post began but was not recorded done (the process died in between) is looked for in Slack by its
 * metadata and adopted if it is there, so an interrupted digest resumes without repeating or losing a part.
 */
export class SlackDigestPublisher implements DigestPublisher {
  constructor(
    private readonly slack: PacedSlack,
    private readonly registry: Registry,
    private readonly permalinks: Permalinks,
  ) {}

  async publish(post: DigestPost, progress: DigestProgress, recorder: DigestRecorder): Promise<void> {
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
      const part = partsPosted;
      const found = progress.attemptedPart === part ? await this.lookUp(post, part, threadTs) : undefined;
      let ts = found;
      if (ts === undefined) {
        // Recorded in the budget's turn, right before the post: a post the budget puts off is not
        // "maybe in Slack", and costs no lookup when it is tried again.
        const res = await this.inTurn(post, async () =>
          (await recorder.attempting(part))
            ? this.slack.client.chat.postMessage({
                channel: post.channelId,
                ...message,
                ...(threadTs ? { thread_ts: threadTs } : {}),
                unfurl_links: false,
                unfurl_media: false,
                metadata: { event_type: DIGEST_EVENT, event_payload: partPayload(post, part) },
              })
            : undefined,
        );
        if (!res) return;
        ts = String(res.ts);
      }
      partsPosted += 1;
      threadTs ??= ts;
      if (!(await recorder.posted({ partsPosted, threadTs, attemptedPart: null }))) return;
    }
  }

  /**
   * A post in its turn in the channel's budget. A scheduled digest is routine, and a refusal goes back to
   * the scheduler, which tries again when the turn comes; someone who asked for a digest now is waiting,
   * so theirs goes first and waits out a busy channel here, a few turns at most.
   */
  private async inTurn<T>(post: DigestPost, work: () => Promise<T>): Promise<T> {
    if (post.schedule) return this.slack.call(POST_MESSAGE, post.channelId, 'routine', work);
    for (let turn = 1; ; turn += 1) {
      try {
        return await this.slack.call(POST_MESSAGE, post.channelId, 'urgent', work);
      } catch (err) {
        const wait = err instanceof NotifyError && err.unsent ? err.retryAfterMs : undefined;
        if (wait === undefined || turn >= REQUESTED_TURNS || wait > REQUESTED_WAIT_MS) throw err;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** The part, if an interrupted attempt posted it: the first in the channel since the window ended, the rest in its thread. */
  private lookUp(post: DigestPost, part: number, threadTs: string | null): Promise<string | undefined> {
    const place: PostPlace = threadTs
      ? { channel: post.channelId, threadTs }
      : { channel: post.channelId, since: post.summary.window.end };
    const wanted = partPayload(post, part);
    return this.slack.find(
      place,
      DIGEST_EVENT,
      (payload) => Object.entries(wanted).every(([key, value]) => payload[key] === value),
      'routine',
    );
  }
}
