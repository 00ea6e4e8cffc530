import { Cron } from 'croner';

/**
 * A five-field cron expression read in one time zone, for computing fire times (never for timers: the
 * scheduler's own loop decides when to look). croner treats expressions with a fixed time of day as such
 * across DST: a time skipped by spring-forward fires at the first valid minute after the gap, and a time
 * that occurs twice at fall-back fires once; interval expressions (`hourly`, every 15 minutes) keep their rhythm.
 */
export class DigestCron {
  private readonly cron: Cron;

  /** Throws when croner refuses the expression. */
  constructor(expression: string, timeZone: string) {
    this.cron = new Cron(expression, { timezone: timeZone, paused: true, mode: '5-part' });
  }

  /** The first fire strictly after `after`. */
  next(after: Date): Date | undefined {
    return this.cron.nextRun(after) ?? undefined;
  }

  /** The latest fire at or before `at`. */
  latestAtOrBefore(at: Date): Date | undefined {
    // croner counts a fire earlier in the same second as its reference, but not one exactly at it.
    return this.cron.previousRuns(1, new Date(at.getTime() + 1))[0];
  }

  /** The latest fire strictly before `at`. */
  before(at: Date): Date | undefined {
    return this.cron.previousRuns(1, at)[0];
  }

  /** How many fires fall strictly between `after` and `before`, counting no further than `cap`. */
  countBetween(after: Date, before: Date, cap: number): number {
    let count = 0;
    for (const fire of this.cron.enumerate(after)) {
      if (fire >= before || count >= cap) break;
      count += 1;
    }
    return count;
  }
}
