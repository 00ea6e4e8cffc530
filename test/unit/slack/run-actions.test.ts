import { z } from 'zod';
import type { Operation } from '../../../src/core/operations/contract';
import { Registry } from '../../../src/core/operations/registry';
import type { RunView } from '../../../src/core/runs/notifier';
import { finishedRunActions } from '../../../src/core/runs/run-actions';
import type { RunRecord } from '../../../src/core/runs/run-store';
import {
  finishedActionButtons,
  followUpLine,
  readRetryValue,
  rerunNotice,
  rerunOfNote,
  retryValue,
} from '../../../src/slack/ui/run-actions';
import { parentMessage, transitionReply } from '../../../src/slack/ui/run-message';
import { retriedFailureReply } from '../../../src/slack/ui/retried-reply';
import { staleFailure } from '../../../src/core/runs/retry';
import { validateBlocks } from '../../support/block-kit';
import { blocksText } from '../../support/flightdeck-harness';
import { runRecord, transitionRecord } from '../../support/run-fixtures';

const at = new Date('2026-12-07T10:00:00Z');
const RUN_ID = '3b1d6a52-0000-4000-8000-000000000001';
const STEP = { id: 'c3d4', label: 'task Push config (pushConfig)' };

function view(run: Partial<RunRecord>, finishedActions: RunView['finishedActions']): RunView {
  return {
    run: runRecord({ id: RUN_ID, createdAt: at, state: 'failed', finishedAt: at, ...run }),
    operation: { id: 'itential.start', system: 'itential', verb: 'start', title: 'Start a job', usage: '' },
    systemName: 'Itential',
    cancellable: true,
    revertible: false,
    finishedActions,
  };
}

describe('finished-run action buttons', () => {
  it('renders Retry (with its step, confirmed) and Re-run as the core lists them', () => {
    const buttons = finishedActionButtons(view({}, [{ kind: 'retry', step: STEP }, { kind: 'rerun' }]));
    expect(buttons.map((b) => [b.action_id, b.text.text, b.value])).toEqual([
      ['fd.run.retry', 'Retry task Push config (pushConfig)', `${RUN_ID}:c3d4`],
      ['fd.run.rerun', 'Re-run', RUN_ID],
    ]);
    expect(buttons[0]?.confirm?.text.text).toContain('Itential will run task Push config (pushConfig) again');
    expect(buttons[1]?.confirm).toBeUndefined();
  });

  it('puts them on the parent, after the upstream link, and names the run a re-run re-runs', () => {
    const message = parentMessage(view({ rerunOf: 'r-earlier' }, [{ kind: 'rerun' }]), at);
    expect(validateBlocks(message.blocks, 'message')).toBeUndefined();
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('fd.run.rerun');
    expect(json).toContain(':repeat: Re-run of run `r-earlier`');
  });

  it('puts them on the final reply only', () => {
    const v = view({ seq: 3 }, [{ kind: 'rerun' }]);
    const final = transitionReply(
      v,
      transitionRecord({ runId: RUN_ID, seq: 3, kind: 'state', state: 'failed', at }),
    );
    const progress = transitionReply(
      v,
      transitionRecord({ runId: RUN_ID, seq: 2, kind: 'state', state: 'running', at }),
    );
    expect(validateBlocks(final.blocks, 'message')).toBeUndefined();
    expect(JSON.stringify(final.blocks)).toContain('fd.run.rerun');
    expect(JSON.stringify(progress.blocks)).not.toContain('fd.run.rerun');
  });

  it('reads a Retry value back, and nothing from a malformed one', () => {
    expect(readRetryValue(retryValue(RUN_ID, 'c3d4'))).toEqual({ runId: RUN_ID, stepId: 'c3d4' });
    for (const bad of [undefined, '', 'no-colon', ':c3d4', `${RUN_ID}:`])
      expect(readRetryValue(bad)).toBeUndefined();
  });

  it('words the links and retries, escaping what people or upstreams wrote', () => {
    const v = view({}, []);
    const link = transitionRecord({
      runId: RUN_ID,
      seq: 4,
      kind: 'rerun',
      state: 'failed',
      at,
      detail: 'r-new',
      actorId: 'U0BOB',
    });
    expect(followUpLine(v, link)).toBe(':repeat: Re-run as run `r-new` by <@U0BOB>');
    const retried = transitionRecord({
      runId: RUN_ID,
      seq: 5,
      kind: 'retried',
      state: 'running',
      at,
      detail: 'task <!channel>',
      actorId: 'U0BOB',
    });
    expect(followUpLine(v, retried)).toBe(
      ':leftwards_arrow_with_hook: <@U0BOB> had Itential retry task &lt;!channel&gt;; Flightdeck follows the job again.',
    );
    expect(rerunOfNote({ rerunOf: null })).toBeUndefined();
    expect(rerunNotice('r1', true)).toContain('Secret values were left blank');
    expect(rerunNotice('r1', false)).not.toContain('Secret');
  });
});

