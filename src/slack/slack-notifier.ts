import type { webApi } from '@slack/bolt';
import type { Clock } from '../core/clock';
import type { Notifier, RunView } from '../core/notifier';
import type { TransitionRecord } from '../store/port';
import { toNotifyError } from './slack-errors';
import { parentMessage, transitionReply } from './ui/run-message';

/**
 * Posts runs to Slack. Every post carries message metadata naming the run and transition, so a post that
 * Slack accepted just before a crash can be recognised in the thread.
 */
export class SlackNotifier implements Notifier {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly clock: Clock,
  ) {}

  async postParent(view: RunView): Promise<string> {
    const content = parentMessage(view, this.clock.now());
    return this.call(async () => {
      const res = await this.client.chat.postMessage({
        channel: view.run.channelId,
        ...content,
        unfurl_links: false,
        metadata: { event_type: 'flightdeck_run', event_payload: { run_id: view.run.id, seq: 0 } },
      });
      return String(res.ts);
    });
  }

  async postTransition(view: RunView, transition: TransitionRecord): Promise<string> {
    const content = transitionReply(view, transition);
    return this.call(async () => {
      const res = await this.client.chat.postMessage({
        channel: view.run.channelId,
        thread_ts: view.run.parentTs ?? undefined,
        ...content,
        unfurl_links: false,
        metadata: {
          event_type: 'flightdeck_transition',
          event_payload: { run_id: view.run.id, seq: transition.seq },
        },
      });
      return String(res.ts);
    });
  }

  async updateParent(view: RunView): Promise<void> {
    if (!view.run.parentTs) return;
    const content = parentMessage(view, this.clock.now());
    const ts = view.run.parentTs;
    await this.call(() => this.client.chat.update({ channel: view.run.channelId, ts, ...content }));
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw toNotifyError(err);
    }
  }
}
