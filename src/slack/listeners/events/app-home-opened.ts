import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { slackErrorCode } from '../../slack-errors';
import { homeView } from '../../ui/home';
import { homeContent } from '../../home-content';
type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>;

/** Publishes the Home tab whenever someone opens it. */
export function appHomeOpened(deps: SlackDeps) {
  return async ({ event, client }: Args): Promise<void> => {
    if (event.tab !== 'home') return;
    try {
      await client.views.publish({
        user_id: event.user,
        view: homeView(await homeContent(deps, event.user)),
      });
    } catch (err) {
      deps.log.warn(
        { user: event.user, err: slackErrorCode(err) ?? (err instanceof Error ? err.message : String(err)) },
        'could not publish the Home tab',
      );
    }
  };
}
