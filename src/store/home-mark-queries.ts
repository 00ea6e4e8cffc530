import type { Kysely } from 'kysely';
import type { HomeMarkStore } from '../core/direct/home-mark-store';
import type { Database } from './schema';

/**
 * Home marks in one table. A claim is one conditional update (on PostgreSQL, a concurrent claim waits for
 * the other to commit, then finds the mark held), so two replicas never both take the same mark.
 */
export class HomeMarkQueries implements HomeMarkStore {
  constructor(private readonly db: Kysely<Database>) {}

  async markHomes(userIds: string[], at: Date): Promise<void> {
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return;
    await this.db
      .insertInto('home_marks')
      .values(unique.map((userId) => ({ user_id: userId, version: 1, marked_at: at.getTime() })))
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet((eb) => ({ version: eb('home_marks.version', '+', 1) })),
      )
      .execute();
  }

  async unclaimedHomes(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('home_marks')
      .select('user_id')
      .where((eb) => eb.or([eb('claim_until', 'is', null), eb('claim_until', '<=', now.getTime())]))
      .orderBy('marked_at')
      .orderBy('user_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async claimHome(userId: string, owner: string, now: Date, until: Date): Promise<number | undefined> {
    const row = await this.db
      .updateTable('home_marks')
      .set({ claimed_by: owner, claim_until: until.getTime() })
      .where('user_id', '=', userId)
      .where((eb) =>
        eb.or([
          eb('claim_until', 'is', null),
          eb('claim_until', '<=', now.getTime()),
          eb('claimed_by', '=', owner),
        ]),
      )
      .returning('version')
      .executeTakeFirst();
    return row?.version;
  }

  async clearHome(userId: string, owner: string, version: number): Promise<void> {
    const cleared = await this.db
      .deleteFrom('home_marks')
      .where('user_id', '=', userId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (cleared.numDeletedRows > 0n) return;
    await this.db
      .updateTable('home_marks')
      .set({ claimed_by: null, claim_until: null })
      .where('user_id', '=', userId)
      .where('claimed_by', '=', owner)
      .execute();
  }
}
