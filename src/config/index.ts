import type { Env, Integration } from '../core/operations/integration';
import { parseConsoleEnv, parseCoreEnv, type ConsoleEnv, type CoreEnv } from './env';
import { readFileConfig, type FileConfig } from './file';
import { ConfigError } from '../core/errors';

export interface ConfiguredSystem {
  integration: Integration;
  /** Undefined when the system's variables are not set: it shows as "not configured". */
  config?: unknown;
}

export interface Config<E = CoreEnv> {
  env: E;
  file: FileConfig;
  systems: ConfiguredSystem[];
}

/** The console surface's config: the same file and systems, no Slack settings. */
export type ConsoleConfig = Config<ConsoleEnv>;

/** The console reads no Slack setting; people who meet it first should not go looking for one. */
const CONSOLE_SURFACE = {
  name: 'The Flightdeck console',
  note:
    'The console needs no Slack app or token (SLACK_* settings are ignored): only the config file, the store ' +
    'and the variables of the systems it should reach. `npm run console -- --demo` needs none of them.',
};

/** Reads every setting and reports all bad ones at once, each naming the variable (or file path) and the fix. */
export function loadConfig(env: Env, integrations: Integration[]): Config {
  return load(parseCoreEnv(env), env, integrations, { name: 'Flightdeck' });
}

/** As loadConfig, without the Slack settings: `npm run console`. */
export function loadConsoleConfig(env: Env, integrations: Integration[]): ConsoleConfig {
  return load(parseConsoleEnv(env), env, integrations, CONSOLE_SURFACE);
}

function load<E extends { FLIGHTDECK_CONFIG?: string }>(
  core: { env?: E; problems: string[] },
  env: Env,
  integrations: Integration[],
  surface: { name: string; note?: string },
): Config<E> {
  const file = readFileConfig(core.env?.FLIGHTDECK_CONFIG ?? env.FLIGHTDECK_CONFIG);
  const problems = [...core.problems, ...file.problems];
  const systems = integrations.map((integration) => {
    const settings = integration.configure(env, file.config?.systems[integration.definition.id]);
    problems.push(...settings.problems);
    return { integration, config: settings.config };
  });
  const knownSystems = new Set(integrations.map((i) => i.definition.id));
  for (const id of Object.keys(file.config?.systems ?? {})) {
    if (!knownSystems.has(id)) {
      problems.push(
        `${core.env?.FLIGHTDECK_CONFIG}: systems.${id}: unknown system (known: ${[...knownSystems].join(', ')})`,
      );
    }
  }
  if (problems.length > 0 || !core.env || !file.config) throw new ConfigError(problems, surface);
  return { env: core.env, file: file.config, systems };
}
