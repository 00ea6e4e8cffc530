/**
 * The run lifecycle. A run is one launch of one operation; its state only moves forward,
 * except that a failed run whose upstream may still recover (an Itential job parked on a failed
 * task) is watched and can return to running. A run that needs approval waits in
 * `awaiting_approval` and moves once, to `starting` (approved) or `rejected` (rejected, expired).
 */
export const RUN_STATES = [
  'awaiting_approval',
  'starting',
  'queued',
  'running',
  'waiting',
  'paused',
  'succeeded',
  'failed',
  'canceled',
  'timed_out',
  'rejected',
] as const;
export type RunState = (typeof RUN_STATES)[number];

/** What an upstream reports about a run, mapped onto the run states that can be observed. */
export type ObservedState = Extract<
  RunState,
  'queued' | 'running' | 'waiting' | 'paused' | 'succeeded' | 'failed' | 'canceled'
>;

const FINAL: ReadonlySet<RunState> = new Set(['succeeded', 'failed', 'canceled', 'timed_out', 'rejected']);

export function isFinal(state: RunState): boolean {
  return FINAL.has(state);
}
