import type { Config } from './config';
import type { Clock } from './core/kit/clock';
import type { Integration } from './core/operations/integration';
import type { Log } from './core/kit/log';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from './core/runs/engine-deps';
import { Registry } from './core/operations/registry';
import { SecretScrubber } from './core/operations/secrets';

/** What both surfaces (Slack and the console) build the same way from the config. */
type Settings = Pick<Config<{ FLIGHTDECK_SECRETS_KEY?: string }>, 'file' | 'systems' | 'env'>;

export function buildRegistry(config: Settings, log: Log, clock: Clock): Registry {
  const secrets = new SecretScrubber(config.file.secrets.namePatterns, config.env.FLIGHTDECK_SECRETS_KEY);
  return new Registry(
    config.systems.map(
      ({ integration, config: systemConfig }: { integration: Integration; config?: unknown }) => ({
        definition: integration.definition,
        runtime:
          systemConfig === undefined
            ? undefined
            : integration.create(systemConfig, {
                log: log.child({ system: integration.definition.id }),
                clock,
                secrets,
              }),
      }),
    ),
    secrets,
  );
}

/** The tracker's settings from the config file; `overrides` (tests, the demo) win. */
export function engineSettings(config: Settings, overrides: Partial<EngineSettings> = {}): EngineSettings {
  return {
    ...DEFAULT_ENGINE_SETTINGS,
    giveUpAfterMs: config.file.tracking.giveUpAfter,
    watchFailedForMs: config.file.tracking.watchFailedFor,
    watchFailedEveryMs: config.file.tracking.watchFailedEvery,
    pollBudget: {
      ...DEFAULT_ENGINE_SETTINGS.pollBudget,
      perSecond: config.file.tracking.pollsPerSecond,
      bySystem: config.file.tracking.pollsPerSecondBySystem,
    },
    ...overrides,
  };
}
