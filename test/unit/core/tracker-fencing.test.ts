import { AuditTrail } from '../../../src/core/audit/trail';
import { KeyedMutex } from '../../../src/core/kit/keyed-mutex';
import { silentLog } from '../../../src/core/kit/log';
import type { Observation, Operation } from '../../../src/core/operations/contract';
import { Policy } from '../../../src/core/policy/policy';
import { DEFAULT_ENGINE_SETTINGS, type EngineDeps } from '../../../src/core/runs/engine-deps';
import { Launcher } from '../../../src/core/runs/launcher';
import type { Notifier } from '../../../src/core/runs/notifier';
import type { TransitionRecord } from '../../../src/core/runs/run-store';
import { Tracker } from '../../../src/core/runs/tracker';
import type { Store } from '../../../src/core/store';
import { createdLease, newRun, newTransition } from '../../support/run-fixtures';
import { replicaPair, storeBackends, type StorePlace } from '../../support/stores';
import { demoOperation, demoRegistry } from '../../support/demo-operation';

const T0 = new Date('2026-12-07T10:00:00Z');
const SEEDER = 'seeder';
const settings = {
  ...DEFAULT_ENGINE_SETTINGS,
  leaseMs: 60_000,
  giveUpAfterMs: 1e10,
  watchFailedForMs: 1e10,
  watchFailedEveryMs: 300_000,
  // The poll budget paces on real time; make it roomy enough never to defer a poll here.
  pollBudget: { perSecond: 1_000, bySystem: {}, maxWaitMs: 60_000 },
};

/** An upstream whose polls are each answered only when the test says so, unless it answers every poll at once. */
class HeldUpstream {
  private readonly held: ((answer: Observation) => void)[] = [];
  private readonly arrivals: (() => void)[] = [];
  private standing?: Observation;
  polls = 0;

  operation(): Operation {
    return demoOperation({
      poll: () => {
        this.polls += 1;
        const standing = this.standing;
        const answer = standing
          ? Promise.resolve(standing)
          : new Promise<Observation>((resolve) => this.held.push(resolve));
        for (const arrived of this.arrivals.splice(0)) arrived();
        return answer;
      },
    });
  }

  /** Resolves once poll number `n` (from 1) has been asked. */
  async asked(n: number): Promise<void> {
    while (this.polls < n) await new Promise<void>((resolve) => this.arrivals.push(resolve));
  }

  /** Answers the held poll number `n` (from 1). */
  answer(n: number, observation: Observation): void {
    const resolve = this.held[n - 1];
    if (!resolve) throw new Error(`poll ${n} is not held`);
    resolve(observation);
  }

  /** From now on every poll is answered at once. */
  answerEveryPoll(observation: Observation): void {
    this.standing = observation;
  }
}

/** The run's thread: each reply as it was posted, and the parent. */
class Thread implements Notifier {
  readonly replies: Pick<TransitionRecord, 'seq' | 'state' | 'upstreamStatus'>[] = [];
  parents = 0;
  postParent = async () => {
    this.parents += 1;
    return '1700000000.000001';
  };
  postTransition = async (_view: unknown, { seq, state, upstreamStatus }: TransitionRecord) => {
    this.replies.push({ seq, state, upstreamStatus });
    return `1700000000.${String(seq + 1).padStart(6, '0')}`;
  };
  updateParent = async () => undefined;
}

const RUNNING: Observation = { state: 'running', upstreamStatus: 'running', progress: 0.5 };
const IN_ERROR: Observation = { state: 'failed', upstreamStatus: 'error', mayRecover: true };

/**
 * A tracker task of process A whose poll hangs past its lease. Process B takes the run over and records
 * its final state; the run comes due again (a failed run that may recover is watched) while A's task still
 * hangs. The stalled task's late answer, from before the failure, must record nothing and post nothing, and
 * A's tracker must not claim the run from under its own task (which would let that task write again under
 * A's name, and throw away the work of a task that is merely slow), but take it up once the task is done.
 */
describe.each(storeBackends())('a tracker task that outlived its lease, on $name', (backend) => {
  let place: StorePlace;
  let stores: { a: Store; b: Store };
  let now: Date;
  let upstream: HeldUpstream;
  let thread: Thread;

  beforeEach(async () => {
    const pair = await replicaPair(backend);
    place = pair.place;
    stores = { a: pair.a, b: pair.b };
    now = T0;
    upstream = new HeldUpstream();
    thread = new Thread();
  });
  afterEach(() => place.dispose());

  function tracker(owner: string, store: Store): Tracker {
    const clock = { now: () => now };
    const deps: EngineDeps = {
      store,
      audit: new AuditTrail({ store, access: { isAdmin: () => false }, clock, log: silentLog }),
      registry: demoRegistry(upstream.operation()),
      notifier: thread,
      policy: new Policy([], { memberships: async () => [], members: async () => [] }),
      clock,
      log: silentLog,
      owner,
      mutex: new KeyedMutex(),
      settings,
    };
    return new Tracker(deps, new Launcher(deps));
  }

  async function runningRun(store: Store): Promise<string> {
    const { run } = await store.createRun(
      newRun({
        operationId: 'demo.run',
        system: 'demo',
        state: 'starting',
        createdAt: T0,
        leaseOwner: SEEDER,
        leaseUntil: new Date(T0.getTime() + 60_000),
      }),
    );
    await store.appendTransition(
      run.id,
      createdLease(SEEDER),
      { state: 'running', upstreamId: 'job-1', upstreamStatus: 'running', startedAt: T0 },
      newTransition({ kind: 'started', at: T0 }),
    );
    await store.release(run.id, createdLease(SEEDER), { nextPollAt: T0 });
    return run.id;
  }

  it('records and posts nothing from its late answer', async () => {
    const id = await runningRun(stores.a);
    const a = tracker('tracker-a', stores.a);
    const b = tracker('tracker-b', stores.b);

    expect(await a.tick()).toBe(1);
    await upstream.asked(1);

    now = new Date(now.getTime() + settings.leaseMs + 1);
    expect(await b.tick()).toBe(1);
    await upstream.asked(2);
    upstream.answer(2, IN_ERROR);
    await b.stop();
    expect(await stores.b.getRun(id)).toMatchObject({ state: 'failed', seq: 2, leaseOwner: null });

    // The failed run is due again (it may recover), but A's tracker leaves it to the task still on it.
    now = new Date(now.getTime() + settings.watchFailedEveryMs);
    expect(await a.tick()).toBe(0);
    upstream.answerEveryPoll(IN_ERROR);
    upstream.answer(1, RUNNING);
    await a.stop();
    expect(await a.tick()).toBe(1);
    await a.stop();

    expect(thread.parents).toBe(1);
    expect(thread.replies).toEqual([
      { seq: 1, state: 'running', upstreamStatus: 'running' },
      { seq: 2, state: 'failed', upstreamStatus: 'error' },
    ]);
    const run = await stores.a.getRun(id);
    expect(run).toMatchObject({ state: 'failed', upstreamStatus: 'error', seq: 2, notifiedSeq: 2 });
    expect(run?.progress).not.toBe(0.5);
    expect(upstream.polls).toBe(3);
  });
});
