import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, types } from 'pg';
import type { Clock } from '../../src/core/kit/clock';
import { LeaseLostError, type NewRun, type NewTransition } from '../../src/core/runs/run-store';
import { type Store } from '../../src/core/store';
import { openStore } from '../../src/store';
import {
  CREATED_RUN_DEFAULTS,
  createdLease,
  newRun as baseRun,
  newTransition,
} from '../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../support/stores';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

let counter = 0;
function newRun(overrides: Partial<NewRun> = {}): NewRun {
  counter += 1;
  return baseRun({
    id: `run-${counter}`,
    idempotencyKey: `view-${counter}`,
    operationId: 'itential.start-job',
    channelId: 'C1',
    requesterId: 'U1',
    input: { workflow: 'Reboot', vars: { host: 'r1', dryRun: true, count: 3 } },
    facts: [{ label: 'Workflow', value: 'Reboot' }],
    state: 'starting',
    createdAt: T0,
    ...overrides,
  });
}

function transition(overrides: Partial<NewTransition> = {}): NewTransition {
  return newTransition({ at: T0, ...overrides });
}

/** A clock the test moves; the store stamps updatedAt with it. */
function fixedClock(): Clock & { set(date: Date): void } {
  let now = T0;
  return { now: () => now, set: (date) => (now = date) };
}

