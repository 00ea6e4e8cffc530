import { join } from 'node:path';
import { z } from 'zod';
import { Child } from './child';
import { PRODUCTION_NODE_ARGS } from './production-node-args';

export const serverInfo = z.object({
  port: z.number().int().positive(),
  /** Flightdeck: a seeded run, for `/ops status`. */
  statusRunId: z.string().optional(),
});
export type ServerInfo = z.infer<typeof serverInfo>;

/** What a server process answers when asked: the CPU time (user + system) it has used so far. */
export const serverCpu = z.object({ cpuSeconds: z.number() });

/** A server process's answer to any request: its CPU time so far. */
export async function cpuSoFar(): Promise<z.infer<typeof serverCpu>> {
  const { user, system } = process.cpuUsage();
  return { cpuSeconds: (user + system) / 1e6 };
}

/** The servers a benchmark can start, each a compiled module under bench/processes. */
export type ServerKind = 'flightdeck' | 'bare-bolt';

/** An HTTP server (Flightdeck or a bare Bolt app) on 127.0.0.1 in its own process. */
export function startServer(kind: ServerKind, env: Record<string, string>, logFile: string) {
  return Child.fork({
    modulePath: join(__dirname, '..', 'processes', `${kind}.js`),
    env,
    logFile,
    info: serverInfo,
    // Flightdeck runs with production's Node flags. Profiling a server, e.g.
    // BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
    execArgv: [
      ...(kind === 'flightdeck' ? PRODUCTION_NODE_ARGS : []),
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
  });
}

/** The port a started server listens on, from what `listen` returned. */
export function boundPort(server: unknown): number {
  const address = (server as { address?: () => unknown }).address?.();
  return serverInfo.pick({ port: true }).parse(address).port;
}
