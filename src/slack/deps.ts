import type { Clock } from '../core/clock';
import type { Launcher } from '../core/launcher';
import type { Log } from '../core/log';
import type { Policy } from '../core/policy';
import type { Registry } from '../core/registry';
import type { Tracker } from '../core/tracker';
import type { Store } from '../store/port';
import type { AfterAck } from './after-ack';

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
  timing: {
    /** Upstream checks of a submitted form must answer within this, inside Slack's 3 s. */
    validateDeadlineMs: number;
    /** Picker searches must answer within this. */
    searchDeadlineMs: number;
  };
}
