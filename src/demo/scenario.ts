/**
 * Scripted time for the simulators. A scripted run moves at most one step per look, and only past a step
 * someone has seen (so every state is seen, in order), never sooner than `stepMs` after its previous step: the demo walks at a readable pace, and
 * tests pass 0 to move on every poll, never waiting on the wall clock.
 */
export interface Pace {
  stepMs: number;
  now(): number;
}

export const demoPace = (stepMs = 2_000): Pace => ({ stepMs, now: () => Date.now() });

/** Where one scripted run is in its script. */
export class Script<S> {
  private index = 0;
  private movedAt: number;
  /** Whether anyone has looked at the current step: a step nobody saw is never skipped. */
  private seen = false;

  constructor(
    private readonly steps: readonly S[],
    private readonly pace: Pace,
  ) {
    if (steps.length === 0) throw new Error('a script needs a step');
    this.movedAt = pace.now();
  }

  get current(): S {
    return this.steps[this.index] as S;
  }

  get finished(): boolean {
    return this.index === this.steps.length - 1;
  }

  /** Looks at the run: it moves on when its step has lasted long enough. */
  look(): S {
    const now = this.pace.now();
    if (this.seen && !this.finished && now - this.movedAt >= this.pace.stepMs) {
      this.index += 1;
      this.movedAt = now;
    }
    this.seen = true;
    return this.current;
  }
}
