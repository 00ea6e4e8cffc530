import type { ExpressionBuilder, Kysely, SelectQueryBuilder, Selectable } from 'kysely';
import { isFinal, RUN_STATES } from '../core/runs/lifecycle';
import type { Engine } from './engine';
import type { RunState } from '../core/runs/lifecycle';
import type {
  DigestCounts,
  DigestFilters,
  DigestRunFilter,
  DigestScheduleOverview,
  DigestScheduleRecord,
  DigestStateCount,
  DigestStore,
  HeldDigestWindow,
  DigestWindowOutcome,
  DigestWindowRecord,
  NewDigestWindow,
  RunDuration,
  Tally,
} from '../core/digest/digest-store';
import type { RunRecord } from '../core/runs/run-store';
import { runRecord } from './rows';
import type { Database, DigestSchedulesTable, DigestWindowsTable } from './schema';

const UNFINISHED_STATES = RUN_STATES.filter((state) => !isFinal(state));

type RunsQuery<O> = SelectQueryBuilder<Database, 'runs', O>;
/** Narrows a query of runs to one way of belonging to a window. */
type WindowPart = <O>(qb: RunsQuery<O>) => RunsQuery<O>;

/**
 * The runs a window covers, as three disjoint index ranges: created in it; created before it and finished
 * in it; created before it and still going (an unfinished run has no finish time). One OR over them made
 * both databases scan the whole channel. Parts that no wanted state can be in are left out.
 */
function windowParts(filter: DigestRunFilter): WindowPart[] {
  const from = filter.from.getTime();
  const to = filter.to.getTime();
  const wanted = (states: readonly RunState[]) =>
    filter.states === undefined ? states : states.filter((s) => filter.states?.includes(s));
  const scoped = <O>(qb: RunsQuery<O>): RunsQuery<O> => {
    let query = qb.where('channel_id', '=', filter.channelId);
    if (filter.system !== undefined) query = query.where('system', '=', filter.system);
    if (filter.operationId !== undefined) query = query.where('operation_id', '=', filter.operationId);
    if (filter.states !== undefined) query = query.where('state', 'in', [...filter.states]);
    return query;
  };
  const parts: WindowPart[] = [
    (qb) => scoped(qb).where('created_at', '>=', from).where('created_at', '<', to),
    (qb) =>
      scoped(qb)
        .where('created_at', '<', from)
        .where('finished_at', '>=', from)
        .where('finished_at', '<', to),
  ];
  const going = wanted(UNFINISHED_STATES);
  if (going.length > 0)
    parts.push((qb) => scoped(qb).where('created_at', '<', from).where('state', 'in', going));
  return filter.states?.length === 0 ? [] : parts;
}

function scheduleRecord(row: Selectable<DigestSchedulesTable>): DigestScheduleRecord {
  return {
    id: row.id,
    channelId: row.channel_id,
    createdBy: row.created_by,
    cron: row.cron,
    label: row.label,
    timeZone: row.time_zone,
    filters: JSON.parse(row.filters) as DigestFilters,
    createdAt: new Date(row.created_at),
  };
}

const dateOrNull = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

function windowRecord(row: Selectable<DigestWindowsTable>): DigestWindowRecord {
  return {
    scheduleId: row.schedule_id,
    windowStart: new Date(row.window_start),
    windowEnd: new Date(row.window_end),
    skipped: row.skipped,
    claimedBy: row.claimed_by,
    leaseUntil: new Date(row.lease_until),
    attempts: row.attempts,
    partsPosted: row.parts_posted,
    threadTs: row.thread_ts,
    attemptedPart: row.attempted_part,
    postedAt: dateOrNull(row.posted_at),
    failedAt: dateOrNull(row.failed_at),
    error: row.error,
  };
}

/** A window nobody is posting: not settled, and its lease (or its retry delay) has run out. */
const unsettledAndFree = (now: Date) => (eb: ExpressionBuilder<Database, 'digest_windows'>) =>
  eb.and([eb('posted_at', 'is', null), eb('failed_at', 'is', null), eb('lease_until', '<', now.getTime())]);

