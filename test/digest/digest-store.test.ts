import { randomUUID } from 'node:crypto';
import type { DigestScheduleRecord, DigestWindowRecord } from '../../src/core/digest/digest-store';
import { RUN_STATES } from '../../src/core/runs/lifecycle';
import type { NewRun, RunPatch } from '../../src/core/runs/run-store';
import type { Store } from '../../src/core/store';
import { storeBackends, type StoreFixture } from '../support/stores';
import { digestSchedule } from './schedules';
import { seedRun } from './seed';

const T0 = new Date('2026-03-29T07:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const schedule = (overrides: Partial<DigestScheduleRecord> = {}) =>
  digestSchedule({ createdAt: at(0), ...overrides });

async function run(store: Store, fields: Partial<NewRun> & { createdAt: Date }, patch: RunPatch = {}) {
  return (await seedRun(store, fields, patch)).id;
}

describe.each(storeBackends())('digest store on $name', (backend) => {
  let db: StoreFixture;
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(() => db.dispose());

  it('keeps schedules per channel and creator, with their latest window, and removes them only from their channel', async () => {
    const a = schedule({ createdAt: at(1), filters: { system: 'itential', failuresOnly: true } });
    const b = schedule({ channelId: 'C0OTHER', createdBy: 'U0BOB', createdAt: at(2) });
    await db.store.createDigestSchedule(a);
    await db.store.createDigestSchedule(b);
    expect(await db.store.getDigestSchedule(a.id)).toEqual(a);

    await db.store.claimDigestWindow({
      scheduleId: a.id,
      windowStart: at(0),
      windowEnd: at(60),
      skipped: 0,
      claimedBy: 'p1',
      leaseUntil: at(62),
    });
    await db.store.claimDigestWindow({
      scheduleId: a.id,
      windowStart: at(60),
      windowEnd: at(120),
      skipped: 2,
      claimedBy: 'p1',
      leaseUntil: at(122),
    });
    const mine = await db.store.listDigestSchedules({ createdBy: 'U0ALICE' });
    expect(mine.map((o) => o.schedule.id)).toContain(a.id);
    expect(mine.map((o) => o.schedule.id)).not.toContain(b.id);
    const overview = mine.find((o) => o.schedule.id === a.id);
    expect(overview?.lastWindow).toMatchObject({ windowEnd: at(120), skipped: 2, attempts: 1 });
    const other = await db.store.listDigestSchedules({ channelId: 'C0OTHER' });
    expect(other).toEqual([{ schedule: b, lastWindow: null }]);

    expect(await db.store.removeDigestSchedule(a.id, 'C0OTHER')).toBe(false);
    expect(await db.store.removeDigestSchedule(a.id, 'C0OPS')).toBe(true);
    expect(await db.store.getDigestSchedule(a.id)).toBeUndefined();
    expect(await db.store.removeDigestSchedule(a.id, 'C0OPS')).toBe(false);
  });

  it('hands a window to exactly one of two processes claiming it at once', async () => {
    const s = schedule();
    await db.store.createDigestSchedule(s);
    const second = await db.openStore();
    const window = (owner: string) => ({
      scheduleId: s.id,
      windowStart: at(0),
      windowEnd: at(1440),
      skipped: 0,
      claimedBy: owner,
      leaseUntil: at(1442),
    });
    for (let round = 0; round < 5; round += 1) {
      const shifted = (owner: string) => ({ ...window(owner), windowEnd: at(1440 * (round + 1)) });
      const results = await Promise.all([
        db.store.claimDigestWindow(shifted('p1')),
        second.claimDigestWindow(shifted('p2')),
        db.store.claimDigestWindow(shifted('p3')),
        second.claimDigestWindow(shifted('p4')),
      ]);
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    }
  });

  it('re-claims an unsettled window only after its lease ran out, for one process, and never a settled one', async () => {
    const s = schedule();
    await db.store.createDigestSchedule(s);
    const second = await db.openStore();
    const key = { scheduleId: s.id, windowEnd: at(60) };
    const firstClaim = { ...key, attempts: 1 };
    const claimed = await db.store.claimDigestWindow({
      ...key,
      windowStart: at(0),
      skipped: 0,
      claimedBy: 'p1',
      leaseUntil: at(62),
    });
    expect(claimed).toMatchObject({
      claimedBy: 'p1',
      partsPosted: 0,
      threadTs: null,
      attemptedPart: null,
      postedAt: null,
    });
    expect(await db.store.recordDigestAttempt(firstClaim, 'p1', 0, at(62))).toBe(true);
    expect(await db.store.recordDigestPart(firstClaim, 'p1', 1, '100.1', at(63))).toBe(true);
    // p1 begins the second part and dies before recording it done.
    expect(await db.store.recordDigestAttempt(firstClaim, 'p1', 1, at(63))).toBe(true);

    const early = await db.store.reclaimDigestWindows('p2', at(62), at(70), 10);
    expect(early.filter((w) => w.scheduleId === s.id)).toEqual([]);

    const [x, y] = await Promise.all([
      db.store.reclaimDigestWindows('p2', at(64), at(70), 10),
      second.reclaimDigestWindows('p3', at(64), at(70), 10),
    ]);
    const taken = [...x, ...y].filter((w) => w.scheduleId === s.id);
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ attempts: 2, partsPosted: 1, threadTs: '100.1', attemptedPart: 1 });
    const owner = taken[0]?.claimedBy ?? '';
    const takenOver = { ...key, attempts: 2 };

    expect(await db.store.recordDigestPart(firstClaim, 'p1', 2, '100.1', at(80))).toBe(false);
    expect(await db.store.recordDigestAttempt(firstClaim, 'p1', 2, at(80))).toBe(false);
    expect(await db.store.recordDigestPart(takenOver, owner, 2, '100.1', at(70))).toBe(true);
    expect(await db.store.settleDigestWindow(firstClaim, 'p1', { kind: 'posted', at: at(65) })).toBe(false);
    expect(
      await db.store.settleDigestWindow(takenOver, owner, {
        kind: 'retry',
        at: at(90),
        error: 'ratelimited',
      }),
    ).toBe(true);
    expect(
      (await db.store.reclaimDigestWindows('p4', at(80), at(95), 10)).map((w) => w.scheduleId),
    ).not.toContain(s.id);
    const retried = await db.store.reclaimDigestWindows('p4', at(91), at(95), 10);
    const retriedClaim = { ...key, attempts: 3 };
    expect(retried.find((w) => w.scheduleId === s.id)).toMatchObject({
      attempts: 3,
      error: 'ratelimited',
      partsPosted: 2,
      attemptedPart: null,
    });
    expect(await db.store.settleDigestWindow(retriedClaim, 'p4', { kind: 'posted', at: at(92) })).toBe(true);
    const later = await db.store.reclaimDigestWindows('p5', at(10_000), at(10_005), 100);
    expect(later.map((w) => w.scheduleId)).not.toContain(s.id);
    const [overview] = await db.store
      .listDigestSchedules({ channelId: s.channelId })
      .then((all) => all.filter((o) => o.schedule.id === s.id));
    expect(overview?.lastWindow).toMatchObject({ postedAt: at(92), error: null });
  });

  it('refuses the writes of a claim its own process took over again once its lease ran out', async () => {
    const s = schedule();
    await db.store.createDigestSchedule(s);
    const stalled = (await db.store.claimDigestWindow({
      scheduleId: s.id,
      windowStart: at(0),
      windowEnd: at(60),
      skipped: 0,
      claimedBy: 'p1',
      leaseUntil: at(62),
    })) as DigestWindowRecord;
    const [again] = (await db.store.reclaimDigestWindows('p1', at(63), at(70), 10)).filter(
      (w) => w.scheduleId === s.id,
    );
    expect(again).toMatchObject({ claimedBy: 'p1', attempts: stalled.attempts + 1 });

    expect(await db.store.recordDigestAttempt(stalled, 'p1', 0, at(64))).toBe(false);
    expect(await db.store.recordDigestPart(stalled, 'p1', 1, '100.1', at(64))).toBe(false);
    expect(await db.store.settleDigestWindow(stalled, 'p1', { kind: 'posted', at: at(64) })).toBe(false);
    const held = again as DigestWindowRecord;
    expect(await db.store.recordDigestAttempt(held, 'p1', 0, at(65))).toBe(true);
    expect(await db.store.recordDigestPart(held, 'p1', 1, '100.2', at(65))).toBe(true);
    expect(await db.store.settleDigestWindow(held, 'p1', { kind: 'posted', at: at(66) })).toBe(true);
    const [overview] = (await db.store.listDigestSchedules({ channelId: s.channelId })).filter(
      (o) => o.schedule.id === s.id,
    );
    expect(overview?.lastWindow).toMatchObject({ partsPosted: 1, threadTs: '100.2', postedAt: at(66) });
  });

  it('a failed window stays failed with its reason', async () => {
    const s = schedule();
    await db.store.createDigestSchedule(s);
    const key = { scheduleId: s.id, windowEnd: at(60) };
    await db.store.claimDigestWindow({
      ...key,
      windowStart: at(0),
      skipped: 0,
      claimedBy: 'p1',
      leaseUntil: at(61),
    });
    expect(
      await db.store.settleDigestWindow({ ...key, attempts: 1 }, 'p1', {
        kind: 'failed',
        at: at(61),
        error: 'not_in_channel',
      }),
    ).toBe(true);
    expect(
      (await db.store.reclaimDigestWindows('p2', at(10_000), at(10_001), 10)).map((w) => w.scheduleId),
    ).not.toContain(s.id);
    const [overview] = (await db.store.listDigestSchedules({ channelId: 'C0OPS' })).filter(
      (o) => o.schedule.id === s.id,
    );
    expect(overview?.lastWindow).toMatchObject({ failedAt: at(61), error: 'not_in_channel' });
  });

  it('counts and lists the runs of a window: created or finished in it, or still unfinished; and succeeded durations', async () => {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    const inWindow = await run(db.store, { channelId, createdAt: at(10), requesterId: 'U0BOB' });
    const succeeded = await run(
      db.store,
      { channelId, createdAt: at(12), requesterId: 'U0BOB' },
      { state: 'succeeded', finishedAt: at(13) },
    );
    const finishedIn = await run(
      db.store,
      { channelId, createdAt: at(-100), requesterId: 'U0DAVE' },
      { state: 'failed', startedAt: at(-100), finishedAt: at(20) },
    );
    const stillGoing = await run(db.store, { channelId, createdAt: at(-500), requesterId: 'U0DAVE' });
    await run(db.store, { channelId, createdAt: at(-300) }, { state: 'succeeded', finishedAt: at(-200) });
    await run(db.store, { channelId, createdAt: at(70) });
    await run(db.store, { channelId: 'C0ELSEWHERE', createdAt: at(10) });
    const harness = await run(db.store, {
      channelId,
      createdAt: at(15),
      system: 'iacm',
      operationId: 'iacm.run',
      requesterId: 'U0CAROL',
    });
    const window = { channelId, from: at(0), to: at(60) };

    const all = await db.store.listDigestRuns({ ...window, states: RUN_STATES, limit: 100 });
    expect(new Set(all.map((r) => r.id))).toEqual(
      new Set([inWindow, succeeded, finishedIn, stillGoing, harness]),
    );
    const listed = await db.store.listDigestRuns({ ...window, states: ['failed', 'running'], limit: 100 });
    expect(new Set(listed.map((r) => r.id))).toEqual(new Set([inWindow, finishedIn, stillGoing, harness]));
    const onlyIacm = await db.store.listDigestRuns({
      ...window,
      system: 'iacm',
      states: RUN_STATES,
      limit: 100,
    });
    expect(onlyIacm.map((r) => r.id)).toEqual([harness]);
    const onlyOp = await db.store.listDigestRuns({
      ...window,
      operationId: 'itential.start',
      states: RUN_STATES,
      limit: 2,
    });
    expect(onlyOp).toHaveLength(2);

    const counts = await db.store.countDigestRuns(window, 5);
    const byState = (c: typeof counts) =>
      c.byState.map((s) => `${s.system} ${s.state} ${String(s.count)}`).sort();
    expect(byState(counts)).toEqual([
      'iacm running 1',
      'itential failed 1',
      'itential running 2',
      'itential succeeded 1',
    ]);
    // Busiest count launches: runs created in the window only.
    expect(counts.busiestOperations).toEqual([
      { id: 'itential.start', count: 2 },
      { id: 'iacm.run', count: 1 },
    ]);
    expect(counts.busiestRequesters).toEqual([
      { id: 'U0BOB', count: 2 },
      { id: 'U0CAROL', count: 1 },
    ]);
    const top1 = await db.store.countDigestRuns(window, 1);
    expect(top1.busiestRequesters).toEqual([{ id: 'U0BOB', count: 2 }]);
    const failures = await db.store.countDigestRuns({ ...window, states: ['failed', 'timed_out'] }, 5);
    expect(byState(failures)).toEqual(['itential failed 1']);
    expect(failures.busiestOperations).toEqual([]);
    const nothing = await db.store.countDigestRuns({ ...window, states: [] }, 5);
    expect(nothing).toEqual({ byState: [], busiestOperations: [], busiestRequesters: [] });

    const op = `op.${randomUUID().slice(0, 6)}`;
    for (const minutes of [5, 7, 9]) {
      await run(
        db.store,
        { createdAt: at(0), operationId: op },
        { state: 'succeeded', startedAt: at(1), finishedAt: at(1 + minutes) },
      );
    }
    await run(
      db.store,
      { createdAt: at(0), operationId: op },
      { state: 'failed', startedAt: at(1), finishedAt: at(99) },
    );
    const durations = await db.store.runDurations({
      operationIds: [op],
      since: at(0),
      until: at(100),
      limit: 50,
    });
    expect(durations.map((d) => d.durationMs / 60_000).sort()).toEqual([5, 7, 9]);
    expect(await db.store.runDurations({ operationIds: [], since: at(0), until: at(100), limit: 5 })).toEqual(
      [],
    );
  });
});
