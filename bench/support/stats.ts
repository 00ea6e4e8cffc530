import type { BlockResult } from './open-loop';

export interface LatencySummary {
  requests: number;
  medianMs: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /** Requests sent per second while this series was sending. */
  ratePerSec: number;
  /** The first few distinct error messages. */
  errorKinds: string[];
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Latency over answered requests; errors counted apart. */
export function summarize(blocks: BlockResult[]): LatencySummary {
  const samples = blocks.flatMap((b) => b.samples);
  const latencies = samples
    .filter((s) => s.error === undefined)
    .map((s) => s.latencyMs)
    .sort((a, b) => a - b);
  const errors = samples.flatMap((s) => (s.error === undefined ? [] : [s.error]));
  const durationMs = blocks.reduce((sum, b) => sum + b.durationMs, 0);
  return {
    requests: samples.length,
    medianMs: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    errors: errors.length,
    ratePerSec: durationMs > 0 ? (samples.length / durationMs) * 1000 : 0,
    errorKinds: [...new Set(errors)].slice(0, 3),
  };
}
