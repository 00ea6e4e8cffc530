import type { Store } from '../../src/core/store';
import { createdLease, newRun, newTransition } from '../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../support/stores';
import { LeaseLostError } from '../../src/core/errors';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const OWNER = 'p1';

describe.each(storeBackends())('direct messages and notify preferences on $name', (backend) => {
  let db: StoreFixture;
  let store: Store;

  beforeAll(async () => {
    db = await backend.open({ clock: { now: () => T0 } });
    store = db.store;
  });
  beforeEach(() => db.reset());
  afterAll(() => db.dispose());

  /** A run leased to OWNER with two transitions. */
  async function leasedRun() {
    const { run } = await store.createRun(
      newRun({ createdAt: T0, leaseOwner: OWNER, leaseUntil: at(60), nextPollAt: at(1) }),
    );
    await store.appendTransition(
      run.id,
      createdLease(OWNER),
      {},
      newTransition({ at: at(1), state: 'awaiting_approval' }),
    );
    await store.appendTransition(
      run.id,
      createdLease(OWNER),
      {},
      newTransition({ at: at(2), state: 'succeeded' }),
    );
    return run;
  }

  it('starts every new run with no direct message delivered, and patches dmSeq under the lease', async () => {
    const run = await leasedRun();
    expect((await store.getRun(run.id))?.dmSeq).toBe(0);
    expect((await store.updateRun(run.id, createdLease(OWNER), { dmSeq: 2 })).dmSeq).toBe(2);
    await expect(store.updateRun(run.id, createdLease('someone-else'), { dmSeq: 1 })).rejects.toBeInstanceOf(
      LeaseLostError,
    );
  });

  it('records each message once, and lists what is still to post or to edit, oldest first', async () => {
    const run = await leasedRun();
    const request = { runId: run.id, seq: 1, reason: 'approval_request' as const };
    await store.planDirectMessages([
      { ...request, userId: 'U2' },
      { ...request, userId: 'U3' },
    ]);
    // Planned again after a crash: nothing new, nothing reset.
    await store.planDirectMessages([{ ...request, userId: 'U2', reason: 'finished' }]);
    await store.planDirectMessages([{ runId: run.id, seq: 2, userId: 'U1', reason: 'finished' }]);
    let outstanding = await store.outstandingDirectMessages(run.id);
    expect(outstanding.map((m) => [m.seq, m.userId, m.reason, m.status])).toEqual([
      [1, 'U2', 'approval_request', 'pending'],
      [1, 'U3', 'approval_request', 'pending'],
      [2, 'U1', 'finished', 'pending'],
    ]);

    const u2 = { runId: run.id, seq: 1, userId: 'U2' };
    await store.markDirectAttempted(u2, createdLease(OWNER), at(3));
    expect((await store.outstandingDirectMessages(run.id))[0]).toMatchObject({
      attemptedAt: at(3),
      channelId: null,
    });
    await expect(store.markDirectAttempted(u2, createdLease('someone-else'), at(3))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    // Attempted since this process read it: only a look in Slack may tell whether it went out.
    await expect(store.markDirectAttempted(u2, createdLease(OWNER), at(4))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    await store.markDirectPosted(u2, 'D2', '1700000000.000100', 1);
    await store.skipDirectMessage({ runId: run.id, seq: 1, userId: 'U3' });
    await store.markDirectPosted({ runId: run.id, seq: 2, userId: 'U1' }, 'D1', '1700000000.000200', 2);
    expect(await store.outstandingDirectMessages(run.id)).toEqual([]);

    // The request is decided at transition 2: the posted request is due for an edit until it shows it.
    await store.refreshDirectMessages(run.id, 'approval_request', 2);
    await store.refreshDirectMessages(run.id, 'approval_request', 1);
    outstanding = await store.outstandingDirectMessages(run.id);
    expect(outstanding.map((m) => [m.userId, m.ts, m.shownSeq, m.updateSeq])).toEqual([
      ['U2', '1700000000.000100', 1, 2],
    ]);
    await store.markDirectShown(u2, 2);
    expect(await store.outstandingDirectMessages(run.id)).toEqual([]);
  });

  it('closes step requests once, only those about earlier transitions, and again only when asked', async () => {
    const run = await leasedRun();
    await store.planDirectMessages([
      { runId: run.id, seq: 1, userId: 'U1', reason: 'step_request' },
      { runId: run.id, seq: 1, userId: 'U2', reason: 'needs_you' },
      { runId: run.id, seq: 2, userId: 'U1', reason: 'step_request' },
    ]);
    await store.markDirectPosted({ runId: run.id, seq: 1, userId: 'U1' }, 'D1', '1700000000.000100', 1);
    await store.markDirectPosted({ runId: run.id, seq: 1, userId: 'U2' }, 'D2', '1700000000.000200', 1);
    await store.markDirectPosted({ runId: run.id, seq: 2, userId: 'U1' }, 'D1', '1700000000.000300', 2);
    const due = async () =>
      (await store.outstandingDirectMessages(run.id)).map((m) => [m.seq, m.userId, m.reason, m.updateSeq]);
    await store.closeDirectMessages(run.id, 'step_request', 2);
    expect(await due()).toEqual([[1, 'U1', 'step_request', 2]]);
    // A later transition leaves a closed one showing what closed it first.
    await store.closeDirectMessages(run.id, 'step_request', 3);
    expect(await due()).toEqual([
      [1, 'U1', 'step_request', 2],
      [2, 'U1', 'step_request', 3],
    ]);
    // A decision recorded after the run was seen moving on closes them again, never to an earlier one.
    await store.closeDirectMessages(run.id, 'step_request', 5, true);
    await store.closeDirectMessages(run.id, 'step_request', 4, true);
    expect(await due()).toEqual([
      [1, 'U1', 'step_request', 5],
      [2, 'U1', 'step_request', 5],
    ]);
  });

  it('reads the transitions after a number, for planning what follows the last delivered one', async () => {
    const run = await leasedRun();
    expect((await store.transitionsAfter(run.id, 0)).map((t) => t.seq)).toEqual([1, 2]);
    expect((await store.transitionsAfter(run.id, 1)).map((t) => [t.seq, t.state])).toEqual([
      [2, 'succeeded'],
    ]);
    expect(await store.transitionsAfter(run.id, 2)).toEqual([]);
  });

  it('keeps each person’s choice: on unless turned off, and on again when turned on', async () => {
    expect(await store.directMessagesOff(['U1', 'U2'])).toEqual(new Set());
    await store.setDirectMessages('U1', false, at(1));
    await store.setDirectMessages('U2', false, at(1));
    await store.setDirectMessages('U2', true, at(2));
    expect(await store.directMessagesOff(['U1', 'U2', 'U3'])).toEqual(new Set(['U1']));
    expect(await store.directMessagesOff([])).toEqual(new Set());
  });
});
