import { deliver, deliveryDueAt } from '../../../src/core/runs/delivery';
import { leaseOf } from '../../../src/core/runs/lease';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../src/core/runs/engine-deps';
import { silentLog } from '../../../src/core/kit/log';
import { PACED, type Notifier, type RunView } from '../../../src/core/runs/notifier';
import type {
  DirectMessage,
  DirectMessenger,
  PostedDirectMessage,
} from '../../../src/core/direct/direct-messenger';
import { Registry } from '../../../src/core/operations/registry';
import type { RunState } from '../../../src/core/runs/lifecycle';
import { type RunRecord, type TransitionRecord } from '../../../src/core/runs/run-store';
import type { Store } from '../../../src/core/store';
import { createdLease, newRun, newTransition } from '../../support/run-fixtures';
import type { Operation } from '../../../src/core/operations/contract';
import { Policy } from '../../../src/core/policy/policy';
import { rule } from '../../support/policy-rules';
import { storeBackends, type StoreFixture } from '../../support/stores';
import { NotifyError, LeaseLostError } from '../../../src/core/errors';

const OWNER = 'tracker-a';
const settings: EngineSettings = {
  ...DEFAULT_ENGINE_SETTINGS,
  giveUpAfterMs: 86_400_000,
  watchFailedForMs: 86_400_000,
  watchFailedEveryMs: 300_000,
  parentEditIntervalMs: 2_000,
  notifyRetryMs: 300_000,
  notifyGiveUpAfterMs: 3_600_000,
};

interface Posted {
  kind: 'parent' | 'reply' | 'edit';
  seq: number;
  ts: string;
  /** What the engine said about an earlier attempt when it asked. */
  attemptedBefore: boolean;
}

/**
 * A notifier that behaves like Slack with metadata lookups: it remembers every post by (run, seq) and,
 * when asked to post something already attempted, returns the earlier post if it landed.
 */
class ScriptedNotifier implements Notifier {
  readonly log: Posted[] = [];
  private readonly landed = new Map<string, string>();
  private nextTs = 1;
  /** Thrown instead of answering the next posts (after the post landed, when `afterLanding`). */
  failures: { error: Error; afterLanding?: boolean }[] = [];
  /** Thrown instead of making the next edits. */
  editFailures: Error[] = [];
  /** Set: the next post stays in flight, neither landed nor failed, until this lets it go. */
  inFlight?: { started: () => void; landing: Promise<void> };

  postParent(view: RunView): Promise<string> {
    return this.post('parent', view.run.id, 0, view.run.parentAttemptedAt !== null);
  }

  postTransition(view: RunView, transition: TransitionRecord): Promise<string> {
    return this.post('reply', view.run.id, transition.seq, transition.attemptedAt !== null);
  }

  async updateParent(view: RunView): Promise<void> {
    const failure = this.editFailures.shift();
    if (failure) throw failure;
    this.log.push({ kind: 'edit', seq: view.run.seq, ts: view.run.parentTs ?? '', attemptedBefore: false });
  }

  posts(kind: Posted['kind']): Posted[] {
    return this.log.filter((p) => p.kind === kind);
  }

  private async post(kind: Posted['kind'], runId: string, seq: number, attemptedBefore: boolean) {
    const flight = this.inFlight;
    this.inFlight = undefined;
    if (flight) {
      flight.started();
      await flight.landing;
    }
    const key = `${runId}/${seq}`;
    const earlier = this.landed.get(key);
    if (attemptedBefore && earlier) return earlier;
    const failure = this.failures.shift();
    if (failure && !failure.afterLanding) throw failure.error;
    const ts = `1700000000.${String(this.nextTs++).padStart(6, '0')}`;
    this.landed.set(key, ts);
    this.log.push({ kind, seq, ts, attemptedBefore });
    if (failure) throw failure.error;
    return ts;
  }
}

/** Remembers what landed by (run, transition, person), and finds it again for an attempted post, like Slack's lookup. */
class ScriptedMessenger implements DirectMessenger {
  readonly landed = new Map<string, PostedDirectMessage>();
  readonly posts: { message: DirectMessage; attempted: boolean }[] = [];
  failures: { error: NotifyError; afterLanding?: boolean }[] = [];

