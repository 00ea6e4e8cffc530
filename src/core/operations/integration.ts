import type { Clock } from '../kit/clock';
import type { Log } from '../kit/log';
import type { SystemDefinition, SystemRuntime } from './contract';
import type { SecretScrubber } from './secrets';

export type Env = Record<string, string | undefined>;

export interface IntegrationDeps {
  log: Log;
  clock: Clock;
  /** Which input names hold secrets (the config's `secrets.namePatterns`). */
  secrets: SecretScrubber;
}

/** Result of reading one system's settings. No config and no problems = the system is not configured. */
export interface IntegrationSettings<C> {
  config?: C;
  /** One line per bad or missing variable: which one and how to fix it. */
  problems: string[];
}

/**
 * One upstream system. Adding a system = a folder under `integrations/` exporting one of these,
 * and one line in the registry.
 */
export interface Integration<C = unknown> {
  definition: SystemDefinition;
  /**
   * Reads the system's env vars (and its `systems.<id>` section of the YAML config, if any).
   * All of its variables unset → not configured (no config, no problems).
   */
  configure(env: Env, section: unknown): IntegrationSettings<C>;
  create(config: C, deps: IntegrationDeps): SystemRuntime;
}
