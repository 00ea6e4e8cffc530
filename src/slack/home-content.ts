import type { RunRecord } from '../core/runs/run-store';
import type { SlackDeps } from './deps';
import { HOME_LIMITS, type HomeContent, type HomeRun } from './ui/home';

/**
 * Everything the viewer's Home tab shows: the core's Home data, the requests they may decide, message links
 * from Slack, and the operations the policy may let them launch somewhere.
 */
export async function homeContent(deps: SlackDeps, userId: string): Promise<HomeContent> {
  const { registry } = deps;
  const [data, toDecide, operations] = await Promise.all([
    deps.runs.home(userId, HOME_LIMITS),
    deps.inbox.decidableBy(userId, HOME_LIMITS.approvals),
    launchable(deps, userId),
  ]);
  const decide = toDecide.map((approval) => approval.run);
  const links = await deps.digests.permalinks.many(
    [...decide, ...data.waiting, ...data.recent].flatMap((run) =>
      run.parentTs ? [{ key: run.id, channel: run.channelId, ts: run.parentTs }] : [],
    ),
    HOME_LIMITS.runs + HOME_LIMITS.waiting + HOME_LIMITS.approvals,
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
    toDecide: decide.map(homeRun),
    schedules: data.schedules,
    operations,
  };
}

async function launchable(deps: SlackDeps, userId: string): Promise<HomeContent['operations']> {
  const { registry, policy } = deps;
  const operations = registry.runnable();
  const allowed = await Promise.all(operations.map((op) => policy.mayLaunch(userId, op.id)));
  return operations
    .filter((_, i) => allowed[i])
    .map((op) => ({ id: op.id, title: op.title, systemName: registry.systemName(op.system) }));
}
