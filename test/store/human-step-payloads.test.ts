import type { HumanStep } from '../../src/core/operations/contract';
import type { TransitionPayload } from '../../src/core/approvals/transition-payload';
import type { RunRecord } from '../../src/core/runs/run-store';
import { transitionReply } from '../../src/slack/ui/run-message';
import { parseStepButton } from '../../src/slack/ui/human-step';
import { blocksText } from '../support/flightdeck-harness';
import { newRun, newTransition } from '../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../support/stores';

const t0 = new Date('2026-12-07T10:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

const withForm: HumanStep = {
  id: 'appr-2',
  title: 'Harness approval 2 of 2',
  decisions: ['approve', 'reject'],
  fields: [{ id: 'in.s.ticket', kind: 'text', label: 'ticket', optional: true, initial: 'CHG-1' }],
};

/** Human-step payloads through the Store port, on both databases: today's, and those stored before forms. */
describe.each(storeBackends())('human step payloads on $name', (backend) => {
  let db: StoreFixture;
  beforeAll(async () => {
    db = await backend.open();
  });
  beforeEach(() => db.reset());
  afterAll(() => db.dispose());

  async function waitingWith(payload: unknown): Promise<RunRecord> {
    const { run } = await db.store.createRun(
      newRun({
        operationId: 'iacm.run',
        system: 'iacm',
        state: 'running',
        createdAt: t0,
        leaseOwner: 'p1',
        leaseUntil: at(60),
      }),
    );
    const { run: waiting } = await db.store.appendTransition(
      run.id,
      { owner: 'p1', token: run.leaseToken },
      { state: 'waiting', waitingFor: 'an approval in stage Approve' },
      newTransition({ state: 'waiting', at: at(1), payload: payload as TransitionPayload }),
    );
    return waiting;
  }

  const view = (run: RunRecord) => ({
    run,
    operation: { id: 'iacm.run', system: 'iacm', verb: 'run', title: 'Run module tests', usage: '' },
    systemName: 'Harness IaCM',
    cancellable: true,
    revertible: false,
    finishedActions: [],
  });

  it('a step stored before steps had forms (`form: boolean`) still parses and renders, offered without a form', async () => {
    const run = await waitingWith({
      kind: 'human_step',
      step: { id: 'appr-1', title: 'Harness approval', decisions: ['approve', 'reject'], form: true },
    });
    const stored = await db.store.getTransition(run.id, run.seq);
    if (!stored) throw new Error('the transition was not stored');
    expect(stored.payload).toEqual({
      kind: 'human_step',
      step: { id: 'appr-1', title: 'Harness approval', decisions: ['approve', 'reject'], fields: [] },
    });
    const reply = transitionReply(view(run), stored);
    const actions = reply.blocks?.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string; text: { text: string } }[];
    };
    expect(actions.elements.map((e) => [e.action_id, e.text.text])).toEqual([
      ['fd.step.approve', 'Approve'],
      ['fd.step.reject', 'Reject'],
    ]);
    expect(parseStepButton(actions.elements[0]?.value)).toEqual({
      run: run.id,
      step: 'appr-1',
      seq: run.seq,
    });
    expect(blocksText(reply)).toContain('Harness approval');
  });

  it('several steps, their fields and how many more wait come back as they were stored', async () => {
    const payload: TransitionPayload = {
      kind: 'human_step',
      step: { ...withForm, id: 'appr-1', title: 'Harness approval 1 of 7', fields: [] },
      others: [withForm],
      more: 5,
    };
    const run = await waitingWith(payload);
    expect((await db.store.getTransition(run.id, run.seq))?.payload).toEqual(payload);
    expect(await db.store.getTransition(run.id, run.seq + 1)).toBeUndefined();
  });

  it('reads who claimed a step, and nothing for a step nobody decided', async () => {
    const run = await waitingWith(null);
    expect(await db.store.stepClaim(run.id, 'appr-1')).toBeUndefined();
    const claim = {
      runId: run.id,
      stepId: 'appr-1',
      actorId: 'U0BOB',
      decision: 'reject' as const,
      at: at(2),
    };
    await db.store.claimStep(claim);
    expect(await db.store.stepClaim(run.id, 'appr-1')).toEqual(claim);
  });
});
