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

/**
 * Where one scripted run is in its script. A step `holds` (a Harness approval, an Itential manual task) stays
 * until someone `release`s it, as the upstream waits for a person.
 */
export class Script<S> {
  private index = 0;
  private movedAt: number;
  /** Whether anyone has looked at the current step: a step nobody saw is never skipped. */
  private seen = false;

  constructor(
    private readonly steps: readonly S[],
    private readonly pace: Pace,
    private readonly holds: (step: S) => boolean = () => false,
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

  /** Whether the run waits on its current step for someone to release it. */
  get held(): boolean {
    return this.holds(this.current);
  }

  /** Someone decided the held step: the run moves on to the next step, which the next look shows. */
  release(): void {
    if (!this.held || this.finished) return;
    this.index += 1;
    this.movedAt = this.pace.now();
    this.seen = false;
  }

  /** Looks at the run: it moves on when its step has lasted long enough, unless the step holds. */
  look(): S {
    const now = this.pace.now();
    if (this.seen && !this.finished && !this.held && now - this.movedAt >= this.pace.stepMs) {
      this.index += 1;
      this.movedAt = now;
    }
    this.seen = true;
    return this.current;
  }
}
