import type { StepDecision } from '../operations/contract';

/** Who decided a run's human step from Flightdeck. `(runId, stepId)` is unique: the first click wins. */
export interface StepClaim {
  runId: string;
  stepId: string;
  actorId: string;
  decision: StepDecision;
  at: Date;
}

/** First-click-wins claims on human steps. */
export interface StepStore {
  /** Records the claim unless the step is claimed already; then returns the claim that holds. */
  claimStep(claim: StepClaim): Promise<{ claimed: true } | { claimed: false; holder: StepClaim }>;
  /** The claim on a step, if someone decided it. */
  stepClaim(runId: string, stepId: string): Promise<StepClaim | undefined>;
  /** Gives a claim back (the upstream refused it), so that someone else may try; only the holder's. */
  releaseStep(runId: string, stepId: string, actorId: string): Promise<void>;
}
