import { silentLog } from '../../src/core/kit/log';
import { connect } from '../../src/store/connection';
import { storeBackends, type StorePlace } from '../support/stores';

const postgres = storeBackends().find((b) => b.name === 'postgres');

/**
 * Replicas and test workers migrate and drop schemas of one database at the same time. Kysely's own
 * introspector read every schema's columns through name lookups that fail while another schema changes
 * ("column … of relation runs does not exist"), failing a migration that had nothing to do with it.
 */
(postgres ? describe : describe.skip)('PostgreSQL introspection for the migrator', () => {
  const places: StorePlace[] = [];
  afterAll(() => Promise.all(places.map((p) => p.dispose())));

  it('sees only the tables of the store’s own schema, not those of another store in the same database', async () => {
    if (!postgres) return;
    const [mine, other] = [await postgres.place(), await postgres.place()];
    places.push(mine, other);
    await Promise.all([mine.openStore(), other.openStore()]);
    const { db } = await connect({ ...mine.options, log: silentLog });
    try {
      const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
      expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([mine.options.schema]));
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['runs', 'flightdeck_migration']));
    } finally {
      await db.destroy();
    }
  });

  it('migrates fresh schemas while another schema is altered and dropped over and over', async () => {
    if (!postgres) return;
    const churn = await postgres.place();
    places.push(churn);
    await churn.openStore();
    const { db } = await connect({ ...churn.options, log: silentLog });
    let stop = false;
    const altering = (async () => {
      for (let i = 0; !stop; i += 1) {
        await db.schema.alterTable('runs').addColumn(`churn_${i}`, 'integer').execute();
        await db.schema.alterTable('runs').dropColumn(`churn_${i}`).execute();
      }
    })();
    try {
      for (let i = 0; i < 5; i += 1) {
        const place = await postgres.place();
        places.push(place);
        await expect(place.openStore()).resolves.toBeDefined();
      }
    } finally {
      stop = true;
      await altering;
      await db.destroy();
    }
  }, 120_000);
});
