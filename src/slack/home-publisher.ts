import type { webApi } from '@slack/bolt';
import type { Log } from '../core/kit/log';
import { PACED } from '../core/runs/notifier';
import { slackErrorCode, toNotifyError } from './slack-errors';
import type { SlackBudget } from './slack-budget';
import { NotifyError } from '../core/errors';

export const VIEWS_PUBLISH = 'views.publish';

type HomeView = Parameters<webApi.WebClient['views']['publish']>[0]['view'];

/** A person's Home waiting for its turn: the view is built when the turn comes, so it is the latest. */
interface Queued {
  build: () => Promise<HomeView>;
  done: Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Publishes App Home tabs within the workspace's `views.publish` budget (Tier 4, shared by every replica
 * through the store). Per person only the latest Home matters: while one waits for its turn, later
 * requests for the same person join it, and the view is built from the store when the turn comes.
 * Slack refusing a Home is logged and dropped: the next time the person opens it, it is built anew.
 */
export class HomePublisher {
  private readonly queued = new Map<string, Queued>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly budget: SlackBudget,
    private readonly log: Log,
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
  ) {}

  /** People whose Home waits for its turn. */
  get waiting(): number {
    return this.queued.size;
  }

  /** Resolves once `userId`'s Home, as `build` makes it when its turn comes, is published (or dropped). */
  publish(userId: string, build: () => Promise<HomeView>): Promise<void> {
    const queued = this.queued.get(userId);
    if (queued) {
      queued.build = build;
      return queued.done;
    }
    const entry: Queued = { build, done: Promise.resolve() };
    this.queued.set(userId, entry);
    entry.done = this.send(userId, entry);
    return entry.done;
  }

  private async send(userId: string, entry: Queued): Promise<void> {
    for (;;) {
      try {
        await this.budget.spend(VIEWS_PUBLISH, '', 'routine', async () => {
          // From here on a newer request waits for a turn of its own: this view is built now.
          this.queued.delete(userId);
          const view = await entry.build();
          try {
            await this.client.views.publish({ user_id: userId, view });
          } catch (err) {
            const error = toNotifyError(err);
            if (error.slackCode === 'ratelimited' && error.retryAfterMs !== undefined)
              await this.budget.pause(VIEWS_PUBLISH, '', error.retryAfterMs);
            throw err;
          }
        });
        return;
      } catch (err) {
        if (err instanceof NotifyError && err.slackCode === PACED && err.retryAfterMs !== undefined) {
          await this.sleep(err.retryAfterMs);
          continue;
        }
        this.queued.delete(userId);
        this.log.warn(
          { user: userId, err: slackErrorCode(err) ?? (err instanceof Error ? err.message : String(err)) },
          'could not publish the Home tab',
        );
        return;
      }
    }
  }
}
