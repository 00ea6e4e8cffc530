import { AuditTrail } from '../../../src/core/audit/trail';
import { KeyedMutex } from '../../../src/core/kit/keyed-mutex';
import { silentLog } from '../../../src/core/kit/log';
import type { Operation, StepDecisionRequest } from '../../../src/core/operations/contract';
import { UpstreamError } from '../../../src/core/operations/problem';
import { Registry } from '../../../src/core/operations/registry';
import { Policy } from '../../../src/core/policy/policy';
import { rule } from '../../support/policy-rules';
import { DEFAULT_ENGINE_SETTINGS, type EngineDeps } from '../../../src/core/runs/engine-deps';
import { HumanSteps } from '../../../src/core/runs/human-steps';
import { leaseOf } from '../../../src/core/runs/lease';
import type { Notifier } from '../../../src/core/runs/notifier';
import type { RunRecord, TransitionRecord } from '../../../src/core/runs/run-store';
import type { Store } from '../../../src/core/store';
import { createdLease, newRun, newTransition } from '../../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../../support/stores';

const CHANNEL = 'C0OPS';

/** An upstream that records each decision it is sent, or refuses the next ones. */
class Upstream {
  readonly decisions: StepDecisionRequest[] = [];
  refuse = 0;

  operation(): Operation {
    return {
      id: 'demo.run',
      system: 'demo',
      verb: 'run',
      title: 'Run a demo',
      usage: '',
      fields: () => [],
      input: { parse: (v: unknown) => v } as never,
      describe: () => [],
      start: () => Promise.reject(new Error('not used')),
      steps: {
        operationId: 'demo.approve',
        decide: async (_ref, request) => {
          if (this.refuse > 0) {
            this.refuse -= 1;
            throw new UpstreamError({
              system: 'demo',
              action: 'approve the step',
              kind: 'http',
              message: 'the key is not an approver',
              httpStatus: 400,
              code: 'INVALID_REQUEST',
              hint: 'Approve upstream.',
              retryable: false,
            });
          }
          this.decisions.push(request);
        },
      },
    };
  }
}

class Thread implements Notifier {
  readonly replies: TransitionRecord[] = [];
  postParent = async () => '1.0';
  postTransition = async (_view: unknown, transition: TransitionRecord) => {
    this.replies.push(transition);
    return `1.${transition.seq}`;
  };
  updateParent = async () => undefined;
}

