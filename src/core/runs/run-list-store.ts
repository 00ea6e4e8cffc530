import type { RunFilter, RunRecord } from './run-store';

/**
 * A run as a listing shows it (`/ops runs`, the console's `runs`): one line each. Listings read only these
 * columns, so a page of runs costs no parsing of the inputs, facts and memos it never shows.
 */
export type RunSummary = Pick<
  RunRecord,
  'id' | 'operationId' | 'state' | 'channelId' | 'requesterId' | 'createdAt'
>;

/** Listings of runs. */
export interface RunListStore {
  /** The runs `filter` selects, newest first, as listings show them. */
  listRunSummaries(filter: RunFilter): Promise<RunSummary[]>;
}
