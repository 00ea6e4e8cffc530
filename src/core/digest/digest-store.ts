import type { RunState } from '../runs/lifecycle';
import type { RunRecord } from '../runs/run-store';

/** What a digest reports on, beyond its channel. */
export interface DigestFilters {
  system?: string;
  operationId?: string;
  /** Only failed and timed-out runs. */
  failuresOnly: boolean;
}

/** A channel's digest schedule. */
export interface DigestScheduleRecord {
  /** Short, typed by people: `/ops digest remove <id>`. */
  id: string;
  channelId: string;
  createdBy: string;
  /** Five-field cron expression, read in `timeZone`. */
  cron: string;
  /** How the requester wrote the schedule: `daily 09:00`, `hourly`, a cron expression. */
  label: string;
  /** IANA name. */
  timeZone: string;
  filters: DigestFilters;
  createdAt: Date;
}

/** One window of one schedule; `(scheduleId, windowEnd)` is unique, which is what makes a digest post once. */
export interface DigestWindowRecord {
  scheduleId: string;
  windowStart: Date;
  windowEnd: Date;
  /** Windows that came due while no process was running and are covered by this one. */
  skipped: number;
  claimedBy: string;
  leaseUntil: Date;
  attempts: number;
  /** Messages of this digest already posted (a long digest is several); a retry resumes after them. */
  partsPosted: number;
  /** The first message's ts once posted: the later parts go into its thread. */
  threadTs: string | null;
  /** The part whose post began and is not recorded as done (it may be in Slack); null when none. */
  attemptedPart: number | null;
  postedAt: Date | null;
  failedAt: Date | null;
  /** Why the window is not posted (yet): the last failure; cleared once it is posted. */
  error: string | null;
}

export type DigestWindowKey = Pick<DigestWindowRecord, 'scheduleId' | 'windowEnd'>;

/**
 * A window as its caller claimed it. `attempts`, raised by every takeover, is the claim's fencing token: a
 * caller whose claim was taken over (by another process, or by its own after its lease ran out) no longer
 * holds the window, even under the same owner name.
 */
export type HeldDigestWindow = DigestWindowKey & Pick<DigestWindowRecord, 'attempts'>;

export type NewDigestWindow = Pick<
  DigestWindowRecord,
  'scheduleId' | 'windowStart' | 'windowEnd' | 'skipped' | 'claimedBy' | 'leaseUntil'
>;

/** A schedule with its latest window, for listings. */
export interface DigestScheduleOverview {
  schedule: DigestScheduleRecord;
  lastWindow: DigestWindowRecord | null;
}

export type DigestWindowOutcome =
  | { kind: 'posted'; at: Date }
  | { kind: 'failed'; at: Date; error: string }
  /** Not posted this time; try again no earlier than `at`. */
  | { kind: 'retry'; at: Date; error: string };

/**
 * The runs a window covers: those of the channel created or finished in [from, to), and those created
 * before `to` that are unfinished.
 */
export interface DigestRunFilter {
  channelId: string;
  from: Date;
  to: Date;
  system?: string;
  operationId?: string;
  /** Only runs in these states; every state when left out. */
  states?: readonly RunState[];
}

export interface DigestStateCount {
  system: string;
  state: RunState;
  count: number;
}

export interface Tally {
  id: string;
  count: number;
}

/** A window counted in the store, so that a digest never reads the rows it only counts. */
export interface DigestCounts {
  /** Every run the window covers, per system and state. */
  byState: DigestStateCount[];
  /** Runs launched (created) in the window: the busiest operations and requesters, most first, then by id. */
  busiestOperations: Tally[];
  busiestRequesters: Tally[];
}

export interface RunDuration {
  operationId: string;
  durationMs: number;
}

/** Digest schedules, their once-per-window claims, and the reads a digest needs. */
export interface DigestStore {
  createDigestSchedule(schedule: DigestScheduleRecord): Promise<void>;
  getDigestSchedule(id: string): Promise<DigestScheduleRecord | undefined>;
  /** Oldest first. */
  listDigestSchedules(filter: { channelId?: string; createdBy?: string }): Promise<DigestScheduleOverview[]>;
  /** Removes the schedule if it belongs to `channelId`, with its windows; false when there was none. */
  removeDigestSchedule(id: string, channelId: string): Promise<boolean>;

  /** Inserts the window unless it exists: exactly one caller gets it back, every other gets undefined. */
  claimDigestWindow(window: NewDigestWindow): Promise<DigestWindowRecord | undefined>;
  /**
   * Takes over up to `limit` windows that are neither posted nor failed and whose lease ran out (a process
   * died while posting, or a retry is due), counting an attempt. Each is handed to one caller.
   */
  reclaimDigestWindows(
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<DigestWindowRecord[]>;
  /** Records that part `part` is about to be posted and extends the lease; false when the window is no longer ours. */
  recordDigestAttempt(
    window: HeldDigestWindow,
    owner: string,
    part: number,
    leaseUntil: Date,
  ): Promise<boolean>;
  /** Records that `partsPosted` messages are out (none is being attempted) and extends the lease; false when the window is no longer ours. */
  recordDigestPart(
    window: HeldDigestWindow,
    owner: string,
    partsPosted: number,
    threadTs: string,
    leaseUntil: Date,
  ): Promise<boolean>;
  /** Settles (or defers) a window this caller holds; false when it is no longer ours. */
  settleDigestWindow(window: HeldDigestWindow, owner: string, outcome: DigestWindowOutcome): Promise<boolean>;

  /** Counts what the window covers; `top` busiest operations and requesters. */
  countDigestRuns(filter: DigestRunFilter, top: number): Promise<DigestCounts>;
  /** The runs the window covers in `states` (those a digest names one by one); newest first. */
  listDigestRuns(
    filter: DigestRunFilter & { states: readonly RunState[]; limit: number },
  ): Promise<RunRecord[]>;
  /** How long succeeded runs of these operations took, for those that finished in [since, until). */
  runDurations(filter: {
    operationIds: string[];
    since: Date;
    until: Date;
    limit: number;
  }): Promise<RunDuration[]>;
}
