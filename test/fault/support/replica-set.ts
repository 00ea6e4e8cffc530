import type { Store } from '../../../src/core/store';
import type { StoreBackend, StorePlace } from '../../support/stores';
import { BotProcess, buildBot } from './bot-process';
import { TaggingProxy, type UpstreamCall } from './upstream-log';
import { FaultWorld } from './world';

/** Bot processes on one PostgreSQL and one FaultWorld, each reaching Itential through a tagging proxy. */
export interface ReplicaSet {
  world: FaultWorld;
  store: Store;
  /** Every Itential request, tagged with the process that made it. */
  upstream: UpstreamCall[];
  /** Starts a bot process named `owner`; `env` is added to the world's environment for it. */
  startBot(owner: string, env?: Record<string, string>): Promise<{ bot: BotProcess; proxy: TaggingProxy }>;
}

/** Sets up (beforeAll) and tears down (afterAll) a replica set for the enclosing describe block. */
export function useReplicaSet(
  postgres: StoreBackend | undefined,
  worldOptions: Parameters<typeof FaultWorld.start>[0],
): ReplicaSet {
  let entry = '';
  let place: StorePlace;
  const proxies: TaggingProxy[] = [];
  const bots: BotProcess[] = [];
  const set = { upstream: [] as UpstreamCall[] } as ReplicaSet;
  set.startBot = async (owner, env = {}) => {
    const proxy = await TaggingProxy.start(set.world.itential.url, owner, set.upstream);
    proxies.push(proxy);
    const botEnv = { ...set.world.botEnv(owner, place, proxy.url), ...env };
    const bot = await BotProcess.start(entry, botEnv, set.world.logFile(owner));
    bots.push(bot);
    return { bot, proxy };
  };
  beforeAll(async () => {
    if (!postgres) return;
    entry = buildBot();
    set.world = await FaultWorld.start(worldOptions);
    place = await postgres.place();
    set.store = await place.openStore();
  });
  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.stop()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await set.world.close();
    await place.dispose();
  });
  return set;
}
