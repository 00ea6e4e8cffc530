import type { Approvals } from '../core/approvals/decisions';
import type { AuditTrail } from '../core/audit/trail';
import type { DigestSchedules } from '../core/digest/schedules';
import type { RunQueries } from '../core/runs/run-queries';
import type { Clock } from '../core/kit/clock';
import type { DigestPublisher } from '../core/digest/publisher';
import type { Launcher } from '../core/runs/launcher';
import type { Reruns } from '../core/runs/rerun';
import type { StepRetries } from '../core/runs/retry';
import type { HumanSteps } from '../core/runs/human-steps';
import type { Log } from '../core/kit/log';
import type { FormGate } from '../core/policy/form-gate';
import type { Policy } from '../core/policy/policy';
import type { Registry } from '../core/operations/registry';
import type { Tracker } from '../core/runs/tracker';
import type { AfterAck } from './after-ack';
import type { HomePublisher } from './home-publisher';
import type { Permalinks } from './permalinks';
import type { UserTimeZones } from './user-time-zones';

/** What listeners get: core services, never Slack singletons. */
export interface SlackDeps {
  registry: Registry;
  policy: Policy;
  /** Whether an operation's form may open (the command, the menu, the Home tab); refusals are audited. */
  forms: FormGate;
  launcher: Launcher;
  tracker: Tracker;
  /** `/ops status`, `/ops runs`, the Home tab. */
  runs: RunQueries;
  clock: Clock;
  log: Log;
  afterAck: AfterAck;
  /** App Home tabs, published within the workspace's budget, only the latest per person. */
  homes: HomePublisher;
  approvals: Approvals;
  /** Re-run and Retry on a finished run. */
  reruns: Reruns;
  retries: StepRetries;
  /** Decisions on upstream human steps (Harness approvals, Itential manual tasks) from a run's thread. */
  humanSteps: HumanSteps;
  /** The audit trail (writing records, `/ops audit`), and links to the threads it names. */
  audit: { trail: AuditTrail; permalinks: Permalinks };
  /** Digest commands and the Home tab: the schedules, people's time zones, message links, posting digests now. */
  digests: {
    schedules: DigestSchedules;
    timeZones: UserTimeZones;
    permalinks: Permalinks;
    publisher: DigestPublisher;
  };
  timing: {
    /** Upstream checks of a submitted form must answer within this, inside Slack's 3 s. */
    validateDeadlineMs: number;
    /** Picker searches must answer within this. */
    searchDeadlineMs: number;
  };
}
