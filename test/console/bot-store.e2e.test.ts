import { Harness } from '../support/flightdeck-harness';
import { storeBackends, type StorePlace } from '../support/stores';
import { ConsoleDriver } from './console-driver';

const sqlite = storeBackends().find((backend) => backend.name === 'sqlite');

/**
 * The console follows every run and digest its store holds: pointed at the bot's store it would take them
 * over, printing their updates here instead of in their threads. It refuses that store and changes nothing.
 */
describe('the console on the Slack bot’s store', () => {
  let place: StorePlace;
  beforeEach(async () => {
    if (!sqlite) throw new Error('the SQLite backend is always there');
    place = await sqlite.place();
  });
  afterEach(() => place.dispose());

  test('refuses it, says why and what to do, and leaves it untouched', async () => {
    const harness = await Harness.start({ place });
    await harness.close();

    const driver = new ConsoleDriver([], { env: { DATA_DIR: place.options.dataDir } });
    expect(await driver.exited).toBe(2);
    expect(driver.transcript).toContain('This store is the Slack bot');
    expect(driver.transcript).toContain('Give the console a store of its own: another DATA_DIR.');

    const store = await place.openStore();
    await expect(store.surfaceUse('console')).resolves.toBeUndefined();
  });

  test('takes a store of its own, and notes itself there', async () => {
    const driver = new ConsoleDriver([], { env: { DATA_DIR: place.options.dataDir } });
    await driver.until('U0CONSOLE1@#C0CONSOLE1> ');
    expect(await driver.quit()).toBe(0);
    const store = await place.openStore();
    await expect(store.surfaceUse('console')).resolves.toBeDefined();
    await expect(store.surfaceUse('slack')).resolves.toBeUndefined();
  });
});
