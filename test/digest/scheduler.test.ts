import type { Clock } from '../../src/core/kit/clock';
import type {
  DigestPost,
  DigestProgress,
  DigestPublisher,
  DigestRecorder,
} from '../../src/core/digest/publisher';
import { DEFAULT_DIGEST_SETTINGS, DigestScheduler } from '../../src/core/digest/scheduler';
import { silentLog } from '../../src/core/kit/log';
import { NotifyError } from '../../src/core/runs/notifier';
import type { DigestScheduleRecord } from '../../src/core/digest/digest-store';
import type { Store } from '../../src/core/store';
import { storeBackends, type StoreFixture } from '../support/stores';
import { FixedClock } from './clocks';
import { digestSchedule } from './schedules';

interface Posted {
  post: DigestPost;
  from: number;
  parts: number;
}

/** Records what would reach Slack; each digest is `parts` messages long. */
class RecordingPublisher implements DigestPublisher {
  readonly posted: Posted[] = [];
  /** Failures to throw, per schedule, before posting its digests. */
  readonly failures = new Map<string, NotifyError[]>();
  constructor(private readonly parts = 1) {}

  async publish(post: DigestPost, progress: DigestProgress, recorder: DigestRecorder): Promise<void> {
    const failure = this.failures.get(post.schedule?.id ?? '')?.shift();
    if (failure) throw failure;
    this.posted.push({ post, from: progress.partsPosted, parts: this.parts });
    for (let part = progress.partsPosted; part < this.parts; part += 1) {
      if (!(await recorder.attempting(part))) return;
      const threadTs = progress.threadTs ?? '1000.1';
      if (!(await recorder.posted({ partsPosted: part + 1, threadTs, attemptedPart: null }))) return;
    }
  }
}

let counter = 0;
function schedule(fields: Partial<DigestScheduleRecord>): DigestScheduleRecord {
  counter += 1;
  return digestSchedule({
    id: `sched${counter}`,
    channelId: `C0CHAN${counter}`,
    createdAt: new Date('2026-03-27T12:00:00Z'),
    ...fields,
  });
}

function scheduler(store: Store, clock: Clock, publisher: DigestPublisher, owner: string) {
  return new DigestScheduler({
    store,
    clock,
    log: silentLog,
    owner,
    publisher,
    settings: { ...DEFAULT_DIGEST_SETTINGS, maxAttempts: 2 },
  });
}

const windowsOf = (posted: Posted[], id: string) =>
  posted.filter((p) => p.post.schedule?.id === id).map((p) => p.post.summary.window.end.toISOString());

