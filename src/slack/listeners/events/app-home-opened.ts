import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { HOME_LIMITS, homeView, type HomeContent, type HomeRun } from '../../ui/home';
import type { RunRecord } from '../../../core/runs/run-store';
type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>;

/** Everything the viewer's Home tab shows: the core's Home data, message links from Slack, and the operations. */
export async function homeContent(deps: SlackDeps, userId: string): Promise<HomeContent> {
  const { registry } = deps;
  const data = await deps.runs.home(userId, HOME_LIMITS);
  const links = await deps.digests.permalinks.many(
    [...data.waiting, ...data.recent].flatMap((run) =>
      run.parentTs ? [{ key: run.id, channel: run.channelId, ts: run.parentTs }] : [],
    ),
    HOME_LIMITS.runs + HOME_LIMITS.waiting,
  );
  const homeRun = (run: RunRecord): HomeRun => {
    const link = links.get(run.id);
    const title = `${registry.systemName(run.system)}: ${registry.operationInfo(run.operationId)?.title ?? run.operationId}`;
    return { run, title, ...(link ? { link } : {}) };
  };
  return {
    now: data.now,
    recent: data.recent.map(homeRun),
    hidden: data.hidden,
    waiting: data.waiting.map(homeRun),
    schedules: data.schedules,
    operations: registry
      .runnable()
      .map((op) => ({ id: op.id, title: op.title, systemName: registry.systemName(op.system) })),
  };
}

/** Publishes the Home tab whenever someone opens it, in its turn in the workspace's `views.publish` budget. */
export function appHomeOpened(deps: SlackDeps) {
  return async ({ event }: Args): Promise<void> => {
    if (event.tab !== 'home') return;
    await deps.homes.publish(event.user, async () => homeView(await homeContent(deps, event.user)));
  };
}
