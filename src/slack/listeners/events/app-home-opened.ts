import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { homeView } from '../../ui/home';
import { homeContent } from '../../home-content';
type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>;

/** Publishes the Home tab whenever someone opens it, in its turn in the workspace's `views.publish` budget. */
export function appHomeOpened(deps: SlackDeps) {
  return async ({ event }: Args): Promise<void> => {
    if (event.tab !== 'home') return;
    await deps.homes.publish(event.user, async () => homeView(await homeContent(deps, event.user)));
  };
}
