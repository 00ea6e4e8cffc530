import { Harness, type HarnessOptions } from './flightdeck-harness';
import type { StoreBackend, StoreFixture } from './stores';

export interface UpstreamBotSetup<F> {
  /** Starts the upstream's fake for one test. */
  fake: () => Promise<F>;
  /** How the bot is started against it: its env, config, clock… (the store place is given). */
  bot: (fake: F) => Omit<HarnessOptions, 'place'>;
}

/** What a test reads: the fake and the bot of the test under way. */
export class UpstreamBot<F> {
  private current?: { fake: F; h: Harness };

  set(current: { fake: F; h: Harness } | undefined): void {
    this.current = current;
  }

  private get running(): { fake: F; h: Harness } {
    if (!this.current) throw new Error('no bot: read it inside a test');
    return this.current;
  }

  get fake(): F {
    return this.running.fake;
  }

  get h(): Harness {
    return this.running.h;
  }
}

/**
 * The setup every upstream's end-to-end file shares, registered in the calling describe block: one place
 * of `backend` for the block, reset before each test, and for each test a fresh fake of the upstream and
 * a bot configured against it, both closed after the test.
 */
export function upstreamBotPerTest<F extends { close(): Promise<void> }>(
  backend: StoreBackend,
  setup: UpstreamBotSetup<F>,
): UpstreamBot<F> {
  const bot = new UpstreamBot<F>();
  let db: StoreFixture;
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => {
    await db.dispose();
  });
  beforeEach(async () => {
    await db.reset();
    const fake = await setup.fake();
    bot.set({ fake, h: await Harness.start({ ...setup.bot(fake), place: db }) });
  });
  afterEach(async () => {
    const { h, fake } = bot;
    bot.set(undefined);
    await h.close();
    await fake.close();
  });
  return bot;
}
