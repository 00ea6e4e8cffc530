import type { AuditTrail } from '../audit/trail';
import type { DigestScheduleRecord } from '../digest/digest-store';
import type { DigestSchedules } from '../digest/schedules';
import type { Clock } from '../kit/clock';
import type { ChannelAccess } from './access';
import type { RunListStore, RunSummary } from './run-list-store';
import type { RunFilter, RunRecord, RunStore } from './run-store';

/** Who asks, and from where. */
export interface Viewer {
  userId: string;
  /** The channel the request came from, which the surface vouches the viewer is in (Slack sent it from there). */
  here?: string;
}

/** How many runs were left out because the viewer may not see their channel now. */
export interface HiddenRuns {
  notMember: number;
  /** Membership could not be read, so they were left out (fail closed). */
  unknown: number;
}

export type RunStatus =
  | { kind: 'unknown' }
  /** Nothing of the run beyond its id; `reason` says why, for people. The refusal is audited. */
  | { kind: 'refused'; runId: string; reason: string }
  | { kind: 'shown'; run: RunRecord };

export type ChannelRuns = { allowed: true; runs: RunSummary[] } | { allowed: false; reason: string };

export interface HomeData {
  now: Date;
  /** The viewer's runs they may still see, newest first: at most one more than asked, so a surface can say there are more. */
  recent: RunRecord[];
  hidden: HiddenRuns;
  /** The viewer's runs waiting for a person or for approval, likewise at most one more than asked. */
  waiting: RunRecord[];
  schedules: { schedule: DigestScheduleRecord; next?: Date }[];
}

export interface RunQueriesDeps {
  store: Pick<RunStore, 'getRun' | 'listRuns'> & RunListStore;
  access: Pick<ChannelAccess, 'check' | 'filter'>;
  audit: Pick<AuditTrail, 'append'>;
  schedules: Pick<DigestSchedules, 'createdBy' | 'nextFire'>;
  clock: Clock;
}

/** What people may read about runs: every surface (the Slack commands, the Home tab, a console) asks here. */
export class RunQueries {
  constructor(private readonly deps: RunQueriesDeps) {}

  /** One run, to members of its channel and admins; anyone else is refused, and that is audited. */
  async status(viewer: Viewer, runId: string): Promise<RunStatus> {
    const { store, access, audit, clock } = this.deps;
    const run = await store.getRun(runId);
    if (!run) return { kind: 'unknown' };
    const verdict = await access.check(viewer.userId, run.channelId, viewer.here);
    if (verdict.allowed) return { kind: 'shown', run };
    await audit.append({
      at: clock.now(),
      actorId: viewer.userId,
      channelId: viewer.here ?? null,
      action: 'status',
      operationId: run.operationId,
      runId: run.id,
      outcome: 'refused',
      rule: null,
      detail: { why: verdict.reason },
    });
    return { kind: 'refused', runId: run.id, reason: verdict.reason };
  }

  /** A channel's newest runs, to its members and admins. */
  async inChannel(viewer: Viewer, channelId: string, limit: number): Promise<ChannelRuns> {
    const verdict = await this.deps.access.check(viewer.userId, channelId, viewer.here);
    if (!verdict.allowed) return { allowed: false, reason: verdict.reason };
    return { allowed: true, runs: await this.deps.store.listRunSummaries({ channelId, limit }) };
  }

  /** The viewer's newest runs in the channels they may still see. */
  async mine(userId: string, limit: number): Promise<{ runs: RunSummary[]; hidden: HiddenRuns }> {
    // Read past what is shown, so runs in channels left behind do not crowd out the rest.
    const seen = await this.visible(
      userId,
      await this.deps.store.listRunSummaries({ requesterId: userId, limit: limit * 3 }),
    );
    return { runs: seen.visible.slice(0, limit), hidden: hiddenOf(seen) };
  }

  /** The Home tab's data: recent and waiting runs (up to `shown` of each, plus one), and the viewer's schedules. */
  async home(userId: string, shown: { runs: number; waiting: number }): Promise<HomeData> {
    const now = this.deps.clock.now();
    // Read past what is shown: runs in channels the viewer has left are dropped, and one more than is
    // shown lets the surface say there are more.
    const [recentSeen, waitingSeen, schedules] = await Promise.all([
      this.visibleRuns(userId, { requesterId: userId, limit: (shown.runs + 1) * 2 }),
      this.visibleRuns(userId, {
        requesterId: userId,
        states: ['waiting', 'awaiting_approval'],
        limit: (shown.waiting + 1) * 2,
      }),
      this.deps.schedules.createdBy(userId),
    ]);
    return {
      now,
      recent: recentSeen.visible.slice(0, shown.runs + 1),
      hidden: hiddenOf(recentSeen),
      waiting: waitingSeen.visible.slice(0, shown.waiting + 1),
      schedules: schedules.map(({ schedule }) => {
        const next = this.deps.schedules.nextFire(schedule);
        return next ? { schedule, next } : { schedule };
      }),
    };
  }

  private async visibleRuns(userId: string, filter: RunFilter) {
    return this.visible(userId, await this.deps.store.listRuns(filter));
  }

  private visible<T extends Pick<RunRecord, 'channelId'>>(userId: string, runs: T[]) {
    return this.deps.access.filter(userId, runs, (run) => run.channelId);
  }
}

function hiddenOf({ notMember, unknown }: HiddenRuns): HiddenRuns {
  return { notMember, unknown };
}
