import type { DigestCounts, RunDuration, Tally } from './digest-store';
import type { RunRecord } from '../runs/run-store';
import { isFinal, RUN_STATES, type RunState } from '../runs/lifecycle';

export type FinalState = Extract<RunState, 'succeeded' | 'failed' | 'canceled' | 'timed_out' | 'rejected'>;
/** A run's outcome in a digest: its final state, or still in progress. */
export type DigestOutcome = FinalState | 'in_progress';

export const FAILURE_STATES: readonly RunState[] = ['failed', 'timed_out'];
const isFailure = (state: RunState) => FAILURE_STATES.includes(state);
/** The runs a digest names one by one: failures, and runs still going (overdue, waiting). */
export const LISTED_STATES: readonly RunState[] = [
  ...FAILURE_STATES,
  ...RUN_STATES.filter((s) => !isFinal(s)),
];

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

export interface DigestSummary {
  window: DigestWindow;
  /** When the digest was computed: "still going" is as of then. */
  now: Date;
  failuresOnly: boolean;
  /** The window holds more runs to list than a digest reads; the lists show the newest ones. */
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
  /** The window's runs as the store counted them (failures only, when so filtered). */
  counts: DigestCounts;
  /** The window's runs in LISTED_STATES (failures only, when so filtered). */
  runs: RunRecord[];
  /** Succeeded runs' durations, for what "longer than expected" means per operation. */
  durations: RunDuration[];
  window: DigestWindow;
  now: Date;
  failuresOnly: boolean;
  capped: boolean;
}

const outcomeOf = (state: RunState): DigestOutcome =>
  isFinal(state) ? (state as FinalState) : 'in_progress';

const since = (run: RunRecord, now: Date) => now.getTime() - (run.startedAt ?? run.createdAt).getTime();

/** What happened in a window, from the store's counts and listed runs: pure, so every rule here is tested directly. */
export function summarizeDigest(input: SummaryInput): DigestSummary {
  const { window, now, runs, counts } = input;
  const systems = new Map<string, SystemCounts>();
  let total = 0;
  for (const { system, state, count } of counts.byState) {
    const entry = systems.get(system) ?? { system, total: 0, outcomes: {} };
    const outcome = outcomeOf(state);
    entry.total += count;
    entry.outcomes[outcome] = (entry.outcomes[outcome] ?? 0) + count;
    systems.set(system, entry);
    total += count;
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
  return {
    window,
    now,
    failuresOnly: input.failuresOnly,
    capped: input.capped,
    total,
    systems: [...systems.values()].sort((a, b) => b.total - a.total || a.system.localeCompare(b.system)),
    failures: runs
      .filter((r) => isFailure(r.state))
      .sort((a, b) => finishedOrCreated(b) - finishedOrCreated(a)),
    overdue: overdue.sort((a, b) => b.runningMs - a.runningMs),
    waiting: runs.filter((r) => r.state === 'waiting').sort((a, b) => since(b, now) - since(a, now)),
    busiestOperations: counts.busiestOperations,
    busiestRequesters: counts.busiestRequesters,
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
