import {
  closesSteps,
  movesRequest,
  opensRequest,
  requesterReason,
  stepCloser,
} from '../../../src/core/direct/recipients';
import type { RunState } from '../../../src/core/runs/lifecycle';
import type { TransitionKind } from '../../../src/core/runs/run-store';
import { runRecord, transitionRecord } from '../../support/run-fixtures';

const at = new Date('2026-11-24T10:00:00Z');
const run = runRecord({ createdAt: at, requesterId: 'U0001' });
const t = (kind: TransitionKind, state: RunState, actorId: string | null = null) =>
  transitionRecord({ runId: run.id, seq: 1, at, kind, state, actorId });

describe('who is told directly', () => {
  it('tells the requester when their run ends or waits for a person, and not about progress', () => {
    for (const state of ['succeeded', 'failed', 'timed_out'] as const)
      expect(requesterReason(run, t('state', state))).toBe('finished');
    expect(requesterReason(run, t('state', 'waiting'))).toBe('needs_you');
    for (const state of ['queued', 'running', 'paused', 'starting'] as const)
      expect(requesterReason(run, t('state', state))).toBeUndefined();
    expect(requesterReason(run, t('started', 'running'))).toBeUndefined();
    expect(requesterReason(run, t('contact_lost', 'running'))).toBeUndefined();
  });

  it('tells the requester about a cancel or a rejection by someone else or by the clock, not by themselves', () => {
    expect(requesterReason(run, t('state', 'canceled', 'U0002'))).toBe('finished');
    expect(requesterReason(run, t('state', 'rejected', 'U0002'))).toBe('finished');
    expect(requesterReason(run, t('state', 'rejected'))).toBe('finished');
    expect(requesterReason(run, t('state', 'canceled', 'U0001'))).toBeUndefined();
    expect(requesterReason(run, t('state', 'rejected', 'U0001'))).toBeUndefined();
  });

  it('asks approvers when a request opens and edits their messages as it moves', () => {
    expect(opensRequest(t('approval_requested', 'awaiting_approval'))).toBe(true);
    expect(opensRequest(t('approved', 'starting'))).toBe(false);
    expect(movesRequest(t('approved', 'awaiting_approval', 'U0002'))).toBe(true);
    expect(movesRequest(t('approved', 'starting', 'U0002'))).toBe(true);
    expect(movesRequest(t('state', 'rejected', 'U0001'))).toBe(true);
    expect(movesRequest(t('state', 'succeeded'))).toBe(false);
  });

  it('knows which transitions end the wait on the steps offered before them', () => {
    const step = { id: 'task-1', title: 'Manual task', decisions: ['approve' as const], fields: [] };
    const waiting = { ...t('state', 'waiting'), payload: { kind: 'human_step' as const, step } };
    const decided = (problem: null | { title: string; message: string }) => ({
      ...t('step_decided', 'waiting', 'U0002'),
      problem,
      payload: {
        kind: 'step_decision' as const,
        stepId: 'task-1',
        title: 'Manual task',
        decision: 'approve' as const,
      },
    });
    expect(closesSteps(decided(null))).toBe(true);
    // The upstream refused the decision: the step still waits.
    expect(closesSteps(decided({ title: 'refused', message: 'no' }))).toBe(false);
    expect(closesSteps(t('state', 'running'))).toBe(true);
    expect(closesSteps(waiting)).toBe(true);
    expect(closesSteps(t('contact_lost', 'waiting'))).toBe(false);
    expect(closesSteps(t('cancel_requested', 'waiting', 'U0001'))).toBe(false);
    expect(closesSteps(t('rerun', 'failed', 'U0001'))).toBe(true);
  });

  it('shows a step closed by the decision on it from Flightdeck, even one recorded after the run moved on', () => {
    const step = { id: 'task-1', title: 'Manual task', decisions: ['approve' as const], fields: [] };
    const at2 = (seq: number, fields: Partial<ReturnType<typeof t>>) => ({
      ...t('state', 'running'),
      seq,
      ...fields,
    });
    const opened = at2(2, { state: 'waiting', payload: { kind: 'human_step', step } });
    const movedOn = at2(3, { state: 'succeeded' });
    const decision = (stepId: string) =>
      at2(4, {
        kind: 'step_decided',
        state: 'succeeded',
        actorId: 'U0002',
        payload: { kind: 'step_decision', stepId, title: 'Manual task', decision: 'approve' },
      });
    const all = (...ts: ReturnType<typeof t>[]) => new Map(ts.map((x) => [x.seq, x] as const));
    expect(stepCloser(opened, all(opened, movedOn), 3)).toBe(movedOn);
    expect(stepCloser(opened, all(opened, movedOn, decision('task-1')), 4)?.kind).toBe('step_decided');
    // A decision on another step, or beyond what the message is to show, is not this one's.
    expect(stepCloser(opened, all(opened, movedOn, decision('task-2')), 4)).toBe(movedOn);
    expect(stepCloser(opened, all(opened, movedOn, decision('task-1')), 3)).toBe(movedOn);
  });
});
