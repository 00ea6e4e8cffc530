import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { loadConfig } from '../../src/config';
import { startFlightdeck } from '../../src/flightdeck';
import { INTEGRATIONS } from '../../src/integrations';
import { createLogger } from '../../src/observability/logger';
import type { Store } from '../../src/core/store';
import { serveChild } from '../support/child-main';
import { cpuSoFar } from '../support/server-process';

/** Where the benchmark's commands come from, so `/ops runs` has a full page to read and render. */
const seedEnv = z.object({
  BENCH_SEED_CHANNEL: z.string(),
  BENCH_SEED_USER: z.string(),
  BENCH_SEED_RUNS: z.coerce.number().int().min(0),
});

/** Seeds finished runs in the channel; returns their ids, newest first. */
async function seedFinishedRuns(store: Store, seed: z.infer<typeof seedEnv>): Promise<string[]> {
  const definition = INTEGRATIONS[0]?.definition;
  const operation = definition?.operations[0];
  if (!definition || !operation) return [];
  const now = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < seed.BENCH_SEED_RUNS; i++) {
    const id = randomUUID();
    ids.push(id);
    await store.createRun({
      id,
      idempotencyKey: `bench-seed-${String(i)}`,
      operationId: operation.id,
      system: definition.id,
      channelId: seed.BENCH_SEED_CHANNEL,
      requesterId: seed.BENCH_SEED_USER,
      input: {},
      facts: [{ label: 'Workflow', value: `bench workflow ${String(i)}` }],
      state: 'succeeded',
      createdAt: new Date(now - i * 60_000),
      nextPollAt: null,
      leaseOwner: null,
      leaseUntil: null,
    });
  }
  return ids;
}

/** Flightdeck as `main.ts` composes it (HTTP mode, embedded store, production engine), on 127.0.0.1. */
serveChild(async () => {
  const config = loadConfig(process.env, INTEGRATIONS);
  const log = createLogger(config.env.LOG_LEVEL);
  const flightdeck = await startFlightdeck({ config, log, host: '127.0.0.1' });
  const [statusRunId] = await seedFinishedRuns(flightdeck.store, seedEnv.parse(process.env));
  if (flightdeck.port === undefined) throw new Error('Flightdeck did not report its HTTP port');
  return { info: { port: flightdeck.port, statusRunId }, handle: cpuSoFar, stop: () => flightdeck.stop() };
});
