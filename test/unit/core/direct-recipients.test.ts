import { movesRequest, opensRequest, requesterReason } from '../../../src/core/direct/recipients';
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
});
