import type {
  DirectMessage,
  DirectMessenger,
  PostedDirectMessage,
} from '../../../src/core/direct/direct-messenger';
import { silentLog } from '../../../src/core/kit/log';
import { Registry } from '../../../src/core/operations/registry';
import { deliver, deliveryDueAt } from '../../../src/core/runs/delivery';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../src/core/runs/engine-deps';
import { NotifyError, PACED, type Notifier } from '../../../src/core/runs/notifier';
import type { RunRecord } from '../../../src/core/runs/run-store';
import type { Store } from '../../../src/core/store';
import { newRun, newTransition } from '../../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../../support/stores';

const OWNER = 'tracker-a';
const settings: EngineSettings = {
  ...DEFAULT_ENGINE_SETTINGS,
  giveUpAfterMs: 86_400_000,
  watchFailedForMs: 86_400_000,
  watchFailedEveryMs: 300_000,
};

let ts = 0;
const nextTs = () => `1700000000.${String((ts += 1)).padStart(6, '0')}`;

/** The thread always takes its posts; only direct messages are the subject here. */
const thread: Notifier = {
  postParent: async () => nextTs(),
  postTransition: async () => nextTs(),
  updateParent: async () => undefined,
};

/** Remembers what landed by (run, transition, person), and finds it again for an attempted post, like Slack's lookup. */
class ScriptedMessenger implements DirectMessenger {
  readonly landed = new Map<string, PostedDirectMessage>();
  readonly posts: { message: DirectMessage; attempted: boolean }[] = [];
  failures: { error: NotifyError; afterLanding?: boolean }[] = [];

  async post(message: DirectMessage, attempted: boolean): Promise<PostedDirectMessage> {
    const key = `${message.key.runId}/${message.key.seq}/${message.key.userId}`;
    const earlier = this.landed.get(key);
    if (attempted && earlier) return earlier;
    const failure = this.failures.shift();
    if (failure && !failure.afterLanding) throw failure.error;
    const posted = { channelId: `D${message.key.userId}`, ts: nextTs() };
    this.landed.set(key, posted);
    this.posts.push({ message, attempted });
    if (failure) throw failure.error;
    return posted;
  }

  async update(): Promise<void> {}
}

describe.each(storeBackends())('direct message delivery on $name', (backend) => {
  let db: StoreFixture;
  let store: Store;
  let messenger: ScriptedMessenger;
  let now: Date;
  const deps = () => ({
    store,
    registry: new Registry([]),
    notifier: thread,
    directMessenger: messenger,
    clock: { now: () => now },
    log: silentLog,
    owner: OWNER,
    settings,
  });

  beforeAll(async () => {
    db = await backend.open();
    store = db.store;
  });
  beforeEach(async () => {
    await db.reset();
    messenger = new ScriptedMessenger();
    now = new Date('2026-11-24T10:00:00Z');
  });
  afterAll(() => db.dispose());

  /** A run of U0ALICE's that ran and succeeded, leased to OWNER, nothing posted yet. */
  async function finishedRun(): Promise<RunRecord> {
    const { run } = await store.createRun(
      newRun({
        state: 'starting',
        createdAt: now,
        leaseOwner: OWNER,
        leaseUntil: new Date(now.getTime() + 600_000),
      }),
    );
    await store.appendTransition(run.id, OWNER, { state: 'running' }, newTransition({ at: now }));
    const { run: done } = await store.appendTransition(
      run.id,
      OWNER,
      { state: 'succeeded' },
      newTransition({ at: now, state: 'succeeded' }),
    );
    return done;
  }

  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  it('tells the requester once, after the thread, and has nothing left to deliver', async () => {
    const run = await deliver(deps(), await finishedRun());
    expect(
      messenger.posts.map((p) => [p.message.key.userId, p.message.reason, p.message.transition.state]),
    ).toEqual([['U0ALICE', 'finished', 'succeeded']]);
    expect(run.dmSeq).toBe(run.seq);
    expect(deliveryDueAt(deps(), run)).toBeNull();
    await deliver(deps(), run);
    expect(messenger.posts).toHaveLength(1);
  });

  it('waits its turn when Slack has none, then sends it once', async () => {
    messenger.failures.push({ error: new NotifyError('no turn', PACED, false, 2_000, true) });
    const waiting = await deliver(deps(), await finishedRun());
    expect(waiting.notifiedSeq).toBe(waiting.seq);
    expect(waiting.dmSeq).toBe(0);
    expect(deliveryDueAt(deps(), waiting)).toEqual(new Date(now.getTime() + 2_000));
    later(2_000);
    const done = await deliver(deps(), waiting);
    expect(done.dmSeq).toBe(done.seq);
    expect(messenger.posts.map((p) => p.attempted)).toEqual([false]);
  });

  it('a post whose answer was lost is looked for, not repeated', async () => {
    messenger.failures.push({ error: new NotifyError('reset', 'request_error', false), afterLanding: true });
    const lost = await deliver(deps(), await finishedRun());
    expect(lost.dmSeq).toBe(0);
    const [pending] = await store.outstandingDirectMessages(lost.id);
    expect(pending?.attemptedAt).not.toBeNull();
    later(5_000);
    const done = await deliver(deps(), lost);
    expect(done.dmSeq).toBe(done.seq);
    expect(messenger.posts).toHaveLength(1);
    expect(await store.outstandingDirectMessages(lost.id)).toEqual([]);
  });

  it('gives up one message Slack refuses for good, without holding the run up', async () => {
    messenger.failures.push({
      error: new NotifyError('Slack refused: user_disabled', 'user_disabled', false, undefined, true),
    });
    const run = await deliver(deps(), await finishedRun());
    expect(run.dmSeq).toBe(run.seq);
    expect(run.notifyProblem).toBeNull();
    expect(messenger.posts).toHaveLength(0);
    expect(await store.outstandingDirectMessages(run.id)).toEqual([]);
  });

  it('tells nobody who turned direct messages off, and nobody at all without a messenger', async () => {
    await store.setDirectMessages('U0ALICE', false, now);
    const quiet = await deliver(deps(), await finishedRun());
    expect(quiet.dmSeq).toBe(quiet.seq);
    expect(messenger.posts).toHaveLength(0);
    await store.setDirectMessages('U0ALICE', true, now);
    const { directMessenger: _none, ...without } = deps();
    const silent = await deliver(without, await finishedRun());
    expect(silent.dmSeq).toBe(silent.seq);
    expect(messenger.posts).toHaveLength(0);
  });
});
