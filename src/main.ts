import { loadConfig } from './config';
import { startFlightdeck } from './flightdeck';
import { INTEGRATIONS } from './integrations';
import { createLogger } from './observability/logger';
import { ConfigError } from './core/errors';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, INTEGRATIONS);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.env.LOG_LEVEL);
  const flightdeck = await startFlightdeck({ config, log });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    flightdeck.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Nothing a user or an upstream sends may take the process down: log and keep serving.
  process.on('unhandledRejection', (reason) =>
    log.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection'),
  );
}

main().catch((err: unknown) => {
  console.error(`Flightdeck failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
