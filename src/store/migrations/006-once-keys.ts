import type { Kysely, Migration } from 'kysely';

/**
 * Keys claimed once across replicas until they expire (core/kit/once-store.ts): the primary key makes a
 * claim one insert-or-ignore; the expiry index serves the periodic sweep.
 */
export function onceKeys(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('once_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('once_keys_expires').on('once_keys').column('expires_at').execute();
    },
  };
}
