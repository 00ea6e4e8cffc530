import type { RunView } from '../core/runs/notifier';
import type { RetriedReplies } from '../core/runs/retry';
import type { TransitionRecord } from '../core/runs/run-store';
import type { PacedSlack } from './paced-slack';
import { retriedFailureReply } from './ui/retried-reply';

/** Takes the Retry button off a failure reply in its thread, as an edit in its turn in the workspace's budget. */
export class SlackRetriedReplies implements RetriedReplies {
  constructor(private readonly slack: PacedSlack) {}

  async retried(view: RunView, failure: TransitionRecord, retried: TransitionRecord): Promise<void> {
    const ts = failure.notifiedTs;
    if (!ts) return;
    const channel = view.run.channelId;
    const content = retriedFailureReply(view, failure, retried);
    await this.slack.call('chat.update', channel, 'routine', () =>
      this.slack.client.chat.update({ channel, ts, ...content }),
    );
  }
}
