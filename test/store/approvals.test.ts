import type { Clock } from '../../src/core/kit/clock';
import type { NewApprovalRequest } from '../../src/core/approvals/approval-store';
import type { NewRun, RunPatch } from '../../src/core/runs/run-store';
import type { Store } from '../../src/core/store';
import { newRun } from '../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../support/stores';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

let counter = 0;
function awaitingRun(overrides: Partial<NewRun> = {}): NewRun {
  counter += 1;
  return newRun({
    id: `run-a${counter}`,
    idempotencyKey: `view-a${counter}`,
    channelId: 'C1',
    requesterId: 'U1',
    input: { workflow: 'Prod Push' },
    facts: [{ label: 'Workflow', value: 'Prod Push' }],
    state: 'awaiting_approval',
    createdAt: T0,
    nextPollAt: at(3600),
    ...overrides,
  });
}

const request = (runId: string, overrides: Partial<NewApprovalRequest> = {}): NewApprovalRequest => ({
  runId,
  rule: 'prod-needs-approval',
  approvers: { users: ['U2'], groups: ['S1'] },
  required: 2,
  channelId: 'C9',
  fingerprint: null,
  createdAt: T0,
  expiresAt: at(3600),
  ...overrides,
});

const toStarting = (owner: string): RunPatch => ({
  state: 'starting',
  leaseOwner: owner,
  leaseUntil: at(120),
  nextPollAt: at(120),
});

describe.each(storeBackends())('approvals store on $name', (backend) => {
  const clock: Clock = { now: () => T0 };
  let db: StoreFixture;
  let store: Store;
  let peer: Store | undefined;

  beforeAll(async () => {
    db = await backend.open({ clock });
    store = db.store;
  });
  beforeEach(() => db.reset());
  afterAll(() => db.dispose());

  /** Two processes on PostgreSQL; SQLite is one process, so one store twice. */
  async function twoProcesses(): Promise<[Store, Store]> {
    if (backend.name === 'sqlite') return [store, store];
    peer ??= await db.openStore({ clock });
    return [store, peer];
  }

  async function pending(overrides: Partial<NewApprovalRequest> = {}) {
    const { run } = await store.createRun(awaitingRun());
    await store.createApprovalRequest(request(run.id, overrides));
    return run;
  }

  it('records a request once and reads it back with its votes, oldest first', async () => {
    const run = await pending({ fingerprint: 'fp-1' });
    await store.createApprovalRequest(request(run.id, { rule: 'other' }));
    await store.setApprovalMessage(run.id, '1700000000.000100');
    await store.castVote({ runId: run.id, approverId: 'U3', vote: 'approve', at: at(5) });
    await store.castVote({ runId: run.id, approverId: 'U2', vote: 'approve', at: at(1) });
    const status = await store.getApproval(run.id);
    expect(status?.request).toEqual({
      runId: run.id,
      rule: 'prod-needs-approval',
      approvers: { users: ['U2'], groups: ['S1'] },
      required: 2,
      channelId: 'C9',
      messageTs: '1700000000.000100',
      fingerprint: 'fp-1',
      createdAt: T0,
      expiresAt: at(3600),
      outcome: null,
      decidedBy: null,
      decidedAt: null,
    });
    expect(status?.votes.map((v) => v.approverId)).toEqual(['U2', 'U3']);
    expect(await store.getApproval('no-such-run')).toBeUndefined();
  });

  it('counts a person once however often they click, and only approvals', async () => {
    const run = await pending();
    const vote = { runId: run.id, approverId: 'U2', vote: 'approve' as const, at: at(1) };
    expect(await store.castVote(vote)).toEqual({ recorded: true, approvals: 1 });
    expect(await store.castVote(vote)).toEqual({ recorded: false, approvals: 1 });
    expect(await store.castVote({ ...vote, vote: 'reject' })).toEqual({ recorded: false, approvals: 1 });
    expect(await store.castVote({ ...vote, approverId: 'U4', vote: 'reject' })).toEqual({
      recorded: true,
      approvals: 1,
    });
    expect(await store.castVote({ ...vote, approverId: 'U3' })).toEqual({ recorded: true, approvals: 2 });
  });

  it('settles once: the run leaves awaiting_approval with the winner holding its lease', async () => {
    const run = await pending();
    const settled = await store.settleApproval(
      run.id,
      { outcome: 'approved', by: 'U2', at: at(10) },
      toStarting('p1'),
    );
    expect(settled).toMatchObject({ id: run.id, state: 'starting', leaseOwner: 'p1' });
    expect(
      await store.settleApproval(
        run.id,
        { outcome: 'expired', by: null, at: at(20) },
        { state: 'rejected', finishedAt: at(20) },
      ),
    ).toBeUndefined();
    expect((await store.getApproval(run.id))?.request).toMatchObject({
      outcome: 'approved',
      decidedBy: 'U2',
      decidedAt: at(10),
    });
    expect((await store.getRun(run.id))?.state).toBe('starting');
  });

  it('a run that does not await approval is never settled', async () => {
    const { run } = await store.createRun(awaitingRun({ state: 'starting' }));
    expect(
      await store.settleApproval(run.id, { outcome: 'approved', by: 'U2', at: at(1) }, toStarting('p1')),
    ).toBeUndefined();
  });

  it('of many concurrent approvals and rejections from two processes, exactly one decides', async () => {
    const [a, b] = await twoProcesses();
    for (let round = 0; round < 5; round += 1) {
      const run = await pending();
      const attempts = Array.from({ length: 8 }, (_, i) => {
        const s = i % 2 === 0 ? a : b;
        return i % 3 === 0
          ? s.settleApproval(
              run.id,
              { outcome: 'rejected', by: `U${i}`, at: at(i) },
              { state: 'rejected', finishedAt: at(i) },
            )
          : s.settleApproval(run.id, { outcome: 'approved', by: `U${i}`, at: at(i) }, toStarting(`p${i}`));
      });
      const won = (await Promise.all(attempts)).filter((r) => r !== undefined);
      expect(won).toHaveLength(1);
      const status = await store.getApproval(run.id);
      expect(status?.request.outcome).toBe(won[0]?.state === 'rejected' ? 'rejected' : 'approved');
      expect((await store.getRun(run.id))?.state).toBe(won[0]?.state);
    }
  });

  it('two approvers voting at once from two processes: the later count sees both', async () => {
    const [a, b] = await twoProcesses();
    const run = await pending();
    const [x, y] = await Promise.all([
      a.castVote({ runId: run.id, approverId: 'U2', vote: 'approve', at: at(1) }),
      b.castVote({ runId: run.id, approverId: 'U3', vote: 'approve', at: at(1) }),
    ]);
    expect([x.recorded, y.recorded]).toEqual([true, true]);
    expect(Math.max(x.approvals, y.approvals)).toBe(2);
  });

  it('the same approver clicking in two processes at once is counted once', async () => {
    const [a, b] = await twoProcesses();
    const run = await pending();
    const vote = { runId: run.id, approverId: 'U2', vote: 'approve' as const, at: at(1) };
    const results = await Promise.all([a.castVote(vote), b.castVote(vote), a.castVote(vote)]);
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    expect(results.every((r) => r.approvals === 1)).toBe(true);
  });
});
