export interface PollSchedule {
  /** Delay before the first poll and floor of every later one. */
  minMs: number;
  /** Ceiling for a healthy run, however old. */
  maxMs: number;
  /** Ceiling while the upstream keeps failing. */
  failureMaxMs: number;
}

/**
 * Fast while a run is young (most state changes happen early), slower as it ages, and backing off
 * exponentially while the upstream fails, so a long job or an outage costs few requests.
 */
export function nextPollDelay(schedule: PollSchedule, ageMs: number, failures: number): number {
  const healthy = Math.min(schedule.maxMs, Math.max(schedule.minMs, Math.round(ageMs / 10)));
  if (failures === 0) return healthy;
  return Math.min(schedule.failureMaxMs, healthy * 2 ** failures);
}