  async post(message: DirectMessage, attemptedAt: Date | null): Promise<PostedDirectMessage> {
    const attempted = attemptedAt !== null;
    const key = `${message.key.runId}/${message.key.seq}/${message.key.userId}`;
    const earlier = this.landed.get(key);
    if (attempted && earlier) return earlier;
    const failure = this.failures.shift();
    if (failure && !failure.afterLanding) throw failure.error;
    const posted = {
      channelId: `D${message.key.userId}`,
      ts: `1800000000.${String(this.posts.length + 1).padStart(6, '0')}`,
    };
    this.landed.set(key, posted);
    this.posts.push({ message, attempted });
    if (failure) throw failure.error;
    return posted;
  }

  readonly updates: DirectMessage[] = [];

  async update(message: DirectMessage): Promise<void> {
    this.updates.push(message);
  }
}

describe.each(storeBackends())('delivery on $name', (backend) => {
  let db: StoreFixture;
  let store: Store;
  let notifier: ScriptedNotifier;
  let now: Date;
  const deps = (owner = OWNER) => ({
    store,
    registry: new Registry([]),
    notifier,
    clock: { now: () => now },
    log: silentLog,
    owner,
    settings,
  });

  beforeAll(async () => {
    db = await backend.open();
    store = db.store;
  });
  beforeEach(async () => {
    await db.reset();
    notifier = new ScriptedNotifier();
    now = new Date('2026-11-24T10:00:00Z');
  });
  afterAll(() => db.dispose());

  async function runWith(states: RunState[]): Promise<RunRecord> {
    const { run } = await store.createRun(
      newRun({
        state: 'starting',
        createdAt: now,
        leaseOwner: OWNER,
        leaseUntil: new Date(now.getTime() + 600_000),
      }),
    );
    let current = run;
    for (const state of states) current = await transition(current, state);
    return current;
  }

  async function transition(run: RunRecord, state: RunState): Promise<RunRecord> {
    const { run: updated } = await store.appendTransition(
      run.id,
      createdLease(OWNER),
      { state },
      newTransition({ state, upstreamStatus: state, at: now }),
    );
    return updated;
  }

  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  it('posts the parent, then every reply in order, each recorded as attempted and then as posted', async () => {
    const run = await runWith(['running', 'waiting', 'succeeded']);
    const delivered = await deliver(deps(), run);
    expect(notifier.log.map((p) => `${p.kind}:${p.seq}`)).toEqual([
      'parent:0',
      'reply:1',
      'reply:2',
      'reply:3',
    ]);
    expect(notifier.log.every((p) => !p.attemptedBefore)).toBe(true);
    expect(delivered).toMatchObject({ notifiedSeq: 3, parentSeq: 3, notifyProblem: null });
    expect(await store.pendingTransitions(run.id)).toEqual([]);
    expect(deliveryDueAt(deps(), delivered)).toBeNull();
  });

  it('after a crash between Slack accepting a reply and the store recording it, adopts that reply', async () => {
    const run = await runWith(['running', 'succeeded']);
    await store.updateRun(run.id, createdLease(OWNER), { parentTs: '1699999999.000001', parentSeq: run.seq });
    const before = (await store.getRun(run.id)) as RunRecord;
    // The process "dies" right after Slack took reply 1: nothing after the post is recorded.
    notifier.failures = [{ error: new Error('process died'), afterLanding: true }];
    await expect(deliver(deps(), before)).rejects.toThrow('process died');
    const [pending] = await store.pendingTransitions(run.id);
    expect(pending?.attemptedAt).not.toBeNull();

    const resumed = await deliver(deps(), (await store.getRun(run.id)) as RunRecord);
    const replies = notifier.posts('reply');
    expect(replies.map((p) => p.seq)).toEqual([1, 2]);
    expect(resumed.notifiedSeq).toBe(2);
    const stored = await store.pendingTransitions(run.id);
    expect(stored).toEqual([]);
  });

  it('holds the run while a post is in flight, so a process taking over after the lease cannot post it twice', async () => {
    const run = await runWith(['running']);
    const leased = await store.updateRun(run.id, createdLease(OWNER), {
      leaseUntil: new Date(now.getTime() + 1_000),
    });
    let land = () => {};
    const started = new Promise<void>((resolve) => {
      notifier.inFlight = { started: resolve, landing: new Promise((done) => (land = done)) };
    });
    const first = deliver(deps(), leased);
    await started;

    // Slack is slow: the lease this process took for the run would have run out before the post lands.
    later(settings.postHoldMs - 1);
    const other = 'tracker-b';
    const taken = await store.claim(run.id, other, now, new Date(now.getTime() + settings.leaseMs));
    if (taken) await deliver(deps(other), taken);
    land();
    await first;

    expect(taken).toBeUndefined();
    expect(notifier.posts('parent')).toHaveLength(1);
    expect(notifier.posts('reply').map((p) => p.seq)).toEqual([1]);
  });

  it.each([
    ['a reply', true],
    // Safe already: the lease it takes again before posting returns the run as it is, parent and all.
    ['the parent', false],
  ])(
    'a process that stalled after reading the run, lost it and took it back does not post %s again',
    async (_, parentPosted) => {
      const run = await runWith(['running']);
      if (parentPosted)
        await store.updateRun(run.id, createdLease(OWNER), {
          parentTs: '1699999999.000001',
          parentSeq: run.seq,
        });
      await store.release(run.id, createdLease(OWNER), {});
      // This process reads the replies to post, then stalls (a loaded machine) before it marks the first.
      let stalled = () => {};
      let resume = () => {};
      const read = new Promise<void>((resolve) => (stalled = resolve));
      const gate = new Promise<void>((resolve) => (resume = resolve));
      const stalling = new Proxy(store, {
        get(target, prop) {
          if (prop === 'pendingTransitions')
            return async (id: string) => {
              const pending = await target.pendingTransitions(id);
              stalled();
              await gate;
              return pending;
            };
          const value: unknown = Reflect.get(target, prop);
          return typeof value === 'function'
            ? (value as (...args: unknown[]) => unknown).bind(target)
            : value;
        },
      });
      const lease = () => new Date(now.getTime() + settings.leaseMs);
      const claimed = (await store.claim(run.id, OWNER, now, lease())) as RunRecord;
      const first = deliver({ ...deps(), store: stalling }, claimed).catch((err: unknown) => err);
      await read;

      // Its lease runs out; another process takes the run, posts the reply and lets the run go; this
      // process's tracker claims the run again on its next tick, while the stalled delivery goes on.
      later(settings.leaseMs + 1);
      const other = 'tracker-b';
      const taken = (await store.claim(run.id, other, now, lease())) as RunRecord;
      await deliver(deps(other), taken);
      await store.release(run.id, leaseOf({ owner: other }, taken), { nextPollAt: now });
      expect(await store.claim(run.id, OWNER, now, lease())).toBeDefined();
      resume();
      expect(await first).toBeInstanceOf(LeaseLostError);

      expect(notifier.posts('reply').map((p) => p.seq)).toEqual([1]);
      expect(notifier.posts('parent')).toHaveLength(parentPosted ? 0 : 1);
      expect(await store.pendingTransitions(run.id)).toEqual([]);
    },
  );

  it('forgets the attempt when Slack certainly did not take the post, so the retry does not look first', async () => {
    const run = await runWith(['running']);
    notifier.failures = [{ error: new NotifyError('Slack rate limit', 'ratelimited', false, 3_000, true) }];
    const waited = await deliver(deps(), run);
    expect(waited.notifyAfter).toEqual(new Date(now.getTime() + 3_000));
    expect(waited.notifyProblem).toBeNull();
    expect(waited.parentAttemptedAt).toBeNull();
    expect(deliveryDueAt(deps(), waited)).toEqual(waited.notifyAfter);

    expect(await deliver(deps(), waited)).toEqual(waited);
    expect(notifier.log).toEqual([]);
    later(3_000);
    await deliver(deps(), waited);
    expect(notifier.log.map((p) => [p.kind, p.attemptedBefore])).toEqual([
      ['parent', false],
      ['reply', false],
    ]);
  });

  it('keeps the attempt when the post may have landed (no answer), and then looks before posting', async () => {
    const run = await runWith(['running']);
    notifier.failures = [
      { error: new NotifyError('Slack could not be reached', 'request_error', false), afterLanding: true },
    ];
    const failed = await deliver(deps(), run);
    expect(failed.parentAttemptedAt).not.toBeNull();
    expect(failed.notifyProblem).toMatchObject({ code: 'request_error', permanent: false, failures: 1 });
    later(settings.poll.minMs);
    const done = await deliver(deps(), failed);
    expect(notifier.posts('parent')).toHaveLength(1);
    expect(done).toMatchObject({ notifiedSeq: 1, notifyProblem: null, notifyAfter: null });
  });

  it('records a permanent refusal on the run, retries it on the slow schedule, and clears it once Slack takes it', async () => {
    const run = await runWith(['running', 'failed']);
    const refused = new NotifyError(
      'Slack refused: channel_not_found',
      'channel_not_found',
      true,
      undefined,
      true,
    );
    notifier.failures = [{ error: refused }];
    const first = await deliver(deps(), run);
    expect(first.state).toBe('failed');
    expect(first.notifyProblem).toEqual({
      code: 'channel_not_found',
      message: 'Slack refused: channel_not_found',
      permanent: true,
      failures: 1,
      since: now,
      lastAt: now,
    });
    expect(first.notifyAfter).toEqual(new Date(now.getTime() + settings.notifyRetryMs));
    expect(first.parentAttemptedAt).toBeNull();

    later(60_000);
    expect(await deliver(deps(), first)).toEqual(first);
    later(settings.notifyRetryMs);
    notifier.failures = [{ error: refused }];
    const second = await deliver(deps(), first);
    expect(second.notifyProblem).toMatchObject({ failures: 2, since: first.notifyProblem?.since });

    later(settings.notifyRetryMs);
    const third = await deliver(deps(), second);
    expect(third).toMatchObject({ notifiedSeq: 2, notifyProblem: null, notifyAfter: null });
    expect(notifier.posts('reply').map((p) => p.seq)).toEqual([1, 2]);
  });

  it('a finished run stops retrying a refusing Slack once the problem is old enough', async () => {
    const run = await runWith(['succeeded']);
    notifier.failures = [
      { error: new NotifyError('Slack refused: is_archived', 'is_archived', true, undefined, true) },
    ];
    const refused = await deliver(deps(), run);
    expect(deliveryDueAt(deps(), refused)).toEqual(refused.notifyAfter);
    later(settings.notifyGiveUpAfterMs);
    expect(deliveryDueAt(deps(), refused)).toBeNull();
  });

  it('coalesces status-line edits: at most one per interval, showing the latest state', async () => {
    const posted = await deliver(deps(), await runWith(['running']));
    expect(notifier.posts('edit')).toEqual([]);
    later(500);
    let run = await transition(posted, 'waiting');
    run = await deliver(deps(), run);
    later(300);
    run = await transition(run, 'running');
    run = await deliver(deps(), run);
    expect(notifier.posts('reply').map((p) => p.seq)).toEqual([1, 2, 3]);
    expect(notifier.posts('edit')).toEqual([]);
    expect(deliveryDueAt(deps(), run)).toEqual(new Date((posted.parentEditedAt?.getTime() ?? 0) + 2_000));

    later(1_200);
    run = await deliver(deps(), await transition(run, 'succeeded'));
    expect(notifier.posts('edit').map((p) => p.seq)).toEqual([4]);
    expect(run.parentSeq).toBe(4);
    expect(deliveryDueAt(deps(), run)).toBeNull();
  });

  it('a refused status-line edit is retried later, not lost', async () => {
    const posted = await deliver(deps(), await runWith(['running']));
    later(5_000);
    notifier.editFailures = [
      new NotifyError('Slack refused: message_not_found', 'message_not_found', true, undefined, true),
    ];
    const refused = await deliver(deps(), await transition(posted, 'succeeded'));
    expect(refused).toMatchObject({ notifiedSeq: 2, parentSeq: 1 });
    expect(refused.notifyProblem?.code).toBe('message_not_found');
    expect(deliveryDueAt(deps(), refused)).toEqual(refused.notifyAfter);
    later(settings.notifyRetryMs);
    const edited = await deliver(deps(), refused);
    expect(edited).toMatchObject({ parentSeq: 2, notifyProblem: null });
    expect(notifier.posts('edit').map((p) => p.seq)).toEqual([2]);
  });

  it('an edit the budget has no turn for waits its turn without holding up replies; the edits in between are never made', async () => {
    const posted = await deliver(deps(), await runWith(['running']));
    later(5_000);
    const paced = () => new NotifyError('chat.update waits its turn', PACED, false, 30_000, true);
    notifier.editFailures = [paced()];
    let run = await deliver(deps(), await transition(posted, 'waiting'));
    expect(run).toMatchObject({ notifiedSeq: 2, parentSeq: 1, notifyAfter: null, notifyProblem: null });
    expect(deliveryDueAt(deps(), run)).toEqual(new Date(now.getTime() + 30_000));

    // A progress change while the edit waits: its reply goes at once, its edit waits too.
    later(1_000);
    run = await deliver(deps(), await transition(run, 'running'));
    expect(notifier.posts('reply').map((p) => p.seq)).toEqual([1, 2, 3]);
    expect(notifier.posts('edit')).toEqual([]);

    // The final state: its reply at once, and its edit is tried at once (urgent), showing the final state.
    later(1_000);
    run = await deliver(deps(), await transition(run, 'succeeded'));
    expect(notifier.posts('reply').map((p) => p.seq)).toEqual([1, 2, 3, 4]);
    expect(notifier.posts('edit').map((p) => p.seq)).toEqual([4]);
    expect(deliveryDueAt(deps(), run)).toBeNull();
  });

  describe('direct messages, after the thread', () => {
    let messenger: ScriptedMessenger;
    const dmDeps = () => ({ ...deps(), directMessenger: messenger });
    beforeEach(() => {
      messenger = new ScriptedMessenger();
    });

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
      await store.appendTransition(
        run.id,
        createdLease(OWNER),
        { state: 'running' },
        newTransition({ at: now }),
      );
      const { run: done } = await store.appendTransition(
        run.id,
        createdLease(OWNER),
        { state: 'succeeded' },
        newTransition({ at: now, state: 'succeeded' }),
      );
      return done;
    }

    it('tells the requester once, after the thread, and has nothing left to deliver', async () => {
      const run = await deliver(dmDeps(), await finishedRun());
      expect(
        messenger.posts.map((p) => [p.message.key.userId, p.message.reason, p.message.transition.state]),
      ).toEqual([['U0ALICE', 'finished', 'succeeded']]);
      expect(run.dmSeq).toBe(run.seq);
      expect(deliveryDueAt(dmDeps(), run)).toBeNull();
      await deliver(dmDeps(), run);
      expect(messenger.posts).toHaveLength(1);
    });

    it('waits its turn when Slack has none, then sends it once', async () => {
      messenger.failures.push({ error: new NotifyError('no turn', PACED, false, 2_000, true) });
      const waiting = await deliver(dmDeps(), await finishedRun());
      expect(waiting.notifiedSeq).toBe(waiting.seq);
      expect(waiting.dmSeq).toBe(0);
      expect(deliveryDueAt(dmDeps(), waiting)).toEqual(new Date(now.getTime() + 2_000));
      later(2_000);
      const done = await deliver(dmDeps(), waiting);
      expect(done.dmSeq).toBe(done.seq);
      expect(messenger.posts.map((p) => p.attempted)).toEqual([false]);
    });

    it('a post whose answer was lost is looked for, not repeated', async () => {
      messenger.failures.push({
        error: new NotifyError('reset', 'request_error', false),
        afterLanding: true,
      });
      const lost = await deliver(dmDeps(), await finishedRun());
      expect(lost.dmSeq).toBe(0);
      const [pending] = await store.outstandingDirectMessages(lost.id);
      expect(pending?.attemptedAt).not.toBeNull();
      later(5_000);
      const done = await deliver(dmDeps(), lost);
      expect(done.dmSeq).toBe(done.seq);
      expect(messenger.posts).toHaveLength(1);
      expect(await store.outstandingDirectMessages(lost.id)).toEqual([]);
    });

    it('gives up one message Slack refuses for good, without holding the run up', async () => {
      messenger.failures.push({
        error: new NotifyError('Slack refused: user_disabled', 'user_disabled', false, undefined, true),
      });
      const run = await deliver(dmDeps(), await finishedRun());
      expect(run.dmSeq).toBe(run.seq);
      expect(run.notifyProblem).toBeNull();
      expect(messenger.posts).toHaveLength(0);
      expect(await store.outstandingDirectMessages(run.id)).toEqual([]);
    });

    describe('an upstream human step', () => {
      const step = { id: 'task-1', title: 'Manual task', decisions: ['approve' as const], fields: [] };
      const operation = {
        id: 'itential.start',
        system: 'itential',
        verb: 'start',
        title: 'Start a job',
        usage: '',
        fields: () => [],
        input: { parse: (v: unknown) => v } as never,
        describe: () => [],
        start: () => Promise.reject(new Error('not used')),
        steps: { operationId: 'itential.task', decide: async () => undefined },
      } satisfies Operation;
      const stepDeps = () => ({
        ...dmDeps(),
        registry: new Registry([
          {
            definition: { id: 'itential', name: 'Itential', operations: [], queries: [] },
            runtime: { operations: [operation], queries: [] },
          },
        ]),
        policy: new Policy([rule({ name: 'leads', operations: ['itential.task'], users: ['U0BOB'] })], {
          memberships: async () => [],
          members: async () => [],
        }),
      });

      it('asks who may decide it, and shows the decision even when it is recorded after the run moved on', async () => {
        const { run } = await store.createRun(
          newRun({
            state: 'starting',
            createdAt: now,
            leaseOwner: OWNER,
            leaseUntil: new Date(now.getTime() + 600_000),
          }),
        );
        const { run: waiting } = await store.appendTransition(
          run.id,
          createdLease(OWNER),
          { state: 'waiting' },
          { ...newTransition({ at: now, state: 'waiting' }), payload: { kind: 'human_step', step } },
        );
        const asked = await deliver(stepDeps(), waiting);
        expect(messenger.posts.map((p) => [p.message.key.userId, p.message.reason])).toEqual([
          ['U0ALICE', 'needs_you'],
          ['U0BOB', 'step_request'],
        ]);
        // The tracker sees the job finish before Bob's decision, which caused it, is recorded.
        const { run: done } = await store.appendTransition(
          run.id,
          createdLease(OWNER),
          { state: 'succeeded' },
          newTransition({ at: now, state: 'succeeded' }),
        );
        const movedOn = await deliver(stepDeps(), done);
        expect(messenger.updates.map((m) => m.closedBy?.state)).toEqual(['succeeded']);
        const { run: decided } = await store.appendTransition(
          run.id,
          createdLease(OWNER),
          {},
          {
            ...newTransition({ at: now, state: 'succeeded', kind: 'step_decided', actorId: 'U0BOB' }),
            payload: { kind: 'step_decision', stepId: 'task-1', title: 'Manual task', decision: 'approve' },
          },
        );
        const last = await deliver(stepDeps(), decided);
        expect(messenger.updates.map((m) => [m.key.userId, m.closedBy?.kind])).toEqual([
          ['U0BOB', 'state'],
          ['U0BOB', 'step_decided'],
        ]);
        expect([asked.dmSeq, movedOn.dmSeq, last.dmSeq]).toEqual([1, 2, 3]);
        expect(await store.outstandingDirectMessages(run.id)).toEqual([]);
      });
    });

    it('tells nobody who turned direct messages off, and nobody at all without a messenger', async () => {
      await store.setDirectMessages('U0ALICE', false, now);
      const quiet = await deliver(dmDeps(), await finishedRun());
      expect(quiet.dmSeq).toBe(quiet.seq);
      expect(messenger.posts).toHaveLength(0);
      await store.setDirectMessages('U0ALICE', true, now);
      const silent = await deliver(deps(), await finishedRun());
      expect(silent.dmSeq).toBe(silent.seq);
      expect(messenger.posts).toHaveLength(0);
    });
  });
});
