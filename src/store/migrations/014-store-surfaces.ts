import type { Kysely, Migration } from 'kysely';

/** Which surfaces (the Slack bot, the console) have used this store (core/store-surfaces.ts). */
export function storeSurfaces(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('store_surfaces')
        .addColumn('surface', 'text', (c) => c.primaryKey())
        .addColumn('first_at', 'bigint', (c) => c.notNull())
        .addColumn('last_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
