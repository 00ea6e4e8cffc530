import type { DigestFilters } from './digest-store';
import type { Store } from '../store';
import { isFinal } from '../runs/lifecycle';
import {
  BUSIEST_COUNT,
  EXPECTED_DURATION,
  FAILURE_STATES,
  LISTED_STATES,
  summarizeDigest,
  type DigestSummary,
  type DigestWindow,
} from './summary';

/** A digest lists at most this many runs; beyond, it says it lists only the newest. */
export const DIGEST_RUN_LIMIT = 20_000;
const DURATION_SAMPLE_LIMIT = 5_000;

export interface DigestRequest {
  channelId: string;
  filters: DigestFilters;
  window: DigestWindow;
}

/** Reads what a digest covers from the store and summarises it as of `now`. */
export async function composeDigest(store: Store, request: DigestRequest, now: Date): Promise<DigestSummary> {
  const { channelId, filters, window } = request;
  const filter = {
    channelId,
    from: window.start,
    to: window.end,
    ...(filters.system ? { system: filters.system } : {}),
    ...(filters.operationId ? { operationId: filters.operationId } : {}),
  };
  // Counted in the store; only the runs a digest names are read as rows.
  const [counts, runs] = await Promise.all([
    store.countDigestRuns(
      filters.failuresOnly ? { ...filter, states: FAILURE_STATES } : filter,
      BUSIEST_COUNT,
    ),
    store.listDigestRuns({
      ...filter,
      states: filters.failuresOnly ? FAILURE_STATES : LISTED_STATES,
      limit: DIGEST_RUN_LIMIT + 1,
    }),
  ]);
  const capped = runs.length > DIGEST_RUN_LIMIT;
  const covered = capped ? runs.slice(0, DIGEST_RUN_LIMIT) : runs;
  const going = new Set(covered.filter((r) => !isFinal(r.state)).map((r) => r.operationId));
  const durations = await store.runDurations({
    operationIds: [...going],
    since: new Date(now.getTime() - EXPECTED_DURATION.historyMs),
    until: now,
    limit: DURATION_SAMPLE_LIMIT,
  });
  return summarizeDigest({
    counts,
    runs: covered,
    durations,
    window,
    now,
    failuresOnly: filters.failuresOnly,
    capped,
  });
}
