import type { FakeSlackProcess } from './support/fake-slack-process';

/** A figure held against its target. A miss is reported, not failed: benchmarks inform, CI decides. */
export interface Verdict {
  label: string;
  value: string;
  target: string;
  pass: boolean;
}

export interface BenchReport {
  /** What was measured, printed as is (tables, notes). */
  lines: string[];
  verdicts: Verdict[];
  /** Broken measurements (failed requests, servers that would not start): the run exits non-zero. */
  failures: string[];
}

/** What every benchmark gets from the runner. */
export interface BenchContext {
  /** A fresh directory, removed after a clean run; logs and data directories go here. */
  workDir: string;
  /** The fake Slack Web API, already listening. */
  fakeSlack: FakeSlackProcess;
}

/** One benchmark module; `bench/run.ts` lists them and runs the ones asked for. */
export interface Benchmark {
  /** Used on the command line: `npm run bench -- <name>`. */
  name: string;
  title: string;
  run(context: BenchContext): Promise<BenchReport>;
}

/** Reads a positive whole number from the environment, or the default. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`);
  return value;
}
