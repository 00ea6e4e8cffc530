import type { NewAuditRecord } from '../../../src/core/audit/audit-store';
import { AUDIT_READ_LIMIT, AuditTrail, type AuditSink } from '../../../src/core/audit/trail';
import type { Log } from '../../../src/core/kit/log';
import { silentLog } from '../../../src/core/kit/log';
import { newRun } from '../../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../../support/stores';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const ADMIN = 'U0ADMIN';
const sqlite = storeBackends().filter((b) => b.name === 'sqlite');

const record = (fields: Partial<NewAuditRecord> = {}): NewAuditRecord => ({
  at: T0,
  actorId: 'U0ALICE',
  channelId: 'C0OPS',
  action: 'launch',
  operationId: 'itential.start',
  runId: null,
  outcome: 'accepted',
  rule: null,
  detail: {},
  ...fields,
});

/** A sink that keeps what it is given. */
function keeper(): AuditSink & { got: NewAuditRecord[] } {
  const got: NewAuditRecord[] = [];
  return { got, deliver: (r) => void got.push(r) };
}

describe.each(sqlite)('AuditTrail on $name', (backend) => {
  let db: StoreFixture;
  let trail: AuditTrail;
  let warnings: string[];
  beforeEach(async () => {
    db = await backend.open();
    warnings = [];
    const log: Log = { ...silentLog, warn: (_obj, msg) => void warnings.push(msg ?? '') };
    trail = new AuditTrail({
      store: db.store,
      access: { isAdmin: (userId) => userId === ADMIN },
      clock: { now: () => T0 },
      log,
    });
  });
  afterEach(() => db.dispose());

  it('stores each record and hands it to every sink once, in order', async () => {
    const first = keeper();
    const second = keeper();
    trail.subscribe(first);
    trail.subscribe(second);
    await trail.append(record({ action: 'launch' }));
    await trail.append(record({ action: 'cancel' }));
    expect(first.got.map((r) => r.action)).toEqual(['launch', 'cancel']);
    expect(second.got.map((r) => r.action)).toEqual(['launch', 'cancel']);
    expect((await db.store.listAudit({ limit: 10 })).map((r) => r.action)).toEqual(['cancel', 'launch']);
  });

  it('tells no sink of a record the store did not take', async () => {
    const sink = keeper();
    trail.subscribe(sink);
    await db.store.close();
    await expect(trail.append(record())).rejects.toThrow();
    expect(sink.got).toEqual([]);
  });

  it('keeps the record when a sink throws, and says so in the log', async () => {
    const after = keeper();
    trail.subscribe({
      deliver: () => {
        throw new Error('boom');
      },
    });
    trail.subscribe(after);
    await expect(trail.append(record())).resolves.toBeUndefined();
    expect(await db.store.listAudit({ limit: 10 })).toHaveLength(1);
    expect(after.got).toHaveLength(1);
    expect(warnings).toEqual(['an audit sink refused a record']);
  });

  it('refuses anyone but an admin, and records (and forwards) the refusal', async () => {
    const sink = keeper();
    trail.subscribe(sink);
    await trail.append(record());
    expect(await trail.read('U0BOB', { sinceMs: 86_400_000 })).toEqual({ allowed: false });
    const refusal = {
      actorId: 'U0BOB',
      channelId: null,
      action: 'audit',
      outcome: 'refused',
      operationId: null,
      runId: null,
    };
    expect((await db.store.listAudit({ actorId: 'U0BOB', limit: 10 }))[0]).toMatchObject(refusal);
    expect(sink.got.at(-1)).toMatchObject(refusal);
  });

  it('shows an admin the newest records in the window, each with its thread', async () => {
    const { run } = await db.store.createRun(newRun({ createdAt: T0, channelId: 'C0OPS' }));
    await db.store.setParentTs(run.id, '1700000000.000100');
    const old = new Date(T0.getTime() - 2 * 3_600_000);
    await trail.append(record({ at: old, action: 'old' }));
    await trail.append(record({ action: 'launch', runId: run.id }));
    await trail.append(
      record({ action: 'start', runId: run.id, detail: { thread: { channel: 'C0REC', ts: '1.2' } } }),
    );
    await trail.append(record({ action: 'open', actorId: 'U0BOB' }));

    const reading = await trail.read(ADMIN, { sinceMs: 3_600_000 });
    if (!reading.allowed) throw new Error('an admin was refused');
    expect(reading.limit).toBe(AUDIT_READ_LIMIT);
    expect(reading.entries.map((e) => [e.record.action, e.thread])).toEqual([
      ['open', undefined],
      // Recorded with the record wins; otherwise the run's message as it is now.
      ['start', { channel: 'C0REC', ts: '1.2' }],
      ['launch', { channel: 'C0OPS', ts: '1700000000.000100' }],
    ]);

    const bob = await trail.read(ADMIN, { actorId: 'U0BOB', sinceMs: 3_600_000 });
    expect(bob.allowed && bob.entries.map((e) => e.record.action)).toEqual(['open']);
  });
});
