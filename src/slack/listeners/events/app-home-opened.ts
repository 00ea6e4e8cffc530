import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { DigestCron } from '../../../core/digest/cron';
import type { SlackDeps } from '../../deps';
import { slackErrorCode } from '../../slack-errors';
import { HOME_LIMITS, homeView, type HomeContent, type HomeRun } from '../../ui/home';
import type { RunRecord } from '../../../core/runs/run-store';
type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>;

/** Everything the viewer's Home tab shows, read from the store (and message links from Slack). */
export async function homeContent(deps: SlackDeps, userId: string): Promise<HomeContent> {
  const { store, registry, clock } = deps;
  const now = clock.now();
  // Read past what is shown: runs in channels the viewer has left are dropped, and one more than is
  // shown lets the Home tab say there are more.
  const [recentRead, waitingRead, schedules] = await Promise.all([
    store.listRuns({ requesterId: userId, limit: (HOME_LIMITS.runs + 1) * 2 }),
    store.listRuns({ requesterId: userId, states: ['waiting'], limit: (HOME_LIMITS.waiting + 1) * 2 }),
    store.listDigestSchedules({ createdBy: userId }),
  ]);
  const visible = (runs: RunRecord[]) => deps.access.filter(userId, runs, (run) => run.channelId);
  const [recentSeen, waitingSeen] = await Promise.all([visible(recentRead), visible(waitingRead)]);
  const recent = recentSeen.visible.slice(0, HOME_LIMITS.runs + 1);
  const waiting = waitingSeen.visible.slice(0, HOME_LIMITS.waiting + 1);
  const links = await deps.digests.permalinks.many(
    [...waiting, ...recent].flatMap((run) =>
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
    now,
    recent: recent.map(homeRun),
    hidden: { notMember: recentSeen.notMember, unknown: recentSeen.unknown },
    waiting: waiting.map(homeRun),
    schedules: schedules.map(({ schedule }) => {
      const next = new DigestCron(schedule.cron, schedule.timeZone).next(now);
      return { schedule, ...(next ? { next } : {}) };
    }),
    operations: registry
      .runnable()
      .map((op) => ({ id: op.id, title: op.title, systemName: registry.systemName(op.system) })),
  };
}

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
