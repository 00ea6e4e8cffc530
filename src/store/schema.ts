import type { Generated } from 'kysely';

/**
 * The tables as both databases hold them: times are integer milliseconds since the epoch, JSON is text,
 * booleans are 0/1, so one set of queries reads and writes both the same way. `Generated` marks columns
 * with a default that an insert may leave out.
 */
export interface RunsTable {
  id: string;
  idempotency_key: string;
  operation_id: string;
  system: string;
  channel_id: string;
  requester_id: string;
  input: string;
  facts: string;
  state: string;
  upstream_id: string | null;
  upstream_url: string | null;
  upstream_status: string | null;
  detail: string | null;
  progress: number | null;
  waiting_for: string | null;
  problem: string | null;
  memo: string | null;
  may_recover: Generated<number>;
  seq: Generated<number>;
  notified_seq: Generated<number>;
  parent_ts: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  next_poll_at: number | null;
  poll_failures: Generated<number>;
  lease_owner: string | null;
  lease_until: number | null;
  /** The fencing token: raised by every claim (migration 012). */
  lease_token: Generated<number>;
  cancel_requested_by: string | null;
  cancel_requested_at: number | null;
  parent_attempted_at: number | null;
  parent_seq: Generated<number>;
  parent_edited_at: number | null;
  notify_after: number | null;
  notify_problem: string | null;
  /** JSON: the failed step people may retry (migration 009). */
  retry_step: string | null;
  /** The run this one re-runs (migration 009). */
  rerun_of: string | null;
  /** The last transition whose direct messages are delivered (migration 011). */
  dm_seq: Generated<number>;
}

export interface TransitionsTable {
  run_id: string;
  seq: number;
  kind: string;
  state: string;
  upstream_status: string | null;
  detail: string | null;
  progress: number | null;
  waiting_for: string | null;
  problem: string | null;
  /** JSON: the approval transition's payload (migration 005). */
  payload: string | null;
  actor_id: string | null;
  at: number;
  notified_ts: string | null;
  attempted_at: number | null;
}

export interface AuditTable {
  id: Generated<number>;
  at: number;
  actor_id: string;
  channel_id: string | null;
  action: string;
  operation_id: string | null;
  run_id: string | null;
  outcome: string;
  rule: string | null;
  detail: string;
}

export interface DigestSchedulesTable {
  id: string;
  channel_id: string;
  created_by: string;
  cron: string;
  label: string;
  time_zone: string;
  filters: string;
  created_at: number;
}

export interface DigestWindowsTable {
  schedule_id: string;
  window_end: number;
  window_start: number;
  skipped: Generated<number>;
  claimed_by: string;
  lease_until: number;
  attempts: Generated<number>;
  parts_posted: Generated<number>;
  thread_ts: string | null;
  attempted_part: number | null;
  posted_at: number | null;
  failed_at: number | null;
  error: string | null;
}

export interface ApprovalRequestsTable {
  run_id: string;
  rule: string;
  approvers: string;
  required: number;
  channel_id: string;
  message_ts: string | null;
  fingerprint: string | null;
  created_at: number;
  expires_at: number;
  outcome: string | null;
  decided_by: string | null;
  decided_at: number | null;
}

export interface ApprovalVotesTable {
  run_id: string;
  approver_id: string;
  vote: string;
  at: number;
}

/** The shared Slack rate budget: GCRA clocks by name (migration 007). */
export interface SlackBudgetTable {
  key: string;
  at: number;
}

/** Keys claimed once until they expire (migration 006). */
export interface OnceKeysTable {
  key: string;
  expires_at: number;
}

/** Human steps decided from Flightdeck, first click only (migration 010). */
export interface StepClaimsTable {
  run_id: string;
  step_id: string;
  actor_id: string;
  decision: string;
  at: number;
}

/** A direct message about one transition to one person (migration 011). */
export interface DirectMessagesTable {
  run_id: string;
  seq: number;
  user_id: string;
  reason: string;
  status: Generated<string>;
  channel_id: string | null;
  ts: string | null;
  attempted_at: number | null;
  shown_seq: Generated<number>;
  update_seq: Generated<number>;
}

/** A person's choice about direct messages (migration 011). */
export interface NotifyPrefsTable {
  user_id: string;
  direct_messages: number;
  updated_at: number;
}

/** A person whose App Home must be republished (migration 013). */
export interface HomeMarksTable {
  user_id: string;
  version: number;
  marked_at: number;
  claimed_by: string | null;
  claim_until: number | null;
}

/** Which surfaces have used the store (migration 014). */
export interface StoreSurfacesTable {
  surface: string;
  first_at: number;
  last_at: number;
}

export interface Database {
  runs: RunsTable;
  transitions: TransitionsTable;
  audit: AuditTable;
  digest_schedules: DigestSchedulesTable;
  digest_windows: DigestWindowsTable;
  approval_requests: ApprovalRequestsTable;
  approval_votes: ApprovalVotesTable;
  slack_budget: SlackBudgetTable;
  once_keys: OnceKeysTable;
  step_claims: StepClaimsTable;
  direct_messages: DirectMessagesTable;
  notify_prefs: NotifyPrefsTable;
  home_marks: HomeMarksTable;
  store_surfaces: StoreSurfacesTable;
}