describe.each(storeBackends())('DigestScheduler on $name', (backend) => {
  let db: StoreFixture;
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(() => db.dispose());

  it('posts each window once, in the schedule’s zone, across a DST change, with two schedulers racing', async () => {
    const clock = new FixedClock(new Date('2026-03-27T12:00:00Z'));
    const s = schedule({});
    await db.store.createDigestSchedule(s);
    const other = await db.openStore();
    const publisher = new RecordingPublisher();
    const a = scheduler(db.store, clock, publisher, 'a');
    const b = scheduler(other, clock, publisher, 'b');
    for (const iso of [
      '2026-03-28T07:59:00Z',
      '2026-03-28T08:00:05Z',
      '2026-03-28T08:00:35Z',
      '2026-03-29T06:59:59Z',
      '2026-03-29T07:00:10Z',
      '2026-03-29T07:01:00Z',
    ]) {
      clock.set(iso);
      await Promise.all([a.tick(), b.tick(), a.tick()]);
    }
    expect(windowsOf(publisher.posted, s.id)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
    ]);
    const [first, second] = publisher.posted.filter((p) => p.post.schedule?.id === s.id);
    expect(second?.post.summary.window.start).toEqual(first?.post.summary.window.end);
    expect(second?.post).toMatchObject({ timeZone: 'Europe/Berlin', skipped: 0, channelId: s.channelId });
    expect(second?.post.late).toBeUndefined();
  });

  it('after downtime posts only the latest window, late, once, saying how many were skipped', async () => {
    const clock = new FixedClock(new Date('2026-10-23T07:00:30Z'));
    const s = schedule({ createdAt: new Date('2026-10-20T00:00:00Z') });
    await db.store.createDigestSchedule(s);
    const publisher = new RecordingPublisher();
    const first = scheduler(db.store, clock, publisher, 'first');
    await first.tick();
    expect(windowsOf(publisher.posted, s.id)).toEqual(['2026-10-23T07:00:00.000Z']);

    // Down from then until after the fall-back weekend; back at 11:42 Berlin time on the 27th.
    clock.set('2026-10-27T10:42:00Z');
    const restarted = scheduler(db.store, clock, publisher, 'restarted');
    await restarted.tick();
    await restarted.tick();
    const late = publisher.posted.filter((p) => p.post.schedule?.id === s.id)[1]?.post;
    expect(windowsOf(publisher.posted, s.id)).toEqual([
      '2026-10-23T07:00:00.000Z',
      '2026-10-27T08:00:00.000Z',
    ]);
    expect(late).toMatchObject({ skipped: 3, late: { dueAt: new Date('2026-10-27T08:00:00Z') } });
    expect(late?.summary.window.start).toEqual(new Date('2026-10-23T07:00:00Z'));
  });

  it('a window whose poster died is taken over after its lease, resuming after the parts already posted', async () => {
    const clock = new FixedClock(new Date('2026-05-02T07:00:10Z'));
    const s = schedule({ createdAt: new Date('2026-05-01T00:00:00Z') });
    await db.store.createDigestSchedule(s);
    const claimed = await db.store.claimDigestWindow({
      scheduleId: s.id,
      windowStart: new Date('2026-05-01T07:00:00Z'),
      windowEnd: new Date('2026-05-02T07:00:00Z'),
      skipped: 0,
      claimedBy: 'dead-process',
      leaseUntil: new Date('2026-05-02T07:02:00Z'),
    });
    expect(claimed).toBeDefined();
    await db.store.recordDigestPart(
      { scheduleId: s.id, windowEnd: new Date('2026-05-02T07:00:00Z'), attempts: 1 },
      'dead-process',
      1,
      '555.5',
      new Date('2026-05-02T07:02:00Z'),
    );
    const publisher = new RecordingPublisher(3);
    const survivor = scheduler(db.store, clock, publisher, 'survivor');
    await survivor.tick();
    expect(windowsOf(publisher.posted, s.id)).toEqual([]);
    clock.set('2026-05-02T07:02:01Z');
    await survivor.tick();
    await survivor.tick();
    expect(publisher.posted.filter((p) => p.post.schedule?.id === s.id)).toEqual([
      expect.objectContaining({ from: 1, parts: 3 }),
    ]);
    const [overview] = (await db.store.listDigestSchedules({ channelId: s.channelId })).filter(
      (o) => o.schedule.id === s.id,
    );
    expect(overview?.lastWindow).toMatchObject({ partsPosted: 3, threadTs: '555.5', attempts: 2 });
    expect(overview?.lastWindow?.postedAt).not.toBeNull();
  });

  it('retries a passing Slack failure after its pause, gives up on a permanent one', async () => {
    const clock = new FixedClock(new Date('2026-06-01T07:00:05Z'));
    const flaky = schedule({
      createdAt: new Date('2026-05-31T00:00:00Z'),
      timeZone: 'UTC',
      cron: '0 7 * * *',
    });
    await db.store.createDigestSchedule(flaky);
    const publisher = new RecordingPublisher();
    publisher.failures.set(flaky.id, [new NotifyError('Slack rate limit', 'ratelimited', false, 30_000)]);
    const s = scheduler(db.store, clock, publisher, 'p');
    await s.tick();
    expect(windowsOf(publisher.posted, flaky.id)).toEqual([]);
    clock.set('2026-06-01T07:00:20Z');
    await s.tick();
    expect(windowsOf(publisher.posted, flaky.id)).toEqual([]);
    clock.set('2026-06-01T07:00:40Z');
    await s.tick();
    expect(windowsOf(publisher.posted, flaky.id)).toEqual(['2026-06-01T07:00:00.000Z']);

    const gone = schedule({
      createdAt: new Date('2026-06-01T00:00:00Z'),
      timeZone: 'UTC',
      cron: '0 8 * * *',
    });
    await db.store.createDigestSchedule(gone);
    publisher.failures.set(gone.id, [
      new NotifyError('Slack refused: not_in_channel', 'not_in_channel', true),
    ]);
    clock.set('2026-06-01T08:00:01Z');
    await s.tick();
    clock.set('2026-06-01T09:00:00Z');
    await s.tick();
    expect(windowsOf(publisher.posted, gone.id)).toEqual([]);
    const [overview] = (await db.store.listDigestSchedules({ channelId: gone.channelId })).filter(
      (o) => o.schedule.id === gone.id,
    );
    expect(overview?.lastWindow).toMatchObject({ error: 'not_in_channel: Slack refused: not_in_channel' });
    expect(overview?.lastWindow?.failedAt).not.toBeNull();
  });

  it('gives up on a window that keeps failing after the allowed attempts', async () => {
    const clock = new FixedClock(new Date('2026-07-01T07:00:05Z'));
    const s = schedule({ createdAt: new Date('2026-06-30T00:00:00Z'), timeZone: 'UTC', cron: '0 7 * * *' });
    await db.store.createDigestSchedule(s);
    const publisher = new RecordingPublisher();
    const down = new NotifyError('Slack could not be reached', 'request_error', false);
    publisher.failures.set(s.id, [down, down, down]);
    const sched = scheduler(db.store, clock, publisher, 'p');
    for (const iso of [
      '2026-07-01T07:00:05Z',
      '2026-07-01T07:01:10Z',
      '2026-07-01T07:02:20Z',
      '2026-07-01T07:03:30Z',
    ]) {
      clock.set(iso);
      await sched.tick();
    }
    const [overview] = (await db.store.listDigestSchedules({ channelId: s.channelId })).filter(
      (o) => o.schedule.id === s.id,
    );
    expect(overview?.lastWindow?.failedAt).not.toBeNull();
    expect(overview?.lastWindow?.error).toContain('gave up after 2 attempts');
    expect(windowsOf(publisher.posted, s.id)).toEqual([]);
  });
});