describe('finishedRunActions', () => {
  const base: Operation = {
    id: 'x.start',
    system: 'x',
    verb: 'start',
    title: 'Start',
    usage: '',
    input: z.unknown(),
    fields: () => [],
    describe: () => [],
    start: async () => ({ upstreamId: 'u', observation: { state: 'running', upstreamStatus: 'running' } }),
  };
  const registryWith = (op: Operation) =>
    new Registry([
      {
        definition: { id: 'x', name: 'X', operations: [op], queries: [] },
        runtime: { operations: [op], queries: [] },
      },
    ]);
  const run = (fields: Partial<RunRecord>) =>
    runRecord({ createdAt: at, operationId: 'x.start', system: 'x', input: { device: 'rtr-01' }, ...fields });

  it('offers nothing while a run is under way, and Re-run once it has finished', () => {
    const registry = registryWith(base);
    expect(finishedRunActions(registry, run({ state: 'running' }))).toEqual([]);
    expect(finishedRunActions(registry, run({ state: 'succeeded' }))).toEqual([{ kind: 'rerun' }]);
    expect(finishedRunActions(registry, run({ state: 'rejected' }))).toEqual([{ kind: 'rerun' }]);
  });

  it('offers Retry only while a failed run may recover, has a step, and its operation can retry', () => {
    const retrying = registryWith({
      ...base,
      retryStep: async () => ({ state: 'running', upstreamStatus: 'running' }),
    });
    const failed = run({ state: 'failed', mayRecover: true, retryStep: STEP });
    expect(finishedRunActions(retrying, failed)).toEqual([{ kind: 'retry', step: STEP }, { kind: 'rerun' }]);
    expect(finishedRunActions(retrying, { ...failed, mayRecover: false })).toEqual([{ kind: 'rerun' }]);
    expect(finishedRunActions(retrying, { ...failed, retryStep: null })).toEqual([{ kind: 'rerun' }]);
    expect(finishedRunActions(registryWith(base), failed)).toEqual([{ kind: 'rerun' }]);
  });

  it('offers no Re-run for an input that cannot go back into the form, or an unconfigured system', () => {
    expect(
      finishedRunActions(registryWith(base), run({ state: 'succeeded', input: { nested: { a: 1 } } })),
    ).toEqual([]);
    expect(finishedRunActions(new Registry([]), run({ state: 'succeeded' }))).toEqual([]);
  });
});

describe('a failure reply whose Retry was used', () => {
  const t = (
    seq: number,
    kind: 'state' | 'retried' | 'started',
    state: 'failed' | 'running',
    posted = true,
  ) =>
    transitionRecord({
      runId: RUN_ID,
      seq,
      at,
      kind,
      state,
      actorId: kind === 'retried' ? 'U0BOB' : null,
      detail: kind === 'retried' ? STEP.label : null,
      notifiedTs: posted ? `1700000000.00000${seq}` : null,
    });

  it('is the last posted failure before the last retry', () => {
    expect(staleFailure([t(1, 'started', 'running'), t(2, 'state', 'failed')])).toBeUndefined();
    const first = [t(1, 'started', 'running'), t(2, 'state', 'failed'), t(3, 'retried', 'running')];
    expect(staleFailure(first)).toEqual({ failure: first[1], retried: first[2] });
    // Failed again at 4 and offering a new Retry there: the stale one is still the reply at 2.
    const again = [...first, t(4, 'state', 'failed')];
    expect(staleFailure(again)?.failure.seq).toBe(2);
    const twice = [...again, t(5, 'retried', 'running')];
    expect(staleFailure(twice)).toEqual({ failure: twice[3], retried: twice[4] });
    expect(staleFailure([t(1, 'state', 'failed', false), t(2, 'retried', 'running')])).toBeUndefined();
  });

  it('loses its Retry button, keeps what else the run offers, and says who retried', () => {
    const failedAgain = view({ mayRecover: true, retryStep: STEP }, [
      { kind: 'retry', step: STEP },
      { kind: 'rerun' },
    ]);
    const content = retriedFailureReply(failedAgain, t(2, 'state', 'failed'), t(3, 'retried', 'running'));
    expect(validateBlocks(content.blocks, 'message')).toBeUndefined();
    const json = JSON.stringify(content.blocks);
    expect(json).not.toContain('fd.run.retry');
    expect(json).toContain('fd.run.rerun');
    expect(blocksText(content)).toContain('<@U0BOB> had Itential retry task Push config (pushConfig)');
  });
});