describe.each(storeBackends())('store on $name', (backend) => {
  const clock = fixedClock();
  let db: StoreFixture;
  let store: Store;
  let peer: Store | undefined;

  beforeAll(async () => {
    db = await backend.open({ clock });
    store = db.store;
  });
  beforeEach(async () => {
    clock.set(T0);
    await db.reset();
  });
  afterAll(() => db.dispose());

  /** Two stores on the same data: two processes on PostgreSQL; SQLite is one process, so one store twice. */
  async function twoProcesses(): Promise<[Store, Store]> {
    if (backend.name === 'sqlite') return [store, store];
    peer ??= await db.openStore({ clock });
    return [store, peer];
  }

  /** A run leased to `owner` until `until`. */
  async function leasedRun(owner = 'p1', until = at(60), overrides: Partial<NewRun> = {}) {
    const { run } = await store.createRun(newRun({ leaseOwner: owner, leaseUntil: until, ...overrides }));
    return run;
  }

  describe('migrations', () => {
    it('migrating again changes nothing and keeps the data', async () => {
      const { run } = await store.createRun(newRun());
      await store.migrate();
      await store.migrate();
      expect((await store.getRun(run.id))?.idempotencyKey).toBe(run.idempotencyKey);
    });

    it('keeps the data across close and reopen', async () => {
      const own = await backend.open();
      try {
        const { run } = await own.store.createRun(newRun({ leaseOwner: 'p1', leaseUntil: at(60) }));
        await own.store.appendTransition(run.id, createdLease('p1'), { state: 'running' }, transition());
        await own.store.appendAudit({
          at: T0,
          actorId: 'U1',
          channelId: 'C1',
          action: 'launch',
          operationId: run.operationId,
          runId: run.id,
          outcome: 'allowed',
          rule: null,
          detail: {},
        });
        await own.store.close();
        if (backend.name === 'sqlite')
          expect(existsSync(join(own.options.dataDir, 'flightdeck.db'))).toBe(true);

        const reopened = await own.openStore();
        expect(await reopened.getRun(run.id)).toMatchObject({ state: 'running', seq: 1 });
        expect(await reopened.pendingTransitions(run.id)).toHaveLength(1);
        expect(await reopened.listAudit({ limit: 10 })).toHaveLength(1);
      } finally {
        await own.dispose();
      }
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });

  describe('createRun', () => {
    it('stores a new run with its defaults', async () => {
      const input = newRun({ nextPollAt: at(5), leaseOwner: 'p1', leaseUntil: at(30) });
      const { created, run } = await store.createRun(input);
      expect(created).toBe(true);
      expect(run).toEqual({ ...input, ...CREATED_RUN_DEFAULTS, updatedAt: input.createdAt });
      expect(await store.getRun(run.id)).toEqual(run);
    });

    it('returns the existing run for a repeated idempotency key', async () => {
      const first = await store.createRun(newRun({ idempotencyKey: 'view-dup' }));
      const again = await store.createRun(newRun({ idempotencyKey: 'view-dup', channelId: 'C2' }));
      expect(again.created).toBe(false);
      expect(again.run).toEqual(first.run);
      expect(await store.getRun(`run-${counter}`)).toBeUndefined();
    });

    it('creates exactly one run when the same key arrives at once in two processes', async () => {
      const [a, b] = await twoProcesses();
      const attempts = Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b).createRun(newRun({ idempotencyKey: 'view-race' })),
      );
      const results = await Promise.all(attempts);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
    });

    it('keeps the run a re-run was started from', async () => {
      const earlier = await store.createRun(newRun({}));
      const { run } = await store.createRun(newRun({ rerunOf: earlier.run.id }));
      expect(run.rerunOf).toBe(earlier.run.id);
      expect((await store.getRun(run.id))?.rerunOf).toBe(earlier.run.id);
      expect(earlier.run.rerunOf).toBeNull();
    });

    it('returns undefined for an unknown run', async () => {
      expect(await store.getRun('nope')).toBeUndefined();
    });
  });

  describe('updateRun', () => {
    it('round-trips every field: Dates stay Dates, JSON stays JSON', async () => {
      const run = await leasedRun();
      clock.set(at(7));
      const patch = {
        facts: [{ label: 'Host', value: 'r1 — ünïcode' }],
        state: 'failed' as const,
        upstreamId: 'job-1',
        upstreamUrl: 'https://itential.example/jobs/job-1',
        upstreamStatus: 'error',
        detail: 'task 3 failed',
        progress: 42.5,
        waitingFor: 'approval',
        problem: { title: 'Itential refused', message: 'nope', code: 'E1', httpStatus: 409, hint: 'wait' },
        memo: { nested: { list: [1, 'two', null, true] } },
        mayRecover: true,
        retryStep: { id: 'c3d4', label: 'task Push config — ünïcode' },
        parentTs: '1714557600.000100',
        startedAt: at(1),
        finishedAt: at(6),
        nextPollAt: at(20),
        pollFailures: 3,
        leaseUntil: at(90),
        cancelRequestedBy: 'U9',
        cancelRequestedAt: at(5),
      };
      const updated = await store.updateRun(run.id, createdLease('p1'), patch);
      expect(updated).toEqual({ ...run, ...patch, updatedAt: at(7) });
      const read = await store.getRun(run.id);
      expect(read).toEqual(updated);
      expect(read?.startedAt).toBeInstanceOf(Date);
    });

    it('leaves absent fields alone and clears fields set to null', async () => {
      const run = await leasedRun();
      await store.updateRun(run.id, createdLease('p1'), { upstreamId: 'job-1', detail: 'x', memo: { a: 1 } });
      const updated = await store.updateRun(run.id, createdLease('p1'), { detail: null, memo: null });
      expect(updated).toMatchObject({ upstreamId: 'job-1', detail: null, memo: null });
    });

    it('refuses a process that does not hold the lease', async () => {
      const run = await leasedRun('p1');
      await expect(store.updateRun(run.id, createdLease('p2'), { detail: 'mine' })).rejects.toBeInstanceOf(
        LeaseLostError,
      );
      expect((await store.getRun(run.id))?.detail).toBeNull();
    });

    it('says so when the run does not exist', async () => {
      const error = await store.updateRun('nope', createdLease('p1'), {}).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(LeaseLostError);
      expect((error as Error).message).toContain('does not exist');
    });
  });

  describe('appendTransition', () => {
    it('numbers transitions from 1 and applies the patch with each', async () => {
      const run = await leasedRun();
      const failed = transition({
        state: 'failed',
        upstreamStatus: 'error',
        detail: 'task 3',
        progress: 75,
        waitingFor: 'nobody',
        problem: { title: 'Failed', message: 'task 3', errorId: 'abc' },
        actorId: 'U2',
        at: at(9),
      });
      const first = await store.appendTransition(
        run.id,
        createdLease('p1'),
        { state: 'running', upstreamId: 'job-1' },
        transition(),
      );
      const second = await store.appendTransition(
        run.id,
        createdLease('p1'),
        { state: 'failed', problem: { title: 'Failed', message: 'task 3' } },
        failed,
      );
      expect(first.transition).toMatchObject({ runId: run.id, seq: 1, state: 'running', notifiedTs: null });
      expect(first.run).toMatchObject({ seq: 1, state: 'running', upstreamId: 'job-1' });
      expect(second.run).toMatchObject({ seq: 2, state: 'failed', upstreamId: 'job-1', notifiedSeq: 0 });
      expect(second.transition).toEqual({
        ...failed,
        runId: run.id,
        seq: 2,
        payload: null,
        notifiedTs: null,
        attemptedAt: null,
      });
      expect(await store.pendingTransitions(run.id)).toEqual([first.transition, second.transition]);
    });

    it('keeps an approval transition’s payload as data, dates included', async () => {
      const run = await leasedRun();
      const requested = transition({
        kind: 'approval_requested',
        state: 'awaiting_approval',
        upstreamStatus: null,
        payload: {
          kind: 'approval_requested',
          approvers: { users: ['U1'], groups: ['S1'] },
          approvals: 2,
          expiresAt: at(60),
          requestChannelId: 'C9',
        },
      });
      const counted = transition({
        kind: 'approved',
        state: 'awaiting_approval',
        upstreamStatus: null,
        actorId: 'U1',
        payload: { kind: 'approvals', approvals: 1, required: 2, approvedBy: [] },
      });
      await store.appendTransition(run.id, createdLease('p1'), {}, requested);
      await store.appendTransition(run.id, createdLease('p1'), {}, counted);
      const [first, second] = await store.pendingTransitions(run.id);
      expect(first).toMatchObject({ detail: null, payload: requested.payload });
      expect((first?.payload as { expiresAt: Date }).expiresAt).toBeInstanceOf(Date);
      expect(second).toMatchObject({ payload: counted.payload });
    });

    it('records nothing when the lease is lost', async () => {
      const run = await leasedRun('p1');
      await expect(
        store.appendTransition(run.id, createdLease('p2'), { state: 'running' }, transition()),
      ).rejects.toBeInstanceOf(LeaseLostError);
      expect(await store.getRun(run.id)).toMatchObject({ seq: 0, state: 'starting' });
      expect(await store.pendingTransitions(run.id)).toEqual([]);
    });

    it('rolls the run back when the transition cannot be written', async () => {
      const run = await leasedRun('p1');
      const broken = transition({ at: new Date(Number.NaN) });
      await expect(
        store.appendTransition(run.id, createdLease('p1'), { state: 'running' }, broken),
      ).rejects.toThrow();
      expect(await store.getRun(run.id)).toMatchObject({ seq: 0, state: 'starting' });
      expect(await store.pendingTransitions(run.id)).toEqual([]);
    });

    it('never repeats a number when appends race in two processes', async () => {
      const run = await leasedRun('p1');
      const [a, b] = await twoProcesses();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? a : b).appendTransition(run.id, createdLease('p1'), {}, transition({ detail: `n${i}` })),
        ),
      );
      expect(results.map((r) => r.transition.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      expect((await store.getRun(run.id))?.seq).toBe(12);
      expect(await store.pendingTransitions(run.id)).toHaveLength(12);
    });
  });

  describe('markNotified and setParentTs', () => {
    it('raises notifiedSeq, stores the reply ts, and never lowers it', async () => {
      const run = await leasedRun();
      for (let i = 0; i < 3; i += 1)
        await store.appendTransition(run.id, createdLease('p1'), {}, transition());
      await store.markNotified(run.id, 2, '111.2');
      expect((await store.getRun(run.id))?.notifiedSeq).toBe(2);
      expect((await store.pendingTransitions(run.id)).map((t) => t.seq)).toEqual([3]);

      await store.markNotified(run.id, 1, '111.1');
      expect((await store.getRun(run.id))?.notifiedSeq).toBe(2);

      await store.markNotified(run.id, 3, '111.3');
      expect((await store.getRun(run.id))?.notifiedSeq).toBe(3);
      expect(await store.pendingTransitions(run.id)).toEqual([]);
    });

    it('ends at the highest seq when marks race in two processes', async () => {
      const run = await leasedRun();
      for (let i = 0; i < 6; i += 1)
        await store.appendTransition(run.id, createdLease('p1'), {}, transition());
      const [a, b] = await twoProcesses();
      await Promise.all(
        [6, 1, 5, 2, 4, 3].map((seq, i) => (i % 2 ? a : b).markNotified(run.id, seq, `1.${seq}`)),
      );
      expect((await store.getRun(run.id))?.notifiedSeq).toBe(6);
      expect(await store.pendingTransitions(run.id)).toEqual([]);
    });

    it('refuses a transition that does not exist', async () => {
      const run = await leasedRun();
      await expect(store.markNotified(run.id, 1, '111.1')).rejects.toThrow('no transition 1');
      expect((await store.getRun(run.id))?.notifiedSeq).toBe(0);
    });

    it('keeps the first parent ts, also when two processes race', async () => {
      const run = await leasedRun();
      const [a, b] = await twoProcesses();
      const stored = await Promise.all(
        ['1.1', '2.2', '3.3', '4.4'].map((ts, i) => (i % 2 ? a : b).setParentTs(run.id, ts)),
      );
      expect(new Set(stored).size).toBe(1);
      expect(await store.setParentTs(run.id, '9.9')).toBe(stored[0]);
      expect((await store.getRun(run.id))?.parentTs).toBe(stored[0]);
    });

    it('refuses a parent ts for an unknown run', async () => {
      await expect(store.setParentTs('nope', '1.1')).rejects.toThrow('does not exist');
    });
  });

  describe('claimDue', () => {
    it('leases the runs that are due and free, nothing else', async () => {
      const due = (await store.createRun(newRun({ nextPollAt: at(-1) }))).run;
      const dueNow = (await store.createRun(newRun({ nextPollAt: T0 }))).run;
      await store.createRun(newRun({ nextPollAt: at(30) }));
      await store.createRun(newRun({ nextPollAt: null, state: 'succeeded' }));
      const unpostedButNotDue = await leasedRun('p0', at(-5), { nextPollAt: at(30) });
      await store.appendTransition(
        unpostedButNotDue.id,
        createdLease('p0'),
        { state: 'succeeded' },
        transition({ state: 'succeeded' }),
      );
      const heldByOther = await leasedRun('p2', at(10), { nextPollAt: at(-1) });

      const claimed = await store.claimDue('p1', T0, at(60), 10);

      expect(claimed.map((r) => r.id).sort()).toEqual([due.id, dueNow.id].sort());
      for (const { id } of claimed)
        expect(await store.getRun(id)).toMatchObject({ leaseOwner: 'p1', leaseUntil: at(60) });
      expect(await store.getRun(heldByOther.id)).toMatchObject({ leaseOwner: 'p2', leaseUntil: at(10) });
      expect(await store.claimDue('p3', T0, at(60), 10)).toEqual([]);
    });

    it('takes over a run whose lease ran out', async () => {
      const run = await leasedRun('p2', at(10), { nextPollAt: at(-1) });
      expect(await store.claimDue('p1', at(10), at(70), 10)).toEqual([]);
      const claimed = await store.claimDue('p1', at(11), at(70), 10);
      expect(claimed.map((r) => r.id)).toEqual([run.id]);
      await expect(store.updateRun(run.id, createdLease('p2'), {})).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('takes at most `limit`, oldest due first', async () => {
      const runs = [];
      for (let i = 0; i < 5; i += 1)
        runs.push((await store.createRun(newRun({ nextPollAt: at(-10 + i) }))).run);
      const claimed = await store.claimDue('p1', T0, at(60), 2);
      expect(claimed.map((r) => r.id).sort()).toEqual([runs[0]?.id, runs[1]?.id].sort());
    });

    it('never leases a run to two processes claiming at once', async () => {
      const ids = [];
      for (let i = 0; i < 60; i += 1)
        ids.push((await store.createRun(newRun({ nextPollAt: at(-1) }))).run.id);
      const [a, b] = await twoProcesses();
      const owners = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
      const claims = await Promise.all(
        owners.map((owner, i) => (i % 2 ? a : b).claimDue(owner, T0, at(60), 15)),
      );
      const all = claims.flatMap((runs) => runs.map((r) => r.id));
      expect(all.length).toBeGreaterThan(0);
      expect(new Set(all).size).toBe(all.length);
      for (const [i, runs] of claims.entries()) {
        for (const run of runs) expect((await store.getRun(run.id))?.leaseOwner).toBe(owners[i]);
      }
      const rest = await store.claimDue('p7', T0, at(60), 100);
      expect(rest.length + all.length).toBe(ids.length);
    });
  });

  describe('claim and release', () => {
    it('claims a free run, renews its own lease, and refuses a held one', async () => {
      const { run } = await store.createRun(newRun());
      expect(await store.claim(run.id, 'p1', T0, at(30))).toMatchObject({
        leaseOwner: 'p1',
        leaseUntil: at(30),
      });
      expect(await store.claim(run.id, 'p1', at(1), at(40))).toMatchObject({
        leaseOwner: 'p1',
        leaseUntil: at(40),
      });
      expect(await store.claim(run.id, 'p2', at(2), at(50))).toBeUndefined();
      expect(await store.claim(run.id, 'p2', at(41), at(90))).toMatchObject({ leaseOwner: 'p2' });
    });

    it('lets exactly one of two racing processes claim a run', async () => {
      const { run } = await store.createRun(newRun());
      const [a, b] = await twoProcesses();
      const results = await Promise.all(
        ['p1', 'p2', 'p3', 'p4'].map((owner, i) => (i % 2 ? a : b).claim(run.id, owner, T0, at(30))),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('release gives the lease back with the patch; a stale owner changes nothing', async () => {
      const run = await leasedRun('p1');
      await store.release(run.id, createdLease('p2'), { detail: 'stale' });
      expect(await store.getRun(run.id)).toMatchObject({ leaseOwner: 'p1', detail: null });
      await store.release(run.id, createdLease('p1'), { nextPollAt: at(15) });
      expect(await store.getRun(run.id)).toMatchObject({
        leaseOwner: null,
        leaseUntil: null,
        nextPollAt: at(15),
      });
    });
  });

  describe('requestCancel', () => {
    it('records the first request only', async () => {
      const { run } = await store.createRun(newRun());
      expect(await store.requestCancel(run.id, 'U1', at(1))).toBe(true);
      expect(await store.requestCancel(run.id, 'U2', at(2))).toBe(false);
      expect(await store.getRun(run.id)).toMatchObject({ cancelRequestedBy: 'U1', cancelRequestedAt: at(1) });
    });

    it('refuses a finished run', async () => {
      for (const state of ['succeeded', 'failed', 'canceled', 'timed_out', 'rejected'] as const) {
        const { run } = await store.createRun(newRun({ state }));
        expect(await store.requestCancel(run.id, 'U1', T0)).toBe(false);
      }
      expect(await store.requestCancel('nope', 'U1', T0)).toBe(false);
    });

    it('lets exactly one of several racing requests win', async () => {
      const { run } = await store.createRun(newRun({ state: 'running' }));
      const [a, b] = await twoProcesses();
      const users = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6'];
      const results = await Promise.all(users.map((u, i) => (i % 2 ? a : b).requestCancel(run.id, u, T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.getRun(run.id))?.cancelRequestedBy).toBe(users[results.indexOf(true)]);
    });
  });

  describe('listRuns', () => {
    it('filters by channel, requester, state and age, newest first', async () => {
      const r1 = (await store.createRun(newRun({ createdAt: at(1), channelId: 'C1', requesterId: 'U1' })))
        .run;
      const r2 = (await store.createRun(newRun({ createdAt: at(2), channelId: 'C2', requesterId: 'U1' })))
        .run;
      const r3 = (
        await store.createRun(
          newRun({ createdAt: at(3), channelId: 'C1', requesterId: 'U2', state: 'running' }),
        )
      ).run;
      const ids = (runs: { id: string }[]) => runs.map((r) => r.id);

      expect(ids(await store.listRuns({ limit: 10 }))).toEqual([r3.id, r2.id, r1.id]);
      expect(ids(await store.listRuns({ limit: 2 }))).toEqual([r3.id, r2.id]);
      expect(ids(await store.listRuns({ channelId: 'C1', limit: 10 }))).toEqual([r3.id, r1.id]);
      expect(ids(await store.listRuns({ requesterId: 'U1', limit: 10 }))).toEqual([r2.id, r1.id]);
      expect(ids(await store.listRuns({ states: ['running', 'failed'], limit: 10 }))).toEqual([r3.id]);
      expect(ids(await store.listRuns({ states: [], limit: 10 }))).toEqual([]);
      expect(ids(await store.listRuns({ createdSince: at(2), limit: 10 }))).toEqual([r3.id, r2.id]);
      expect(
        ids(await store.listRuns({ channelId: 'C1', requesterId: 'U1', createdSince: at(1), limit: 10 })),
      ).toEqual([r1.id]);
    });
  });

  describe('audit', () => {
    it('appends and lists newest first, filtered by actor and time', async () => {
      const entry = (actorId: string, seconds: number) => ({
        at: at(seconds),
        actorId,
        channelId: 'C1',
        action: 'launch',
        operationId: 'itential.start-job',
        runId: null,
        outcome: 'denied',
        rule: 'prod-only-oncall',
        detail: { facts: [{ label: 'Host', value: 'r1' }], dryRun: false },
      });
      await store.appendAudit(entry('U1', 1));
      await store.appendAudit(entry('U2', 2));
      await store.appendAudit({
        ...entry('U1', 3),
        channelId: null,
        operationId: null,
        rule: null,
        detail: {},
      });

      const all = await store.listAudit({ limit: 10 });
      expect(all.map((a) => [a.actorId, a.at])).toEqual([
        ['U1', at(3)],
        ['U2', at(2)],
        ['U1', at(1)],
      ]);
      expect(all[2]).toEqual({ id: expect.any(Number), ...entry('U1', 1) });
      expect(all[0]).toMatchObject({ channelId: null, operationId: null, rule: null, detail: {} });
      expect(new Set(all.map((a) => a.id)).size).toBe(3);
      expect((await store.listAudit({ actorId: 'U1', limit: 10 })).map((a) => a.at)).toEqual([at(3), at(1)]);
      expect((await store.listAudit({ since: at(2), limit: 10 })).map((a) => a.actorId)).toEqual([
        'U1',
        'U2',
      ]);
      expect(await store.listAudit({ limit: 1 })).toHaveLength(1);
    });
  });
});

describe.each(storeBackends().filter((b) => b.name === 'postgres'))('store on $name only', (backend) => {
  it('migrates once when several processes start together on an empty database', async () => {
    const place = await backend.place();
    try {
      const stores = await Promise.all([place.openStore(), place.openStore(), place.openStore()]);
      const { run } = await stores[0].createRun(newRun());
      for (const store of stores) expect((await store.getRun(run.id))?.id).toBe(run.id);
    } finally {
      await place.dispose();
    }
  });

  it('follows the search path of the connection when no schema is given', async () => {
    const db = await backend.open();
    try {
      const { run } = await db.store.createRun(newRun());
      const { databaseUrl, schema, dataDir } = db.options;
      const url = new URL(databaseUrl ?? '');
      url.searchParams.set('options', `-c search_path=${schema ?? ''}`);
      const viaPath = await openStore({ databaseUrl: url.toString(), dataDir });
      try {
        expect((await viaPath.getRun(run.id))?.id).toBe(run.id);
      } finally {
        await viaPath.close();
      }
    } finally {
      await db.dispose();
    }
  });

  it('reads times as numbers on its own pool, refuses unsafe ones, and leaves pg global parsers alone', async () => {
    const db = await backend.open();
    const client = new Client({ connectionString: db.options.databaseUrl });
    try {
      const { run } = await db.store.createRun(newRun());
      await client.connect();
      await client.query(
        `update ${db.options.schema ?? ''}.runs set started_at = 9007199254740993 where id = $1`,
        [run.id],
      );
      await expect(db.store.getRun(run.id)).rejects.toThrow('beyond the safe range');
      const { rows } = await client.query<{ n: unknown }>('select 5::int8 as n');
      expect(rows[0]?.n).toBe('5');
      expect(types.getTypeParser(types.builtins.INT8)('7')).toBe('7');
    } finally {
      await client.end();
      await db.dispose();
    }
  });
});
