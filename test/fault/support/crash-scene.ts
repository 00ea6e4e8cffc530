import type { Store } from '../../../src/core/store';
import { scripts } from '../../fakes/itential';
import { storeBackends, type StorePlace } from '../../support/stores';
import { BotProcess, buildBot } from './bot-process';
import { FaultWorld } from './world';

/** What a crash test of one describe block works with: one world and one embedded store for the block. */
export class CrashScene {
  private current?: { entry: string; world: FaultWorld; place: StorePlace; store: Store };
  private readonly bots: BotProcess[] = [];

  set(current: CrashScene['current']): void {
    this.current = current;
  }

  private get ready(): NonNullable<CrashScene['current']> {
    if (!this.current) throw new Error('no crash scene: read it inside a test');
    return this.current;
  }

  get world(): FaultWorld {
    return this.ready.world;
  }

  get place(): StorePlace {
    return this.ready.place;
  }

  /** The store the bot processes share, opened by the test to seed and read it. */
  get store(): Store {
    return this.ready.store;
  }

  /** A bot process `owner` on the scene's store, with `env` over the world's; stopped after the block. */
  async startBot(owner: string, env: Record<string, string> = {}): Promise<BotProcess> {
    const { entry, world, place } = this.ready;
    const bot = await BotProcess.start(
      entry,
      { ...world.botEnv(owner, place), ...env },
      world.logFile(owner),
    );
    this.bots.push(bot);
    return bot;
  }

  /** Stops every bot started, then closes the store, the world and the place. */
  async close(): Promise<void> {
    await Promise.all(this.bots.map((bot) => bot.stop()));
    const { world, place, store } = this.ready;
    this.set(undefined);
    await store.close();
    await world.close();
    await place.dispose();
  }
}

/**
 * The setup the crash tests share, registered in the calling describe block: the bot built once, a fault
 * world of `channels` channels whose Itential jobs run to success, and a place of the embedded store.
 */
export function crashScenePerBlock(channels: number): CrashScene {
  const sqlite = storeBackends().find((b) => b.name === 'sqlite');
  if (!sqlite) throw new Error('the embedded store is always available');
  const scene = new CrashScene();
  beforeAll(async () => {
    const entry = buildBot();
    const world = await FaultWorld.start({ channels, script: scripts.happy() });
    const place = await sqlite.place();
    scene.set({ entry, world, place, store: await place.openStore() });
  });
  afterAll(() => scene.close());
  return scene;
}
