import { AuditTrail } from '../../../src/core/audit/trail';
import { KeyedMutex } from '../../../src/core/kit/keyed-mutex';
import { silentLog } from '../../../src/core/kit/log';
import type { HumanStep, Operation, StepDecisionRequest } from '../../../src/core/operations/contract';
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
import { UpstreamError } from '../../../src/core/errors';
import { demoOperation, demoRegistry } from '../../support/demo-operation';

const CHANNEL = 'C0OPS';

/** An upstream that records each decision it is sent, or refuses the next ones. */
class Upstream {
  readonly decisions: StepDecisionRequest[] = [];
  /** Who held the run, and until when, while each decision was being sent. */
  readonly heldBy: { owner: string | null; until: Date | null }[] = [];
  refuse = 0;
  /** The next decision outlasts the run's lease: another process takes the run over and lets it go. */
  outlast = false;
  store?: Store;

  operation(): Operation {
    return demoOperation({
      steps: {
        operationId: 'demo.approve',
        checkForm: (values) => (values.ticket === 'bad' ? { ticket: 'Not a ticket' } : undefined),
        decide: async (_ref, request) => {
          const held = await this.store?.getRun(request.runId);
          this.heldBy.push({ owner: held?.leaseOwner ?? null, until: held?.leaseUntil ?? null });
          if (this.outlast) {
            this.outlast = false;
            if (held) await this.store?.release(request.runId, { owner: 'test', token: held.leaseToken }, {});
            const taken = await this.store?.claim(request.runId, 'other', new Date(0), new Date(1));
            if (taken)
              await this.store?.release(request.runId, { owner: 'other', token: taken.leaseToken }, {});
          }
          if (this.refuse > 0) {
            this.refuse -= 1;
            throw new UpstreamError({
              system: 'demo',
              action: 'approve the step',
              kind: 'http',
              message: 'the key is not an approver',
              httpStatus: 400,
              upstreamCode: 'INVALID_REQUEST',
              hint: 'Approve upstream.',
              retryable: false,
            });
          }
          this.decisions.push(request);
        },
      },
    });
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
    upstream.store = store;
    thread = new Thread();
    const registry = demoRegistry(upstream.operation());
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

  const ticketStep: HumanStep = {
    id: 'step-1',
    title: 'an approval in stage Approve',
    decisions: ['approve', 'reject'],
    fields: [{ id: 'ticket', kind: 'text', label: 'Ticket', initial: 'CHG-1' }],
  };

  /** The run's thread reply offering `steps`; its seq is what the buttons carry. */
  async function offer(run: RunRecord, ...steps: HumanStep[]): Promise<number> {
    const [step, ...others] = steps;
    if (!step) throw new Error('offer at least one step');
    const claimed = await store.claim(run.id, 'test', now, new Date(now.getTime() + 60_000));
    if (!claimed) throw new Error('the run is free to claim');
    const lease = { owner: 'test', token: claimed.leaseToken };
    const { transition } = await store.appendTransition(
      run.id,
      lease,
      {},
      newTransition({ state: 'waiting', at: now, payload: { kind: 'human_step', step, others } }),
    );
    await store.release(run.id, lease, {});
    return transition.seq;
  }

  const open = (run: RunRecord, seq: number, user: string, stepId = 'step-1') =>
    steps.form({ runId: run.id, stepId, actor: { id: user }, channelId: CHANNEL, seq });

  it('opens the form of a step with fields as its reply offered it; a step without any is decided at once', async () => {
    const run = await waitingRun();
    const seq = await offer(run, ticketStep, { ...ticketStep, id: 'step-2', fields: [] });
    expect(await open(run, seq, 'U0BOB')).toEqual({ kind: 'form', step: ticketStep, systemName: 'Demo' });
    expect(await open(run, seq, 'U0BOB', 'step-2')).toEqual({ kind: 'no_form' });
    expect(await open(run, seq + 1, 'U0BOB')).toEqual({ kind: 'no_form' });
  });

  it('opens no form for whom the policy refuses, nor for a step decided already', async () => {
    const run = await waitingRun();
    const seq = await offer(run, ticketStep);
    expect(await open(run, seq, 'U0ALICE')).toMatchObject({ kind: 'denied', operationId: 'demo.approve' });
    await click(run, 'U0CAROL', 'reject');
    expect(await open(run, seq, 'U0BOB')).toMatchObject({
      kind: 'already_decided',
      holder: { actorId: 'U0CAROL', decision: 'reject' },
    });
    const audit = await store.listAudit({ actorId: 'U0ALICE', limit: 5 });
    expect(audit.map((r) => `${r.action}:${r.outcome}`)).toEqual(['step.approve:denied']);
  });

  it("checks a submitted form as the step's system reads it", async () => {
    const run = await waitingRun();
    expect(await steps.checkForm(run.id, { ticket: 'bad' })).toEqual({
      ok: false,
      errors: { ticket: 'Not a ticket' },
    });
    expect(await steps.checkForm(run.id, { ticket: 'CHG-2' })).toEqual({ ok: true });
  });

  it('sends what was typed with an approval, never with a rejection', async () => {
    for (const decision of ['approve', 'reject'] as const) {
      const run = await waitingRun();
      await steps.decide({
        runId: run.id,
        stepId: 'step-1',
        decision,
        actor: { id: 'U0BOB' },
        channelId: CHANNEL,
        values: { ticket: 'CHG-2' },
      });
    }
    expect(upstream.decisions.map((d) => d.values)).toEqual([{ ticket: 'CHG-2' }, undefined]);
  });

  it('holds the run for the decision lease while the decision is sent, and lets it go due at once after', async () => {
    const run = await waitingRun();
    await click(run, 'U0BOB');
    expect(upstream.heldBy).toEqual([
      { owner: 'test', until: new Date(now.getTime() + DEFAULT_ENGINE_SETTINGS.decisionLeaseMs) },
    ]);
    const after = await store.getRun(run.id);
    expect(after).toMatchObject({ leaseOwner: null, nextPollAt: now });
  });

  it('a decision that outlasted its hold on the run still gets its line, once the run is free again', async () => {
    const run = await waitingRun();
    upstream.outlast = true;
    expect((await click(run, 'U0BOB')).kind).toBe('decided');
    expect(upstream.decisions).toHaveLength(1);
    expect(thread.replies.filter((t) => t.kind === 'step_decided')).toEqual([
      expect.objectContaining({ actorId: 'U0BOB', problem: null }),
    ]);
    expect(await store.getRun(run.id)).toMatchObject({ leaseOwner: null, nextPollAt: now });
  });
});
