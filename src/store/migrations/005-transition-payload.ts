import type { Kysely, Migration } from 'kysely';

/**
 * `payload` (transitions): what an approval transition says, as JSON data, so the thread words it and
 * escapes what needs escaping. Nothing is converted: older approval transitions keep Flightdeck's own
 * words in `detail`, which the run message still shows.
 */
export function transitionPayload(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('transitions').addColumn('payload', 'text').execute();
    },
  };
}
