import { LeaseLostError, type NotifyProblem, type RunRecord } from '../../src/core/runs/run-store';
import { createdLease, newRun, newTransition } from '../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../support/stores';

const t0 = new Date('2026-05-01T10:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

/** The columns of migration 004-tracking, through the Store port, on both databases. */
describe.each(storeBackends())('tracking fields on $name', (backend) => {
  let db: StoreFixture;
  beforeAll(async () => {
    db = await backend.open();
  });
  beforeEach(() => db.reset());
  afterAll(() => db.dispose());

  async function startedRun(owner = 'p1'): Promise<RunRecord> {
    const { run } = await db.store.createRun(
      newRun({
        channelId: 'C1',
        requesterId: 'U1',
        state: 'starting',
        createdAt: t0,
        leaseOwner: owner,
        leaseUntil: at(60),
      }),
    );
    const { run: started } = await db.store.appendTransition(
      run.id,
      createdLease(owner),
      { state: 'running' },
      newTransition({ kind: 'started', upstreamStatus: null, actorId: 'U1', at: at(1) }),
    );
    return started;
  }

  it('records and forgets a post attempt, only for the process holding the run', async () => {
    const run = await startedRun();
    await db.store.markAttempted(run.id, createdLease('p1'), 1, at(2));
    expect((await db.store.pendingTransitions(run.id))[0]?.attemptedAt).toEqual(at(2));
    await expect(db.store.markAttempted(run.id, createdLease('p2'), 1, at(3))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect((await db.store.pendingTransitions(run.id))[0]?.attemptedAt).toEqual(at(2));
    await db.store.markAttempted(run.id, createdLease('p1'), 1, null);
    expect((await db.store.pendingTransitions(run.id))[0]?.attemptedAt).toBeNull();
    await db.store.markNotified(run.id, 1, '1700000000.000001');
    expect(await db.store.pendingTransitions(run.id)).toEqual([]);
  });

  it('does not mark a reply attempted or posted since it was read: the process marking it works from an old read', async () => {
    const run = await startedRun();
    await db.store.markAttempted(run.id, createdLease('p1'), 1, at(2));
    await expect(db.store.markAttempted(run.id, createdLease('p1'), 1, at(3))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect((await db.store.pendingTransitions(run.id))[0]?.attemptedAt).toEqual(at(2));
    await db.store.markNotified(run.id, 1, '1700000000.000001');
    await db.store.markAttempted(run.id, createdLease('p1'), 1, null);
    await expect(db.store.markAttempted(run.id, createdLease('p1'), 1, at(4))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
  });

  it('keeps what Slack was shown and why it refused, dates included', async () => {
    const run = await startedRun();
    const problem: NotifyProblem = {
      code: 'channel_not_found',
      message: 'Slack refused: channel_not_found',
      permanent: true,
      failures: 2,
      since: at(5),
      lastAt: at(9),
    };
    const updated = await db.store.updateRun(run.id, createdLease('p1'), {
      parentAttemptedAt: at(3),
      parentSeq: 1,
      parentEditedAt: at(4),
      notifyAfter: at(300),
      notifyProblem: problem,
    });
    expect(updated).toMatchObject({
      parentAttemptedAt: at(3),
      parentSeq: 1,
      parentEditedAt: at(4),
      notifyAfter: at(300),
      notifyProblem: problem,
    });
    expect(await db.store.getRun(run.id)).toEqual(updated);
    const cleared = await db.store.updateRun(run.id, createdLease('p1'), {
      notifyAfter: null,
      notifyProblem: null,
    });
    expect(cleared).toMatchObject({ notifyAfter: null, notifyProblem: null, parentSeq: 1 });
  });
});
