import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import { isFinal, RUN_STATES, type RunState } from '../core/runs/lifecycle';
import type { Connection } from './connection';
import { ApprovalQueries } from './approval-queries';
import { BudgetQueries } from './budget-queries';
import { DigestQueries } from './digest-queries';
import { DirectMessageQueries } from './direct-message-queries';
import { OnceQueries } from './once-queries';
import { HomeMarkQueries } from './home-mark-queries';
import { SurfaceQueries } from './surface-queries';
import type { Surface, SurfaceUse } from '../core/store-surfaces';
import { migrate } from './migrate';
import { StepQueries } from './step-queries';
import { RunListQueries } from './run-list-queries';
import type { RunSummary } from '../core/runs/run-list-store';
import type { StepClaim } from '../core/runs/step-store';
import {
  type Lease,
  type NewRun,
  type NewTransition,
  type RunFilter,
  type RunPatch,
  type RunRecord,
  type TransitionRecord,
} from '../core/runs/run-store';
import {
  type ApprovalOutcome,
  type ApprovalStatus,
  type ApprovalVoteRecord,
  type NewApprovalRequest,
} from '../core/approvals/approval-store';
import { type AuditFilter, type AuditRecord, type NewAuditRecord } from '../core/audit/audit-store';
import {
  type DigestCounts,
  type DigestRunFilter,
  type DigestScheduleOverview,
  type DigestScheduleRecord,
  type HeldDigestWindow,
  type DigestWindowOutcome,
  type DigestWindowRecord,
  type NewDigestWindow,
  type RunDuration,
} from '../core/digest/digest-store';
import { type Store } from '../core/store';
import type {
  DirectMessageKey,
  DirectMessageRecord,
  DirectReason,
  NewDirectMessage,
} from '../core/direct/direct-message-store';
import type { Booking, BookingRequest, BudgetKey } from '../core/runs/budget-store';
import {
  auditRecord,
  auditRow,
  newRunRow,
  patchRow,
  runRecord,
  transitionRecord,
  transitionRow,
} from './rows';
import type { Database } from './schema';
import { heldUnder } from './leases';
import { LeaseLostError } from '../core/errors';

const FINAL_STATES = RUN_STATES.filter(isFinal);

/** Nobody holds the run: no lease, or one that ran out before `now`. */
const leaseFree = (now: Date) => (eb: ExpressionBuilder<Database, 'runs'>) =>
  eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now.getTime())]);

/**
 * The Store on Kysely: one set of queries for SQLite and PostgreSQL. Every claim or first-wins change is a
 * single conditional UPDATE (compare-and-set in its WHERE), so it holds across processes sharing one
 * PostgreSQL; the two multi-statement writes (appendTransition, markNotified) each run in one transaction.
 */
export class SqlStore implements Store {
  private readonly db: Kysely<Database>;
  private readonly digests: DigestQueries;
  private readonly approvals: ApprovalQueries;
  private readonly budget: BudgetQueries;
  private readonly direct: DirectMessageQueries;
  private readonly once: OnceQueries;
  private readonly homeMarks: HomeMarkQueries;
  readonly shared: boolean;
  private readonly steps: StepQueries;
  private readonly lists: RunListQueries;
  private readonly surfaces: SurfaceQueries;

