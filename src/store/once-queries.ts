import type { Kysely } from 'kysely';
import type { OnceStore } from '../core/kit/once-store';
import type { Database } from './schema';

/**
 * Once-keys in one table. A claim is a single statement, no transaction: the insert, or the takeover of a
 * key whose claim expired, returns the row; a key claimed and still fresh returns nothing. On PostgreSQL a
 * concurrent claim of the same key waits for the other to commit, then finds it claimed.
 */
export class OnceQueries implements OnceStore {
  constructor(private readonly db: Kysely<Database>) {}

  async claimOnce(key: string, expiresAt: Date, now: Date): Promise<boolean> {
    const row = await this.db
      .insertInto('once_keys')
      .values({ key, expires_at: expiresAt.getTime() })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') }))
          .where('once_keys.expires_at', '<=', now.getTime()),
      )
      .returning('key')
      .executeTakeFirst();
    return row !== undefined;
  }

  async sweepOnceKeys(now: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('once_keys')
      .where('expires_at', '<=', now.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
