import type { RunPatch, RunRecord } from '../runs/run-store';
import type { Observation } from './contract';
import { isFinal } from '../runs/lifecycle';
import type { TransitionPayload } from '../approvals/transition-payload';

/** The run fields an observation sets. */
export function observationPatch(observation: Observation, now: Date): RunPatch {
  const final = isFinal(observation.state);
  return {
    state: observation.state,
    upstreamStatus: observation.upstreamStatus,
    detail: observation.detail ?? null,
    progress: observation.progress ?? null,
    waitingFor: observation.waitingFor ?? null,
    problem: observation.problem ?? null,
    mayRecover: final && observation.mayRecover === true,
    retryStep: (final && observation.mayRecover === true && observation.retryStep) || null,
    finishedAt: final ? now : null,
    ...(observation.url ? { upstreamUrl: observation.url } : {}),
  };
}

/** A change people should hear about in the thread (progress alone only edits the status line). */
export function isNewState(run: RunRecord, observation: Observation): boolean {
  return (
    run.state !== observation.state ||
    run.upstreamStatus !== observation.upstreamStatus ||
    (run.detail ?? null) !== (observation.detail ?? null) ||
    (run.waitingFor ?? null) !== (observation.waitingFor ?? null)
  );
}

/** What a transition recording this observation carries: the human step it waits for, if any. */
export function stepPayload(observation: Observation): TransitionPayload | null {
  return observation.step ? { kind: 'human_step', step: observation.step } : null;
}
