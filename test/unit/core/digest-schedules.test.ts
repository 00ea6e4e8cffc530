import { AuditTrail } from '../../../src/core/audit/trail';
import { MAX_SCHEDULES_PER_CHANNEL, DigestSchedules } from '../../../src/core/digest/schedules';
import type { ScheduleSpec } from '../../../src/core/digest/spec';
import { silentLog } from '../../../src/core/kit/log';
import { Policy, type PolicyRule } from '../../../src/core/policy/policy';
import { storeBackends, type StoreFixture } from '../../support/stores';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const ADMIN = 'U0ADMIN';
const ALICE = { userId: 'U0ALICE', channelId: 'C0OPS' };
const sqlite = storeBackends().filter((b) => b.name === 'sqlite');

const daily = (fields: Partial<ScheduleSpec> = {}) => ({
  cron: '0 9 * * *',
  label: 'daily 09:00',
  timeZone: 'Europe/Berlin',
  filters: { failuresOnly: false },
  ...fields,
});

describe.each(sqlite)('DigestSchedules on $name', (backend) => {
  let db: StoreFixture;
  const open = async (rules: PolicyRule[] = []) => {
    db = await backend.open();
    const clock = { now: () => T0 };
    const access = { isAdmin: (userId: string) => userId === ADMIN };
    const audit = new AuditTrail({ store: db.store, access, clock, log: silentLog });
    const policy = new Policy(rules, { memberships: async () => [], members: async () => [] });
    return new DigestSchedules({ store: db.store, policy, access, audit, clock });
  };
  const audited = () => db.store.listAudit({ limit: 100 });
  afterEach(() => db.dispose());

  it('creates a schedule, audits it, and says when it first fires', async () => {
    const schedules = await open();
    const result = await schedules.schedule(ALICE, daily());
    if (result.kind !== 'created') throw new Error(`not created: ${result.kind}`);
    expect(result.schedule).toMatchObject({
      channelId: 'C0OPS',
      createdBy: 'U0ALICE',
      timeZone: 'Europe/Berlin',
    });
    expect(result.schedule.id).toMatch(/^[0-9a-z]{8}$/);
    // 09:00 in Berlin (UTC+2 in May) is 07:00 UTC: the next one is the following morning.
    expect(result.first).toEqual(new Date('2026-05-02T07:00:00.000Z'));
    expect((await schedules.inChannel('C0OPS')).map((o) => o.schedule.id)).toEqual([result.schedule.id]);
    expect((await schedules.createdBy('U0ALICE')).map((o) => o.schedule.id)).toEqual([result.schedule.id]);
    expect(await audited()).toEqual([
      expect.objectContaining({
        action: 'digest.schedule',
        outcome: 'done',
        detail: expect.objectContaining({ id: result.schedule.id }),
      }),
    ]);
  });

  it('refuses a second schedule with the same cron, time zone and filters in a channel', async () => {
    const schedules = await open();
    const first = await schedules.schedule(ALICE, daily());
    const twin = await schedules.schedule({ ...ALICE, userId: 'U0BOB' }, daily({ label: 'at nine' }));
    expect(twin).toEqual({ kind: 'duplicate', twin: first.kind === 'created' ? first.schedule : undefined });
    // Any difference is another digest: another zone, other filters, another channel.
    expect((await schedules.schedule(ALICE, daily({ timeZone: 'UTC' }))).kind).toBe('created');
    expect((await schedules.schedule(ALICE, daily({ filters: { failuresOnly: true } }))).kind).toBe(
      'created',
    );
    expect((await schedules.schedule({ ...ALICE, channelId: 'C0NET' }, daily())).kind).toBe('created');
    expect(await schedules.inChannel('C0OPS')).toHaveLength(3);
  });

  it(`holds a channel to ${MAX_SCHEDULES_PER_CHANNEL} schedules`, async () => {
    const schedules = await open();
    for (let minute = 0; minute < MAX_SCHEDULES_PER_CHANNEL; minute += 1)
      expect((await schedules.schedule(ALICE, daily({ cron: `${minute} 9 * * *` }))).kind).toBe('created');
    expect(await schedules.schedule(ALICE, daily({ cron: '30 9 * * *' }))).toEqual({
      kind: 'full',
      count: MAX_SCHEDULES_PER_CHANNEL,
    });
    expect(await schedules.inChannel('C0OPS')).toHaveLength(MAX_SCHEDULES_PER_CHANNEL);
    // The limit is per channel.
    expect((await schedules.schedule({ ...ALICE, channelId: 'C0NET' }, daily())).kind).toBe('created');
  });

  it('asks the policy first, and audits a refusal with the rule and why', async () => {
    const schedules = await open([
      {
        name: 'no-digests',
        effect: 'deny',
        operations: ['digest.schedule'],
        users: [],
        groups: [],
        channels: ['C0OPS'],
        when: {},
      },
    ]);
    const result = await schedules.schedule(ALICE, daily());
    expect(result).toMatchObject({ kind: 'denied', decision: { allowed: false, rule: 'no-digests' } });
    expect(await schedules.inChannel('C0OPS')).toEqual([]);
    expect(await audited()).toEqual([
      expect.objectContaining({
        action: 'digest.schedule',
        outcome: 'denied',
        rule: 'no-digests',
        detail: expect.objectContaining({ cron: '0 9 * * *', why: expect.any(String) }),
      }),
    ]);
  });

  it('lets the creator or an admin remove a schedule, only from its own channel', async () => {
    const schedules = await open();
    const created = await schedules.schedule(ALICE, daily());
    if (created.kind !== 'created') throw new Error('not created');
    const { id } = created.schedule;
    expect(await schedules.remove({ ...ALICE, channelId: 'C0NET' }, id)).toEqual({ kind: 'missing' });
    expect(await schedules.remove(ALICE, 'nosuchid')).toEqual({ kind: 'missing' });
    const bob = await schedules.remove({ ...ALICE, userId: 'U0BOB' }, id);
    expect(bob).toMatchObject({ kind: 'denied', schedule: { id } });
    expect(await schedules.remove({ ...ALICE, userId: ADMIN }, id)).toMatchObject({
      kind: 'removed',
      schedule: { id },
    });
    expect(await schedules.inChannel('C0OPS')).toEqual([]);
    expect(await schedules.remove(ALICE, id)).toEqual({ kind: 'missing' });
    expect((await audited()).map((r) => [r.actorId, r.action, r.outcome])).toEqual([
      [ADMIN, 'digest.remove', 'done'],
      ['U0BOB', 'digest.remove', 'denied'],
      ['U0ALICE', 'digest.schedule', 'done'],
    ]);
  });

  it('says when a schedule fires next', async () => {
    const schedules = await open();
    const created = await schedules.schedule(ALICE, daily({ cron: '0 12 * * *', timeZone: 'UTC' }));
    if (created.kind !== 'created') throw new Error('not created');
    expect(schedules.nextFire(created.schedule)).toEqual(new Date('2026-05-01T12:00:00.000Z'));
  });
});
