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

/** The most steps a transition offers at once; the thread names how many more wait and links the upstream. */
export const MAX_OFFERED_STEPS = 5;

/** What a transition recording this observation carries: the human steps it waits for, if any. */
export function stepPayload(observation: Observation): TransitionPayload | null {
  const [step, ...others] = observation.steps ?? [];
  if (!step) return null;
  const offered = others.slice(0, MAX_OFFERED_STEPS - 1);
  const more = others.length - offered.length;
  return {
    kind: 'human_step',
    step,
    ...(offered.length > 0 ? { others: offered } : {}),
    ...(more > 0 ? { more } : {}),
  };
}
