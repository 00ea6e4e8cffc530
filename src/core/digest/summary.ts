import type { RunDuration } from './digest-store';
import type { RunRecord } from '../runs/run-store';
import { isFinal, type RunState } from '../runs/lifecycle';

export type FinalState = Extract<RunState, 'succeeded' | 'failed' | 'canceled' | 'timed_out' | 'rejected'>;
/** A run's outcome in a digest: its final state, or still in progress. */
export type DigestOutcome = FinalState | 'in_progress';

export const FAILURE_STATES: ReadonlySet<RunState> = new Set(['failed', 'timed_out']);

/**
 * When a run that is still going counts as longer than expected: twice the median time of that operation's
 * succeeded runs over the last week when there are enough of them (but never less than a floor, so a
 * 20-second job is not "stuck" at 41 seconds), otherwise a fixed hour.
 */
export const EXPECTED_DURATION = {
  historyMs: 7 * 86_400_000,
  minSamples: 5,
  factor: 2,
  floorMs: 5 * 60_000,
  defaultMs: 3_600_000,
} as const;

/** Busiest operations and requesters shown. */
export const BUSIEST_COUNT = 5;

export interface DigestWindow {
  start: Date;
  end: Date;
}

export interface SystemCounts {
  system: string;
  total: number;
  outcomes: Partial<Record<DigestOutcome, number>>;
}

export interface OverdueRun {
  run: RunRecord;
  runningMs: number;
  expectedMs: number;
  /** `median` when the expectation comes from the operation's history, `default` otherwise. */
  basis: 'median' | 'default';
}

export interface Tally {
  id: string;
  count: number;
}

export interface DigestSummary {
  window: DigestWindow;
  /** When the digest was computed: "still going" is as of then. */
  now: Date;
  failuresOnly: boolean;
  /** The store held more runs than a digest reads; the counts cover the newest ones. */
  capped: boolean;
  /** Every run the digest covers. */
  total: number;
  systems: SystemCounts[];
  /** Failed and timed-out runs, newest first. */
  failures: RunRecord[];
  /** Still going longer than expected, longest first. */
  overdue: OverdueRun[];
  /** Waiting for a person (an approval, a manual task), longest first. */
  waiting: RunRecord[];
  /** Launches in the window. */
  busiestOperations: Tally[];
  busiestRequesters: Tally[];
}

export interface SummaryInput {
  /** Runs created or finished in the window, or unfinished (as the store's listDigestRuns reads them). */
  runs: RunRecord[];
  /** Succeeded runs' durations, for what "longer than expected" means per operation. */
  durations: RunDuration[];
  window: DigestWindow;
  now: Date;
  failuresOnly: boolean;
  capped: boolean;
}

const outcomeOf = (run: RunRecord): DigestOutcome =>
  isFinal(run.state) ? (run.state as FinalState) : 'in_progress';

const since = (run: RunRecord, now: Date) => now.getTime() - (run.startedAt ?? run.createdAt).getTime();

/** What happened in a window, from the runs the store gave: pure, so every rule here is tested directly. */
export function summarizeDigest(input: SummaryInput): DigestSummary {
  const { window, now } = input;
  const runs = input.failuresOnly ? input.runs.filter((r) => FAILURE_STATES.has(r.state)) : input.runs;
  const systems = new Map<string, SystemCounts>();
  for (const run of runs) {
    const counts = systems.get(run.system) ?? { system: run.system, total: 0, outcomes: {} };
    const outcome = outcomeOf(run);
    counts.total += 1;
    counts.outcomes[outcome] = (counts.outcomes[outcome] ?? 0) + 1;
    systems.set(run.system, counts);
  }
  const expected = expectedDurations(input.durations);
  const overdue: OverdueRun[] = [];
  for (const run of runs) {
    if (isFinal(run.state) || run.state === 'waiting') continue;
    const known = expected.get(run.operationId);
    const runningMs = since(run, now);
    const expectedMs = known ?? EXPECTED_DURATION.defaultMs;
    if (runningMs > expectedMs)
      overdue.push({ run, runningMs, expectedMs, basis: known === undefined ? 'default' : 'median' });
  }
  const launched = runs.filter((r) => r.createdAt >= window.start && r.createdAt < window.end);
  return {
    window,
    now,
    failuresOnly: input.failuresOnly,
    capped: input.capped,
    total: runs.length,
    systems: [...systems.values()].sort((a, b) => b.total - a.total || a.system.localeCompare(b.system)),
    failures: runs
      .filter((r) => FAILURE_STATES.has(r.state))
      .sort((a, b) => finishedOrCreated(b) - finishedOrCreated(a)),
    overdue: overdue.sort((a, b) => b.runningMs - a.runningMs),
    waiting: runs.filter((r) => r.state === 'waiting').sort((a, b) => since(b, now) - since(a, now)),
    busiestOperations: tally(launched.map((r) => r.operationId)),
    busiestRequesters: tally(launched.map((r) => r.requesterId)),
  };
}

const finishedOrCreated = (run: RunRecord) => (run.finishedAt ?? run.createdAt).getTime();

/** Per operation with enough history: the running time beyond which a run is longer than expected. */
function expectedDurations(durations: RunDuration[]): Map<string, number> {
  const byOperation = new Map<string, number[]>();
  for (const { operationId, durationMs } of durations) {
    const samples = byOperation.get(operationId);
    if (samples) samples.push(durationMs);
    else byOperation.set(operationId, [durationMs]);
  }
  const expected = new Map<string, number>();
  for (const [operationId, samples] of byOperation) {
    if (samples.length < EXPECTED_DURATION.minSamples) continue;
    expected.set(
      operationId,
      Math.max(EXPECTED_DURATION.floorMs, EXPECTED_DURATION.factor * median(samples)),
    );
  }
  return expected;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

function tally(ids: string[]): Tally[] {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.entries()]
    .map(([id, count]) => ({ id, count }))
    .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id))
    .slice(0, BUSIEST_COUNT);
}
