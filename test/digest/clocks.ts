import type { Clock } from '../../src/core/kit/clock';

/** Stands still until told otherwise. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

/** Real time shifted by an offset the test moves forward, so timers keep running while dates jump. */
export class ShiftedClock implements Clock {
  private offsetMs: number;
  constructor(start: Date) {
    this.offsetMs = start.getTime() - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  /** Jumps to `iso`, from where time runs on. */
  setTo(iso: string): void {
    this.offsetMs = new Date(iso).getTime() - Date.now();
  }
}