describe.each(storeBackends())('HumanSteps on $name', (backend) => {
  let db: StoreFixture;
  let store: Store;
  let upstream: Upstream;
  let thread: Thread;
  let steps: HumanSteps;
  const now = new Date('2026-12-07T10:00:00Z');

  beforeAll(async () => {
    db = await backend.open();
    store = db.store;
  });
  afterAll(() => db.dispose());
  beforeEach(async () => {
    await db.reset();
    upstream = new Upstream();
    thread = new Thread();
    const registry = new Registry([
      {
        definition: { id: 'demo', name: 'Demo', operations: [], queries: [] },
        runtime: { operations: [upstream.operation()], queries: [] },
      },
    ]);
    const policy = new Policy(
      [
        rule({ name: 'alice-runs', operations: ['demo.run'], users: ['U0ALICE'] }),
        rule({ name: 'bob-approves', operations: ['demo.approve'], users: ['U0BOB', 'U0CAROL'] }),
      ],
      {
        memberships: async () => [],
        members: async () => [],
      },
    );
    const deps: EngineDeps = {
      store,
      audit: new AuditTrail({
        store,
        access: { isAdmin: () => false },
        clock: { now: () => now },
        log: silentLog,
      }),
      registry,
      notifier: thread,
      policy,
      clock: { now: () => now },
      log: silentLog,
      owner: 'test',
      mutex: new KeyedMutex(),
      settings: {
        ...DEFAULT_ENGINE_SETTINGS,
        giveUpAfterMs: 1e9,
        watchFailedForMs: 1e9,
        watchFailedEveryMs: 1e6,
      },
    };
    steps = new HumanSteps(deps);
  });

  async function waitingRun(): Promise<RunRecord> {
    const { run } = await store.createRun(
      newRun({
        operationId: 'demo.run',
        system: 'demo',
        state: 'starting',
        createdAt: now,
        leaseOwner: 'test',
        leaseUntil: new Date(now.getTime() + 60_000),
      }),
    );
    await store.updateRun(run.id, createdLease('test'), { upstreamId: 'up-1', parentTs: null });
    await store.appendTransition(
      run.id,
      createdLease('test'),
      { state: 'waiting', waitingFor: 'an approval in stage Approve' },
      newTransition({ state: 'waiting', at: now }),
    );
    await store.release(run.id, createdLease('test'), {});
    return (await store.getRun(run.id)) as RunRecord;
  }

  const click = (run: RunRecord, user: string, decision: 'approve' | 'reject' = 'approve') =>
    steps.decide({ runId: run.id, stepId: 'step-1', decision, actor: { id: user }, channelId: CHANNEL });

  it('sends an allowed decision upstream once, and records who decided in the thread and the audit trail', async () => {
    const run = await waitingRun();
    const result = await click(run, 'U0BOB');
    expect(result.kind).toBe('decided');
    expect(upstream.decisions).toEqual([
      { stepId: 'step-1', decision: 'approve', actor: { id: 'U0BOB' }, runId: run.id },
    ]);
    const decided = thread.replies.find((t) => t.kind === 'step_decided');
    expect(decided).toMatchObject({ actorId: 'U0BOB', problem: null });
    expect(decided?.payload).toEqual({
      kind: 'step_decision',
      stepId: 'step-1',
      title: 'an approval in stage Approve',
      decision: 'approve',
    });
    const audit = await store.listAudit({ actorId: 'U0BOB', limit: 5 });
    expect(audit.map((r) => `${r.action}:${r.outcome}`)).toEqual(['step.approve:approved']);
  });

  it('refuses whom the policy does not allow, and sends nothing', async () => {
    const run = await waitingRun();
    const result = await click(run, 'U0ALICE');
    expect(result).toMatchObject({ kind: 'denied', operationId: 'demo.approve' });
    expect(upstream.decisions).toEqual([]);
    expect(thread.replies.filter((t) => t.kind === 'step_decided')).toEqual([]);
  });

  it('lets the first click win: later ones hear who decided', async () => {
    const run = await waitingRun();
    const results = await Promise.all([
      click(run, 'U0BOB'),
      click(run, 'U0CAROL', 'reject'),
      click(run, 'U0BOB'),
    ]);
    expect(results.filter((r) => r.kind === 'decided')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'already_decided')).toHaveLength(2);
    expect(upstream.decisions).toHaveLength(1);
  });

  it('puts an upstream refusal in the thread and frees the step for another try', async () => {
    const run = await waitingRun();
    upstream.refuse = 1;
    const refused = await click(run, 'U0BOB');
    expect(refused).toMatchObject({ kind: 'refused_upstream', problem: { code: 'INVALID_REQUEST' } });
    expect(thread.replies.find((t) => t.kind === 'step_decided')?.problem?.message).toBe(
      'the key is not an approver',
    );
    expect((await click(run, 'U0CAROL')).kind).toBe('decided');
    expect(upstream.decisions.map((d) => d.actor.id)).toEqual(['U0CAROL']);
  });

  it('a run that no longer waits is not decided', async () => {
    const run = await waitingRun();
    const claimed = (await store.claim(run.id, 'test', now, new Date(now.getTime() + 60_000))) as RunRecord;
    await store.appendTransition(
      run.id,
      leaseOf({ owner: 'test' }, claimed),
      { state: 'running', waitingFor: null },
      newTransition({ state: 'running', at: now }),
    );
    await store.release(run.id, leaseOf({ owner: 'test' }, claimed), {});
    expect((await click(run, 'U0BOB')).kind).toBe('not_waiting');
    expect(upstream.decisions).toEqual([]);
  });
});
