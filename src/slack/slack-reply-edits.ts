import type { DecidedSteps } from '../core/runs/human-steps';
import type { RunView } from '../core/runs/notifier';
import type { RetriedReplies } from '../core/runs/retry';
import type { TransitionRecord } from '../core/runs/run-store';
import type { MessageContent } from './ui/blocks';
import type { PacedSlack } from './paced-slack';
import { decidedStepsReply } from './ui/decided-steps-reply';
import { retriedFailureReply } from './ui/retried-reply';

/**
 * Thread replies whose buttons went stale, edited in their turn in the workspace's budget: a failure reply
 * whose Retry was used, a reply whose steps were decided from Flightdeck.
 */
export class SlackReplyEdits implements RetriedReplies, DecidedSteps {
  constructor(private readonly slack: PacedSlack) {}

  retried(view: RunView, failure: TransitionRecord, retried: TransitionRecord): Promise<void> {
    return this.edit(view, failure, retriedFailureReply(view, failure, retried));
  }

  decided(view: RunView, offering: TransitionRecord, decisions: TransitionRecord[]): Promise<void> {
    return this.edit(view, offering, decidedStepsReply(view, offering, decisions));
  }

  private async edit(view: RunView, reply: TransitionRecord, content: MessageContent): Promise<void> {
    const ts = reply.notifiedTs;
    if (!ts) return;
    const channel = view.run.channelId;
    await this.slack.call('chat.update', channel, 'routine', () =>
      this.slack.client.chat.update({ channel, ts, ...content }),
    );
  }
}
