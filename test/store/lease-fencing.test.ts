import { leaseOf } from '../../src/core/runs/lease';
import { LeaseLostError, type Lease, type RunRecord } from '../../src/core/runs/run-store';
import type { Store } from '../../src/core/store';
import { newRun, newTransition } from '../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../support/stores';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const OWNER = 'p1';
const LEASE_S = 60;

/**
 * Fencing tokens: one process name, two claims of it. The first claim stalls past its lease, the run is
 * claimed again under the same name, and every write the first claim then tries is refused (its release
 * changes nothing), while the second claim's writes go through.
 */
describe.each(storeBackends())('lease fencing on $name', (backend) => {
  let db: StoreFixture;
  let store: Store;

  beforeAll(async () => {
    db = await backend.open({ clock: { now: () => T0 } });
    store = db.store;
  });
  beforeEach(() => db.reset());
  afterAll(() => db.dispose());

  const lease = (run: RunRecord): Lease => leaseOf({ owner: OWNER }, run);

  /** A started run with one unposted transition, not leased, due at T0. */
  async function startedRun(): Promise<RunRecord> {
    const { run } = await store.createRun(
      newRun({ createdAt: T0, leaseOwner: OWNER, leaseUntil: at(LEASE_S), nextPollAt: T0 }),
    );
    expect(run.leaseToken).toBe(0);
    await store.appendTransition(run.id, lease(run), { state: 'running' }, newTransition({ at: T0 }));
    await store.release(run.id, lease(run), { nextPollAt: T0 });
    return run;
  }

  /** The first claim at T0, and the second by the same owner once the first has run out. */
  async function twoClaims(
    claimAgain: (id: string, now: Date, until: Date) => Promise<RunRecord | undefined>,
  ): Promise<{ stale: RunRecord; fresh: RunRecord }> {
    const run = await startedRun();
    const stale = (await store.claim(run.id, OWNER, T0, at(LEASE_S))) as RunRecord;
    const fresh = (await claimAgain(run.id, at(LEASE_S + 1), at(2 * LEASE_S + 1))) as RunRecord;
    expect(fresh.leaseOwner).toBe(OWNER);
    expect(fresh.leaseToken).toBeGreaterThan(stale.leaseToken);
    return { stale, fresh };
  }

  const reclaimers: [string, (id: string, now: Date, until: Date) => Promise<RunRecord | undefined>][] = [
    ['claim', (id, now, until) => store.claim(id, OWNER, now, until)],
    [
      'claimDue',
      async (_id, now, until) => {
        const [due] = await store.claimDue(OWNER, now, until, 10);
        return due && store.getRun(due.id);
      },
    ],
  ];

  it.each(reclaimers)(
    're-claimed by %s under the same name: the first claim’s writes are refused, the second’s go through',
    async (_name, claimAgain) => {
      const { stale, fresh } = await twoClaims(claimAgain);
      const id = stale.id;

      await expect(store.updateRun(id, lease(stale), { detail: 'stale' })).rejects.toBeInstanceOf(
        LeaseLostError,
      );
      await expect(
        store.appendTransition(
          id,
          lease(stale),
          { state: 'failed' },
          newTransition({ at: at(62), state: 'failed' }),
        ),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await expect(store.markAttempted(id, lease(stale), 1, at(62))).rejects.toBeInstanceOf(LeaseLostError);
      await store.release(id, lease(stale), { detail: 'stale release' });
      expect(await store.getRun(id)).toMatchObject({
        state: 'running',
        seq: 1,
        detail: null,
        leaseOwner: OWNER,
        leaseToken: fresh.leaseToken,
        leaseUntil: at(2 * LEASE_S + 1),
      });
      expect((await store.pendingTransitions(id)).map((t) => [t.seq, t.attemptedAt])).toEqual([[1, null]]);

      await store.markAttempted(id, lease(fresh), 1, at(63));
      const { run: recorded } = await store.appendTransition(
        id,
        lease(fresh),
        { state: 'succeeded' },
        newTransition({ at: at(63), state: 'succeeded' }),
      );
      expect(recorded).toMatchObject({ seq: 2, state: 'succeeded', leaseToken: fresh.leaseToken });
      expect((await store.updateRun(id, lease(recorded), { detail: 'done' })).detail).toBe('done');
      await store.release(id, lease(recorded), { nextPollAt: null });
      expect(await store.getRun(id)).toMatchObject({ leaseOwner: null, leaseUntil: null, nextPollAt: null });
    },
  );

  it('gives every claim a new token, also one that renews a lease its owner still holds', async () => {
    const run = await startedRun();
    const first = (await store.claim(run.id, OWNER, T0, at(LEASE_S))) as RunRecord;
    const renewed = (await store.claim(run.id, OWNER, at(1), at(LEASE_S + 1))) as RunRecord;
    expect(renewed.leaseToken).toBe(first.leaseToken + 1);
    await expect(store.updateRun(run.id, lease(first), {})).rejects.toBeInstanceOf(LeaseLostError);
    await store.release(run.id, lease(renewed), {});
    const afterRelease = (await store.claim(run.id, OWNER, at(2), at(LEASE_S + 2))) as RunRecord;
    expect(afterRelease.leaseToken).toBe(renewed.leaseToken + 1);
  });

  it('claims no due run its caller says it is working on', async () => {
    const busy = await startedRun();
    const other = await startedRun();
    const claimed = await store.claimDue(OWNER, at(1), at(LEASE_S + 1), 10, [busy.id]);
    expect(claimed.map((r) => r.id)).toEqual([other.id]);
    expect(await store.getRun(busy.id)).toMatchObject({ leaseOwner: null, leaseToken: busy.leaseToken });
  });

  it('fences the direct messages of a run like its thread replies', async () => {
    const { stale, fresh } = await twoClaims((id, now, until) => store.claim(id, OWNER, now, until));
    const key = { runId: stale.id, seq: 1, userId: 'U2' };
    await store.planDirectMessages([{ ...key, reason: 'finished' }]);
    await expect(store.markDirectAttempted(key, lease(stale), at(62))).rejects.toBeInstanceOf(LeaseLostError);
    await store.markDirectAttempted(key, lease(fresh), at(62));
    expect((await store.outstandingDirectMessages(stale.id))[0]?.attemptedAt).toEqual(at(62));
  });

  it('takes a new token when an approval decision takes the run over', async () => {
    const { run } = await store.createRun(
      newRun({ createdAt: T0, state: 'awaiting_approval', nextPollAt: T0 }),
    );
    await store.createApprovalRequest({
      runId: run.id,
      rule: 'needs-approval',
      approvers: { users: ['U2'], groups: [] },
      required: 1,
      channelId: run.channelId,
      fingerprint: null,
      createdAt: T0,
      expiresAt: at(3600),
    });
    const watching = (await store.claim(run.id, OWNER, T0, at(LEASE_S))) as RunRecord;
    const settled = await store.settleApproval(
      run.id,
      { outcome: 'approved', by: 'U2', at: at(1) },
      { state: 'starting', leaseOwner: OWNER, leaseUntil: at(120) },
    );
    expect(settled?.leaseToken).toBe(watching.leaseToken + 1);
    await expect(store.updateRun(run.id, lease(watching), {})).rejects.toBeInstanceOf(LeaseLostError);
    expect((await store.updateRun(run.id, lease(settled as RunRecord), { detail: 'x' })).detail).toBe('x');
  });
});
