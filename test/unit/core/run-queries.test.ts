import { AuditTrail } from '../../../src/core/audit/trail';
import { DigestSchedules } from '../../../src/core/digest/schedules';
import { silentLog } from '../../../src/core/kit/log';
import { Policy } from '../../../src/core/policy/policy';
import { ChannelAccess, MembershipUnavailable } from '../../../src/core/runs/access';
import type { RunState } from '../../../src/core/runs/lifecycle';
import { RunQueries } from '../../../src/core/runs/run-queries';
import { newRun, summaryOf } from '../../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../../support/stores';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const ADMIN = 'U0ADMIN';
const ALICE = 'U0ALICE';
const sqlite = storeBackends().filter((b) => b.name === 'sqlite');

/** Alice is in C0OPS only; C0DOWN's members cannot be read. */
const membership = {
  asked: [] as string[],
  async isMember(userId: string, channelId: string) {
    membership.asked.push(channelId);
    if (channelId === 'C0DOWN') throw new MembershipUnavailable('Slack did not say who is in that channel.');
    return userId === ALICE && channelId === 'C0OPS';
  },
};

describe.each(sqlite)('RunQueries on $name', (backend) => {
  let db: StoreFixture;
  let runs: RunQueries;
  let schedules: DigestSchedules;
  let seconds = 0;
  const run = async (channelId: string, state: RunState = 'running') => {
    seconds += 1;
    const createdAt = new Date(T0.getTime() - 3_600_000 + seconds * 1000);
    return (await db.store.createRun(newRun({ createdAt, channelId, state, requesterId: ALICE }))).run;
  };
  beforeEach(async () => {
    db = await backend.open();
    membership.asked = [];
    const clock = { now: () => T0 };
    const access = new ChannelAccess(membership, [ADMIN]);
    const audit = new AuditTrail({ store: db.store, access, clock, log: silentLog });
    const policy = new Policy([], { memberships: async () => [], members: async () => [] });
    schedules = new DigestSchedules({ store: db.store, policy, access, audit, clock });
    runs = new RunQueries({ store: db.store, access, audit, schedules, clock });
  });
  afterEach(() => db.dispose());

  describe('status', () => {
    it('says when no such run is known', async () => {
      expect(await runs.status({ userId: ALICE }, 'nope')).toEqual({ kind: 'unknown' });
    });

    it('shows a run to a member of its channel, to an admin, and where the surface vouches', async () => {
      const ops = await run('C0OPS');
      const net = await run('C0NET');
      expect(await runs.status({ userId: ALICE }, ops.id)).toEqual({ kind: 'shown', run: ops });
      expect(await runs.status({ userId: ADMIN }, net.id)).toMatchObject({ kind: 'shown' });
      membership.asked = [];
      expect(await runs.status({ userId: 'U0BOB', here: 'C0NET' }, net.id)).toMatchObject({ kind: 'shown' });
      expect(membership.asked).toEqual([]);
      expect(await db.store.listAudit({ limit: 10 })).toEqual([]);
    });

    it('refuses anyone else, with nothing of the run but its id, and audits the refusal', async () => {
      const net = await run('C0NET');
      const refused = await runs.status({ userId: ALICE, here: 'C0OPS' }, net.id);
      expect(refused).toEqual({
        kind: 'refused',
        runId: net.id,
        reason: 'You are not a member of the channel it belongs to.',
      });
      expect(await db.store.listAudit({ limit: 10 })).toEqual([
        expect.objectContaining({
          actorId: ALICE,
          channelId: 'C0OPS',
          action: 'status',
          runId: net.id,
          outcome: 'refused',
          detail: { why: 'You are not a member of the channel it belongs to.' },
        }),
      ]);
    });

    it('refuses when membership cannot be read (fail closed)', async () => {
      const down = await run('C0DOWN');
      expect(await runs.status({ userId: ALICE }, down.id)).toEqual({
        kind: 'refused',
        runId: down.id,
        reason: 'Slack did not say who is in that channel.',
      });
    });
  });

  it('lists a channel to its members and where the surface vouches, newest first, as summaries', async () => {
    const older = await run('C0NET');
    const newer = await run('C0NET');
    await run('C0OPS');
    expect(await runs.inChannel({ userId: 'U0BOB', here: 'C0NET' }, 'C0NET', 10)).toEqual({
      allowed: true,
      runs: [newer, older].map(summaryOf),
    });
    expect(await runs.inChannel({ userId: 'U0BOB', here: 'C0NET' }, 'C0NET', 1)).toEqual({
      allowed: true,
      runs: [newer].map(summaryOf),
    });
    expect(await runs.inChannel({ userId: ALICE }, 'C0NET', 10)).toEqual({
      allowed: false,
      reason: 'You are not a member of the channel it belongs to.',
    });
  });

  it("lists someone's runs in the channels they may see, counting the rest", async () => {
    const mine = [await run('C0OPS'), await run('C0NET'), await run('C0DOWN'), await run('C0OPS')];
    expect(await runs.mine(ALICE, 10)).toEqual({
      runs: [mine[3], mine[0]].map((run) => run && summaryOf(run)),
      hidden: { notMember: 1, unknown: 1 },
    });
    expect((await runs.mine(ALICE, 1)).runs).toEqual([mine[3]].map((run) => run && summaryOf(run)));
  });

  it("gives the Home tab the viewer's visible runs, one more than shown, and their schedules", async () => {
    for (let i = 0; i < 5; i += 1) await run('C0OPS');
    await run('C0NET');
    const waiting = [
      await run('C0OPS', 'waiting'),
      await run('C0OPS', 'waiting'),
      await run('C0OPS', 'waiting'),
    ];
    const created = await schedules.schedule(
      { userId: ALICE, channelId: 'C0OPS' },
      { cron: '0 12 * * *', label: 'daily 12:00', timeZone: 'UTC', filters: { failuresOnly: false } },
    );
    if (created.kind !== 'created') throw new Error('not created');

    const home = await runs.home(ALICE, { runs: 3, waiting: 1 });
    expect(home.now).toEqual(T0);
    expect(home.recent).toHaveLength(4);
    expect(home.recent.every((r) => r.channelId === 'C0OPS')).toBe(true);
    expect(home.hidden).toEqual({ notMember: 1, unknown: 0 });
    expect(home.waiting).toEqual([waiting[2], waiting[1]]);
    expect(home.schedules).toEqual([
      { schedule: created.schedule, next: new Date('2026-05-01T12:00:00.000Z') },
    ]);
  });
});
