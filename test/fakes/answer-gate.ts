/**
 * Holds a fake upstream's answers to one kind of request after the fake has acted on them, until the test
 * lets them go: the test can look at the bot while the upstream has done the work and the bot waits for
 * the answer. Open (answers pass at once) until `hold()`.
 */
export class AnswerGate {
  private holding = false;
  private waiting: (() => void)[] = [];
  private arrivals: (() => void)[] = [];
  private arrived = 0;

  /** From now on, answers wait for `release()`. */
  hold(): void {
    this.holding = true;
  }

  /** Lets every held answer go, and the next ones pass at once. */
  release(): void {
    this.holding = false;
    for (const go of this.waiting.splice(0)) go();
  }

  /** Resolves once an answer is held. */
  heldAnswer(): Promise<void> {
    if (this.arrived > 0) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.push(resolve));
  }

  /** The fake calls this before it answers: passes at once, or waits while the gate holds. */
  pass(): Promise<void> {
    if (!this.holding) return Promise.resolve();
    this.arrived += 1;
    for (const arrived of this.arrivals.splice(0)) arrived();
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