  constructor(
    private readonly connection: Connection,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {
    this.db = connection.db;
    this.digests = new DigestQueries(connection.db, connection.engine);
    this.approvals = new ApprovalQueries(connection.db, () => clock.now());
    this.budget = new BudgetQueries(connection.db, connection.engine);
    this.direct = new DirectMessageQueries(connection.db);
    this.once = new OnceQueries(connection.db);
    this.homeMarks = new HomeMarkQueries(connection.db);
    this.shared = connection.engine === 'postgres';
    this.steps = new StepQueries(connection.db);
    this.lists = new RunListQueries(connection.db);
    this.surfaces = new SurfaceQueries(connection.db);
  }

  noteSurface(surface: Surface, at: Date): Promise<void> {
    return this.surfaces.noteSurface(surface, at);
  }

  surfaceUse(surface: Surface): Promise<SurfaceUse | undefined> {
    return this.surfaces.surfaceUse(surface);
  }

  migrate(): Promise<void> {
    return migrate(this.connection, this.log);
  }

  book(request: BookingRequest): Promise<Booking> {
    return this.budget.book(request);
  }

  pauseBudget(key: BudgetKey, until: Date): Promise<void> {
    return this.budget.pauseBudget(key, until);
  }

  claimOnce(key: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.once.claimOnce(key, expiresAt, now);
  }

  sweepOnceKeys(now: Date): Promise<number> {
    return this.once.sweepOnceKeys(now);
  }

  markHomes(userIds: string[], at: Date): Promise<void> {
    return this.homeMarks.markHomes(userIds, at);
  }

  unclaimedHomes(now: Date, limit: number): Promise<string[]> {
    return this.homeMarks.unclaimedHomes(now, limit);
  }

  claimHome(userId: string, owner: string, now: Date, until: Date): Promise<number | undefined> {
    return this.homeMarks.claimHome(userId, owner, now, until);
  }

  clearHome(userId: string, owner: string, version: number): Promise<void> {
    return this.homeMarks.clearHome(userId, owner, version);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  async createRun(run: NewRun): Promise<{ created: boolean; run: RunRecord }> {
    // ON CONFLICT DO NOTHING rather than catching the violation: no error, so no aborted PG transaction,
    // and a concurrent insert of the same key waits for the other one to commit before doing nothing.
    const inserted = await this.db
      .insertInto('runs')
      .values(newRunRow(run))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { created: true, run: runRecord(inserted) };
    const existing = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('idempotency_key', '=', run.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { created: false, run: runRecord(existing) };
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && runRecord(row);
  }

  async updateRun(id: string, lease: Lease, patch: RunPatch): Promise<RunRecord> {
    const row = await this.db
      .updateTable('runs')
      .set({ ...patchRow(patch), updated_at: this.clock.now().getTime() })
      .where('id', '=', id)
      .where(heldUnder(lease))
      .returningAll()
      .executeTakeFirst();
    if (!row) throw await this.notHeld(this.db, id);
    return runRecord(row);
  }

  appendTransition(
    id: string,
    lease: Lease,
    patch: RunPatch,
    transition: NewTransition,
  ): Promise<{ run: RunRecord; transition: TransitionRecord }> {
    return this.db.transaction().execute(async (trx) => {
      // Raising seq first locks the row (PG) or the file (SQLite) until commit, so seq numbers never repeat.
      const row = await trx
        .updateTable('runs')
        .set((eb) => ({ ...patchRow(patch), seq: eb('seq', '+', 1), updated_at: this.clock.now().getTime() }))
        .where('id', '=', id)
        .where(heldUnder(lease))
        .returningAll()
        .executeTakeFirst();
      if (!row) throw await this.notHeld(trx, id);
      const inserted = await trx
        .insertInto('transitions')
        .values(transitionRow(id, row.seq, transition))
        .returningAll()
        .executeTakeFirstOrThrow();
      return { run: runRecord(row), transition: transitionRecord(inserted) };
    });
  }

  async pendingTransitions(id: string): Promise<TransitionRecord[]> {
    const rows = await this.db
      .selectFrom('transitions')
      .innerJoin('runs', 'runs.id', 'transitions.run_id')
      .selectAll('transitions')
      .where('transitions.run_id', '=', id)
      .whereRef('transitions.seq', '>', 'runs.notified_seq')
      .orderBy('transitions.seq')
      .execute();
    return rows.map(transitionRecord);
  }

  async getTransition(id: string, seq: number): Promise<TransitionRecord | undefined> {
    const row = await this.db
      .selectFrom('transitions')
      .selectAll()
      .where('run_id', '=', id)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return row ? transitionRecord(row) : undefined;
  }

  async markAttempted(id: string, lease: Lease, seq: number, at: Date | null): Promise<void> {
    const marked = await this.db
      .updateTable('transitions')
      .set({ attempted_at: at === null ? null : at.getTime() })
      .where('run_id', '=', id)
      .where('seq', '=', seq)
      .where((eb) =>
        eb.exists(eb.selectFrom('runs').select('runs.id').where('runs.id', '=', id).where(heldUnder(lease))),
      )
      // A reply attempted or posted since it was read: this claim works from an old read.
      .$if(at !== null, (qb) => qb.where('attempted_at', 'is', null).where('notified_ts', 'is', null))
      .executeTakeFirst();
    if (marked.numUpdatedRows === 0n) throw await this.notHeld(this.db, id);
  }

  markNotified(id: string, seq: number, ts: string): Promise<void> {
    return this.db.transaction().execute(async (trx) => {
      const marked = await trx
        .updateTable('transitions')
        .set({ notified_ts: ts })
        .where('run_id', '=', id)
        .where('seq', '=', seq)
        .executeTakeFirst();
      if (marked.numUpdatedRows === 0n) throw new Error(`run ${id} has no transition ${seq}`);
      await trx
        .updateTable('runs')
        .set({ notified_seq: seq })
        .where('id', '=', id)
        .where('notified_seq', '<', seq)
        .execute();
    });
  }

  async setParentTs(id: string, ts: string): Promise<string> {
    // COALESCE inside one UPDATE: a concurrent caller re-reads the row after the first commits and keeps its ts.
    const row = await this.db
      .updateTable('runs')
      .set((eb) => ({ parent_ts: eb.fn.coalesce('parent_ts', eb.val(ts)) }))
      .where('id', '=', id)
      .returning('parent_ts')
      .executeTakeFirst();
    if (!row?.parent_ts) throw new Error(`run ${id} does not exist`);
    return row.parent_ts;
  }

  async claimDue(
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
    except: readonly string[] = [],
  ): Promise<Pick<RunRecord, 'id'>[]> {
    const free = leaseFree(now);
    const dueNow = (eb: ExpressionBuilder<Database, 'runs'>) =>
      eb.and([
        free(eb),
        eb('next_poll_at', '<=', now.getTime()),
        ...(except.length > 0 ? [eb('id', 'not in', except)] : []),
      ]);
    // Most ticks find nothing due: a read answers that without the write transaction a claim costs,
    // which on SQLite would hold the event loop (and every Slack ack behind it) on each tick.
    const anyDue = await this.db.selectFrom('runs').select('id').where(dueNow).limit(1).executeTakeFirst();
    if (!anyDue) return [];
    // On PostgreSQL, SKIP LOCKED lets concurrent claimers pass over each other's candidates instead of
    // queueing behind them; the outer WHERE repeats the lease test, which is what guarantees one owner.
    const due = this.db
      .selectFrom('runs')
      .select('id')
      .where(dueNow)
      .orderBy('next_poll_at', (ob) => ob.asc().nullsFirst())
      .limit(limit)
      .$if(this.connection.engine === 'postgres', (qb) => qb.forUpdate().skipLocked());
    return this.db
      .updateTable('runs')
      .set((eb) => ({
        lease_owner: owner,
        lease_until: leaseUntil.getTime(),
        lease_token: eb('lease_token', '+', 1),
      }))
      .where('id', 'in', due)
      .where(free)
      .returning('id')
      .execute();
  }

  async claim(id: string, owner: string, now: Date, leaseUntil: Date): Promise<RunRecord | undefined> {
    const free = leaseFree(now);
    const row = await this.db
      .updateTable('runs')
      .set((eb) => ({
        lease_owner: owner,
        lease_until: leaseUntil.getTime(),
        lease_token: eb('lease_token', '+', 1),
      }))
      .where('id', '=', id)
      .where((eb) => eb.or([free(eb), eb('lease_owner', '=', owner)]))
      .returningAll()
      .executeTakeFirst();
    return row && runRecord(row);
  }

  async release(id: string, lease: Lease, patch: RunPatch): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({
        ...patchRow(patch),
        lease_owner: null,
        lease_until: null,
        updated_at: this.clock.now().getTime(),
      })
      .where('id', '=', id)
      .where(heldUnder(lease))
      .execute();
  }

  async requestCancel(id: string, userId: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('runs')
      .set({
        cancel_requested_by: userId,
        cancel_requested_at: at.getTime(),
        updated_at: this.clock.now().getTime(),
      })
      .where('id', '=', id)
      .where('cancel_requested_at', 'is', null)
      .where('state', 'not in', FINAL_STATES)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  // Listings of runs: their queries live in run-list-queries.ts.
  listRuns(filter: RunFilter): Promise<RunRecord[]> {
    return this.lists.listRuns(filter);
  }

  listRunSummaries(filter: RunFilter): Promise<RunSummary[]> {
    return this.lists.listRunSummaries(filter);
  }

  async appendAudit(record: NewAuditRecord): Promise<void> {
    await this.db.insertInto('audit').values(auditRow(record)).execute();
  }

  async listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('audit').selectAll();
    if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since.getTime());
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map(auditRecord);
  }

  // Digest schedules and windows: their queries live in digest-queries.ts.
  createDigestSchedule(schedule: DigestScheduleRecord): Promise<void> {
    return this.digests.createDigestSchedule(schedule);
  }

  getDigestSchedule(id: string): Promise<DigestScheduleRecord | undefined> {
    return this.digests.getDigestSchedule(id);
  }

  listDigestSchedules(filter: { channelId?: string; createdBy?: string }): Promise<DigestScheduleOverview[]> {
    return this.digests.listDigestSchedules(filter);
  }

  removeDigestSchedule(id: string, channelId: string): Promise<boolean> {
    return this.digests.removeDigestSchedule(id, channelId);
  }

  claimDigestWindow(window: NewDigestWindow): Promise<DigestWindowRecord | undefined> {
    return this.digests.claimDigestWindow(window);
  }

  reclaimDigestWindows(
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<DigestWindowRecord[]> {
    return this.digests.reclaimDigestWindows(owner, now, leaseUntil, limit);
  }

  recordDigestAttempt(
    window: HeldDigestWindow,
    owner: string,
    part: number,
    leaseUntil: Date,
  ): Promise<boolean> {
    return this.digests.recordDigestAttempt(window, owner, part, leaseUntil);
  }

  recordDigestPart(
    window: HeldDigestWindow,
    owner: string,
    partsPosted: number,
    threadTs: string,
    leaseUntil: Date,
  ): Promise<boolean> {
    return this.digests.recordDigestPart(window, owner, partsPosted, threadTs, leaseUntil);
  }

  settleDigestWindow(
    window: HeldDigestWindow,
    owner: string,
    outcome: DigestWindowOutcome,
  ): Promise<boolean> {
    return this.digests.settleDigestWindow(window, owner, outcome);
  }

  countDigestRuns(filter: DigestRunFilter, top: number): Promise<DigestCounts> {
    return this.digests.countDigestRuns(filter, top);
  }

  listDigestRuns(
    filter: DigestRunFilter & { states: readonly RunState[]; limit: number },
  ): Promise<RunRecord[]> {
    return this.digests.listDigestRuns(filter);
  }

  runDurations(filter: {
    operationIds: string[];
    since: Date;
    until: Date;
    limit: number;
  }): Promise<RunDuration[]> {
    return this.digests.runDurations(filter);
  }

  // Human-step claims: their queries live in step-queries.ts.
  claimStep(claim: StepClaim): Promise<{ claimed: true } | { claimed: false; holder: StepClaim }> {
    return this.steps.claimStep(claim);
  }

  releaseStep(runId: string, stepId: string, actorId: string): Promise<void> {
    return this.steps.releaseStep(runId, stepId, actorId);
  }

  stepClaim(runId: string, stepId: string): Promise<StepClaim | undefined> {
    return this.steps.stepClaim(runId, stepId);
  }

  // Approval requests and votes: their queries live in approval-queries.ts.
  createApprovalRequest(request: NewApprovalRequest): Promise<void> {
    return this.approvals.createApprovalRequest(request);
  }

  getApproval(runId: string): Promise<ApprovalStatus | undefined> {
    return this.approvals.getApproval(runId);
  }

  setApprovalMessage(runId: string, ts: string): Promise<void> {
    return this.approvals.setApprovalMessage(runId, ts);
  }

  castVote(vote: ApprovalVoteRecord): Promise<{ recorded: boolean; approvals: number }> {
    return this.approvals.castVote(vote);
  }

  settleApproval(
    runId: string,
    outcome: { outcome: ApprovalOutcome; by: string | null; at: Date },
    patch: RunPatch,
  ): Promise<RunRecord | undefined> {
    return this.approvals.settleApproval(runId, outcome, patch);
  }

  // Direct messages and people's choices about them: their queries live in direct-message-queries.ts.
  planDirectMessages(messages: NewDirectMessage[]): Promise<void> {
    return this.direct.planDirectMessages(messages);
  }

  refreshDirectMessages(runId: string, reason: DirectReason, seq: number): Promise<void> {
    return this.direct.refreshDirectMessages(runId, reason, seq);
  }

  closeDirectMessages(runId: string, reason: DirectReason, seq: number, again?: boolean): Promise<void> {
    return this.direct.closeDirectMessages(runId, reason, seq, again);
  }

  outstandingDirectMessages(runId: string): Promise<DirectMessageRecord[]> {
    return this.direct.outstandingDirectMessages(runId);
  }

  markDirectAttempted(key: DirectMessageKey, lease: Lease, at: Date | null): Promise<void> {
    return this.direct.markDirectAttempted(key, lease, at);
  }

  markDirectPosted(key: DirectMessageKey, channelId: string, ts: string, shownSeq: number): Promise<void> {
    return this.direct.markDirectPosted(key, channelId, ts, shownSeq);
  }

  markDirectShown(key: DirectMessageKey, seq: number): Promise<void> {
    return this.direct.markDirectShown(key, seq);
  }

  skipDirectMessage(key: DirectMessageKey): Promise<void> {
    return this.direct.skipDirectMessage(key);
  }

  transitionsAfter(runId: string, seq: number): Promise<TransitionRecord[]> {
    return this.direct.transitionsAfter(runId, seq);
  }

  directMessagesOff(userIds: string[]): Promise<Set<string>> {
    return this.direct.directMessagesOff(userIds);
  }

  setDirectMessages(userId: string, enabled: boolean, at: Date): Promise<void> {
    return this.direct.setDirectMessages(userId, enabled, at);
  }

  /** Why a lease-guarded write touched no row: the run is gone (a bug) or someone else holds it. */
  private async notHeld(db: Kysely<Database>, id: string): Promise<Error> {
    const exists = await db.selectFrom('runs').select('id').where('id', '=', id).executeTakeFirst();
    return exists ? new LeaseLostError(id) : new Error(`run ${id} does not exist`);
  }
}
