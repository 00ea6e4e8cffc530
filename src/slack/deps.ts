import type { ChannelAccess } from '../core/runs/access';
import type { Approvals } from '../core/approvals/decisions';
import type { Clock } from '../core/kit/clock';
import type { DigestPublisher } from '../core/digest/publisher';
import type { Launcher } from '../core/runs/launcher';
import type { Log } from '../core/kit/log';
import type { Policy } from '../core/policy/policy';
import type { Registry } from '../core/operations/registry';
import type { Tracker } from '../core/runs/tracker';
import type { Store } from '../core/store';
import type { AfterAck } from './after-ack';
import type { Permalinks } from './permalinks';
import type { UserTimeZones } from './user-time-zones';

/** What listeners get: core services, never Slack singletons. */
export interface SlackDeps {
  registry: Registry;
  policy: Policy;
  launcher: Launcher;
  tracker: Tracker;
  store: Store;
  clock: Clock;
  log: Log;
  afterAck: AfterAck;
  approvals: Approvals;
  /** Who may see a channel's runs: its members and admins. */
  access: ChannelAccess;
  /** `/ops audit`: who may read it, and links to the threads it names. */
  audit: { admins: string[]; permalinks: Permalinks };
  /** Digest commands and the Home tab: people's time zones, message links, posting digests now. */
  digests: {
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
