import type { Kysely, Selectable } from 'kysely';
import type {
  DirectMessageKey,
  DirectMessageRecord,
  DirectMessageStore,
  DirectReason,
  NewDirectMessage,
} from '../core/direct/direct-message-store';
import { type Lease, type TransitionRecord } from '../core/runs/run-store';
import { heldUnder } from './leases';
import { transitionRecord } from './rows';
import type { Database, DirectMessagesTable } from './schema';
import { LeaseLostError } from '../core/errors';

function messageRecord(row: Selectable<DirectMessagesTable>): DirectMessageRecord {
  return {
    runId: row.run_id,
    seq: row.seq,
    userId: row.user_id,
    reason: row.reason as DirectReason,
    status: row.status as DirectMessageRecord['status'],
    channelId: row.channel_id,
    ts: row.ts,
    attemptedAt: row.attempted_at === null ? null : new Date(Number(row.attempted_at)),
    shownSeq: row.shown_seq,
    updateSeq: row.update_seq,
  };
}

/**
 * The direct messages' half of the Store on Kysely. A message is an insert that does nothing when it is
 * already recorded, so planning the same transition twice (after a crash, on a retry) tells nobody twice.
 */
export class DirectMessageQueries implements DirectMessageStore {
  constructor(private readonly db: Kysely<Database>) {}

  async planDirectMessages(messages: NewDirectMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.db
      .insertInto('direct_messages')
      .values(messages.map((m) => ({ run_id: m.runId, seq: m.seq, user_id: m.userId, reason: m.reason })))
      .onConflict((oc) => oc.columns(['run_id', 'seq', 'user_id']).doNothing())
      .execute();
  }

  async refreshDirectMessages(runId: string, reason: DirectReason, seq: number): Promise<void> {
    await this.db
      .updateTable('direct_messages')
      .set({ update_seq: seq })
      .where('run_id', '=', runId)
      .where('reason', '=', reason)
      .where('update_seq', '<', seq)
      .execute();
  }

  async closeDirectMessages(runId: string, reason: DirectReason, seq: number, again = false): Promise<void> {
    await this.db
      .updateTable('direct_messages')
      .set({ update_seq: seq })
      .where('run_id', '=', runId)
      .where('reason', '=', reason)
      .where('seq', '<', seq)
      .where('update_seq', '<', seq)
      // Otherwise a message is closed once: a later transition must not replace who decided it.
      .$if(!again, (qb) => qb.where('update_seq', '<', (eb) => eb.ref('seq')))
      .execute();
  }

  async outstandingDirectMessages(runId: string): Promise<DirectMessageRecord[]> {
    const rows = await this.db
      .selectFrom('direct_messages')
      .selectAll()
      .where('run_id', '=', runId)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'posted'), eb('update_seq', '>', eb.ref('shown_seq'))]),
        ]),
      )
      .orderBy('seq')
      .orderBy('user_id')
      .execute();
    return rows.map(messageRecord);
  }

  async markDirectAttempted(key: DirectMessageKey, lease: Lease, at: Date | null): Promise<void> {
    const marked = await this.db
      .updateTable('direct_messages')
      .set({ attempted_at: at === null ? null : at.getTime() })
      .where('run_id', '=', key.runId)
      .where('seq', '=', key.seq)
      .where('user_id', '=', key.userId)
      .where((eb) =>
        eb.exists(
          eb.selectFrom('runs').select('runs.id').where('runs.id', '=', key.runId).where(heldUnder(lease)),
        ),
      )
      // As for thread replies (SqlStore.markAttempted): a message attempted or sent since it was read means
      // this process works from an old read of a run it lost and took back; it must not send it blindly.
      .$if(at !== null, (qb) => qb.where('attempted_at', 'is', null).where('status', '=', 'pending'))
      .executeTakeFirst();
    if (marked.numUpdatedRows === 0n) throw new LeaseLostError(key.runId);
  }

  async markDirectPosted(
    key: DirectMessageKey,
    channelId: string,
    ts: string,
    shownSeq: number,
  ): Promise<void> {
    await this.byKey(key, { status: 'posted', channel_id: channelId, ts, shown_seq: shownSeq });
  }

  async markDirectShown(key: DirectMessageKey, seq: number): Promise<void> {
    await this.db
      .updateTable('direct_messages')
      .set({ shown_seq: seq })
      .where('run_id', '=', key.runId)
      .where('seq', '=', key.seq)
      .where('user_id', '=', key.userId)
      .where('shown_seq', '<', seq)
      .execute();
  }

  async skipDirectMessage(key: DirectMessageKey): Promise<void> {
    await this.byKey(key, { status: 'skipped' });
  }

  async transitionsAfter(runId: string, seq: number): Promise<TransitionRecord[]> {
    const rows = await this.db
      .selectFrom('transitions')
      .selectAll()
      .where('run_id', '=', runId)
      .where('seq', '>', seq)
      .orderBy('seq')
      .execute();
    return rows.map(transitionRecord);
  }

  async directMessagesOff(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('notify_prefs')
      .select('user_id')
      .where('user_id', 'in', userIds)
      .where('direct_messages', '=', 0)
      .execute();
    return new Set(rows.map((r) => r.user_id));
  }

  async setDirectMessages(userId: string, enabled: boolean, at: Date): Promise<void> {
    const values = { direct_messages: enabled ? 1 : 0, updated_at: at.getTime() };
    await this.db
      .insertInto('notify_prefs')
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
  }

  private async byKey(
    key: DirectMessageKey,
    set: Partial<Pick<Selectable<DirectMessagesTable>, 'status' | 'channel_id' | 'ts' | 'shown_seq'>>,
  ): Promise<void> {
    await this.db
      .updateTable('direct_messages')
      .set(set)
      .where('run_id', '=', key.runId)
      .where('seq', '=', key.seq)
      .where('user_id', '=', key.userId)
      .execute();
  }
}
