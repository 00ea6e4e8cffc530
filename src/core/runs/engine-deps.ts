import type { Store } from '../store';
import type { AuditTrail } from '../audit/trail';
import type { ApprovalBoard } from '../approvals/board';
import type { Clock } from '../kit/clock';
import type { KeyedMutex } from '../kit/keyed-mutex';
import type { Log } from '../kit/log';
import type { Notifier } from './notifier';
import type { DirectMessenger, HomeRefresher } from '../direct/direct-messenger';
import type { RetriedReplies } from './retry';
import type { DecidedSteps } from './human-steps';
import type { Policy } from '../policy/policy';
import { DEFAULT_POLL_BUDGET, type PollBudgetSettings } from './poll-budget';
import type { PollSchedule } from './poll-schedule';
import type { Registry } from '../operations/registry';

export interface EngineSettings {
  poll: PollSchedule;
  /** How long a claim on a run lasts; a process that dies loses its runs to others after this. */
  leaseMs: number;
  /**
   * How long a run stays leased from the start of each post at least: longer than one post can take (its
   * lookup for an earlier attempt, its wait for a turn, Slack's timeout), so no other process takes the run
   * over while the post may still land, finds nothing and posts it a second time.
   */
  postHoldMs: number;
  /** How long a start may take before another process treats it as interrupted. */
  startLeaseMs: number;
  /**
   * How long a step's decision holds its run: longer than its upstream calls can take (each bounded by the
   * system's HTTP timeout), so that no poll records what the run does next before the decision's own line.
   */
  decisionLeaseMs: number;
  /** Pauses before each attempt to find what an ambiguous start created. */
  recoverDelaysMs: number[];
  /** Consecutive failed polls before the thread hears that contact was lost. */
  contactLostAfter: number;
  giveUpAfterMs: number;
  watchFailedForMs: number;
  watchFailedEveryMs: number;
  /** How often the tracker looks for due runs. */
  tickMs: number;
  /** How many runs the tracker works on at once. */
  batchSize: number;
  /** Upstream polls per second, per system. */
  pollBudget: PollBudgetSettings;
  /** At most one status-line edit per parent message in this long; the latest state wins. */
  parentEditIntervalMs: number;
  /** How long to wait before posting again after Slack refused for good (channel gone, bot removed). */
  notifyRetryMs: number;
  /** A finished run whose updates Slack keeps refusing stops retrying this long after the problem began. */
  notifyGiveUpAfterMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: Omit<
  EngineSettings,
  'giveUpAfterMs' | 'watchFailedForMs' | 'watchFailedEveryMs'
> = {
  poll: { minMs: 2_000, maxMs: 30_000, failureMaxMs: 300_000 },
  leaseMs: 60_000,
  startLeaseMs: 120_000,
  decisionLeaseMs: 300_000,
  postHoldMs: 30_000,
  recoverDelaysMs: [1_000, 4_000],
  contactLostAfter: 3,
  tickMs: 500,
  batchSize: 100,
  pollBudget: DEFAULT_POLL_BUDGET,
  parentEditIntervalMs: 2_000,
  notifyRetryMs: 300_000,
  notifyGiveUpAfterMs: 86_400_000,
};

export interface EngineDeps {
  /** Audit records go through `audit`, so that every sink gets them. */
  store: Omit<Store, 'appendAudit'>;
  audit: Pick<AuditTrail, 'append'>;
  registry: Registry;
  notifier: Notifier;
  policy: Policy;
  clock: Clock;
  log: Log;
  /** This process's name in leases. */
  owner: string;
  mutex: KeyedMutex;
  settings: EngineSettings;
  /** Approval requests beyond the run's thread (an approval channel, the requester); optional. */
  approvalBoard?: ApprovalBoard;
  /** People told directly about their runs and the requests they may decide; none: nobody is. */
  directMessenger?: DirectMessenger;
  /** Where people's own view of what waits on them is refreshed when it changes; optional. */
  homeRefresher?: HomeRefresher;
  /** Failure replies whose Retry was used, edited to offer it no more; optional. */
  retriedReplies?: RetriedReplies;
  /** Replies offering steps, edited as they are decided from Flightdeck; optional. */
  decidedSteps?: DecidedSteps;
}