const heldBy =
  (window: HeldDigestWindow, owner: string) => (eb: ExpressionBuilder<Database, 'digest_windows'>) =>
    eb.and([
      eb('schedule_id', '=', window.scheduleId),
      eb('window_end', '=', window.windowEnd.getTime()),
      eb('claimed_by', '=', owner),
      eb('attempts', '=', window.attempts),
      eb('posted_at', 'is', null),
      eb('failed_at', 'is', null),
    ]);

/**
 * The digest half of the Store on Kysely. A window is claimed by one INSERT … ON CONFLICT DO NOTHING on its
 * primary key, and taken over by one conditional UPDATE, so both hold across processes sharing PostgreSQL.
 */
export class DigestQueries implements DigestStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  async createDigestSchedule(schedule: DigestScheduleRecord): Promise<void> {
    await this.db
      .insertInto('digest_schedules')
      .values({
        id: schedule.id,
        channel_id: schedule.channelId,
        created_by: schedule.createdBy,
        cron: schedule.cron,
        label: schedule.label,
        time_zone: schedule.timeZone,
        filters: JSON.stringify(schedule.filters),
        created_at: schedule.createdAt.getTime(),
      })
      .execute();
  }

  async getDigestSchedule(id: string): Promise<DigestScheduleRecord | undefined> {
    const row = await this.db
      .selectFrom('digest_schedules')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && scheduleRecord(row);
  }

  async listDigestSchedules(filter: {
    channelId?: string;
    createdBy?: string;
  }): Promise<DigestScheduleOverview[]> {
    let query = this.db.selectFrom('digest_schedules').selectAll();
    if (filter.channelId !== undefined) query = query.where('channel_id', '=', filter.channelId);
    if (filter.createdBy !== undefined) query = query.where('created_by', '=', filter.createdBy);
    const schedules = (await query.orderBy('created_at').orderBy('id').execute()).map(scheduleRecord);
    if (schedules.length === 0) return [];
    const latest = await this.db
      .selectFrom('digest_windows as w')
      .selectAll('w')
      .where(
        'w.schedule_id',
        'in',
        schedules.map((s) => s.id),
      )
      .where((eb) =>
        eb(
          'w.window_end',
          '=',
          eb
            .selectFrom('digest_windows as newer')
            .select((inner) => inner.fn.max('newer.window_end').as('end'))
            .whereRef('newer.schedule_id', '=', 'w.schedule_id'),
        ),
      )
      .execute();
    const bySchedule = new Map(latest.map((row) => [row.schedule_id, windowRecord(row)]));
    return schedules.map((schedule) => ({ schedule, lastWindow: bySchedule.get(schedule.id) ?? null }));
  }

  removeDigestSchedule(id: string, channelId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('digest_schedules')
        .where('id', '=', id)
        .where('channel_id', '=', channelId)
        .executeTakeFirst();
      if (removed.numDeletedRows === 0n) return false;
      await trx.deleteFrom('digest_windows').where('schedule_id', '=', id).execute();
      return true;
    });
  }

  async claimDigestWindow(window: NewDigestWindow): Promise<DigestWindowRecord | undefined> {
    const row = await this.db
      .insertInto('digest_windows')
      .values({
        schedule_id: window.scheduleId,
        window_end: window.windowEnd.getTime(),
        window_start: window.windowStart.getTime(),
        skipped: window.skipped,
        claimed_by: window.claimedBy,
        lease_until: window.leaseUntil.getTime(),
      })
      .onConflict((oc) => oc.columns(['schedule_id', 'window_end']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && windowRecord(row);
  }

  async reclaimDigestWindows(
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<DigestWindowRecord[]> {
    const free = unsettledAndFree(now);
    // Nearly always nothing was abandoned: a read says so without a write transaction on every tick.
    const anyAbandoned = await this.db
      .selectFrom('digest_windows')
      .select('schedule_id')
      .where(free)
      .limit(1)
      .executeTakeFirst();
    if (!anyAbandoned) return [];
    const candidates = this.db
      .selectFrom('digest_windows')
      .select(['schedule_id', 'window_end'])
      .where(free)
      .orderBy('lease_until')
      .limit(limit)
      .$if(this.engine === 'postgres', (qb) => qb.forUpdate().skipLocked())
      .$asTuple('schedule_id', 'window_end');
    // The outer WHERE repeats the test: of two processes racing for one window, only one UPDATE matches it.
    const rows = await this.db
      .updateTable('digest_windows')
      .set((eb) => ({
        claimed_by: owner,
        lease_until: leaseUntil.getTime(),
        attempts: eb('attempts', '+', 1),
      }))
      .where((eb) => eb(eb.refTuple('schedule_id', 'window_end'), 'in', candidates))
      .where(free)
      .returningAll()
      .execute();
    return rows.map(windowRecord);
  }

  async recordDigestAttempt(
    window: HeldDigestWindow,
    owner: string,
    part: number,
    leaseUntil: Date,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('digest_windows')
      .set({ attempted_part: part, lease_until: leaseUntil.getTime() })
      .where(heldBy(window, owner))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async recordDigestPart(
    window: HeldDigestWindow,
    owner: string,
    partsPosted: number,
    threadTs: string,
    leaseUntil: Date,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('digest_windows')
      .set({
        parts_posted: partsPosted,
        thread_ts: threadTs,
        attempted_part: null,
        lease_until: leaseUntil.getTime(),
      })
      .where(heldBy(window, owner))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async settleDigestWindow(
    window: HeldDigestWindow,
    owner: string,
    outcome: DigestWindowOutcome,
  ): Promise<boolean> {
    const at = outcome.at.getTime();
    const set =
      outcome.kind === 'posted'
        ? { posted_at: at, error: null }
        : outcome.kind === 'failed'
          ? { failed_at: at, error: outcome.error }
          : { lease_until: at, error: outcome.error };
    const result = await this.db
      .updateTable('digest_windows')
      .set(set)
      .where(heldBy(window, owner))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async countDigestRuns(filter: DigestRunFilter, top: number): Promise<DigestCounts> {
    const parts = windowParts(filter);
    // Independent reads: on PostgreSQL they run side by side on the pool's connections.
    const perPart = Promise.all(
      parts.map((part) =>
        part(this.db.selectFrom('runs'))
          .select(['system', 'state', (eb) => eb.fn.countAll().as('count')])
          .groupBy(['system', 'state'])
          .execute(),
      ),
    );
    const [launched] = parts;
    const busiest = async (column: 'operation_id' | 'requester_id'): Promise<Tally[]> => {
      if (!launched) return [];
      const rows = await launched(this.db.selectFrom('runs'))
        .select([`${column} as id`, (eb) => eb.fn.countAll().as('count')])
        .groupBy(column)
        .orderBy('count', 'desc')
        .orderBy(column)
        .limit(top)
        .execute();
      return rows.map((row) => ({ id: row.id, count: Number(row.count) }));
    };
    const [counted, busiestOperations, busiestRequesters] = await Promise.all([
      perPart,
      busiest('operation_id'),
      busiest('requester_id'),
    ]);
    const byState = new Map<string, DigestStateCount>();
    for (const row of counted.flat()) {
      const key = `${row.system}\u0000${row.state}`;
      const count = (byState.get(key)?.count ?? 0) + Number(row.count);
      byState.set(key, { system: row.system, state: row.state as RunState, count });
    }
    return { byState: [...byState.values()], busiestOperations, busiestRequesters };
  }

  async listDigestRuns(
    filter: DigestRunFilter & { states: readonly RunState[]; limit: number },
  ): Promise<RunRecord[]> {
    const ids = windowParts(filter).map((part) => part(this.db.selectFrom('runs').select('id')));
    const [first, ...rest] = ids;
    if (!first) return [];
    const inWindow = rest.reduce((union, next) => union.unionAll(next), first);
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('id', 'in', inWindow)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map(runRecord);
  }

  async runDurations(filter: {
    operationIds: string[];
    since: Date;
    until: Date;
    limit: number;
  }): Promise<RunDuration[]> {
    if (filter.operationIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('runs')
      .select(['operation_id', 'created_at', 'started_at', 'finished_at'])
      .where('operation_id', 'in', filter.operationIds)
      .where('state', '=', 'succeeded')
      .where('finished_at', '>=', filter.since.getTime())
      .where('finished_at', '<', filter.until.getTime())
      .orderBy('finished_at', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.flatMap((row) =>
      row.finished_at === null
        ? []
        : [
            {
              operationId: row.operation_id,
              durationMs: row.finished_at - (row.started_at ?? row.created_at),
            },
          ],
    );
  }
}
