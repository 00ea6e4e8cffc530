import type { Kysely } from 'kysely';
import type { Surface, SurfaceStore, SurfaceUse } from '../core/store-surfaces';
import type { Database } from './schema';

export class SurfaceQueries implements SurfaceStore {
  constructor(private readonly db: Kysely<Database>) {}

  async noteSurface(surface: Surface, at: Date): Promise<void> {
    await this.db
      .insertInto('store_surfaces')
      .values({ surface, first_at: at.getTime(), last_at: at.getTime() })
      .onConflict((oc) => oc.column('surface').doUpdateSet({ last_at: at.getTime() }))
      .execute();
  }

  async surfaceUse(surface: Surface): Promise<SurfaceUse | undefined> {
    const row = await this.db
      .selectFrom('store_surfaces')
      .select(['first_at', 'last_at'])
      .where('surface', '=', surface)
      .executeTakeFirst();
    return row && { firstAt: new Date(Number(row.first_at)), lastAt: new Date(Number(row.last_at)) };
  }
}
