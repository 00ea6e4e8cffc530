import type { Kysely } from 'kysely';
import type { RunState } from '../core/runs/lifecycle';
import type { RunSummary } from '../core/runs/run-list-store';
import type { RunFilter, RunRecord } from '../core/runs/run-store';
import { runRecord } from './rows';
import type { Database } from './schema';

/**
 * Runs as lists show them, newest first. Whole records (listRuns) for those who read a run's every field;
 * summaries for listings, which read six columns and parse none of the JSON ones: a page of `/ops runs`
 * runs on the event loop between acks, and libsql reads synchronously.
 */
export class RunListQueries {
  constructor(private readonly db: Kysely<Database>) {}

  async listRuns(filter: RunFilter): Promise<RunRecord[]> {
    if (filter.states?.length === 0) return [];
    const rows = await this.matching(filter).selectAll().execute();
    return rows.map(runRecord);
  }

  async listRunSummaries(filter: RunFilter): Promise<RunSummary[]> {
    if (filter.states?.length === 0) return [];
    const rows = await this.matching(filter)
      .select(['id', 'operation_id', 'state', 'channel_id', 'requester_id', 'created_at'])
      .execute();
    return rows.map((row) => ({
      id: row.id,
      operationId: row.operation_id,
      state: row.state as RunState,
      channelId: row.channel_id,
      requesterId: row.requester_id,
      createdAt: new Date(row.created_at),
    }));
  }

  private matching(filter: RunFilter) {
    let query = this.db.selectFrom('runs');
    if (filter.channelId !== undefined) query = query.where('channel_id', '=', filter.channelId);
    if (filter.requesterId !== undefined) query = query.where('requester_id', '=', filter.requesterId);
    if (filter.states !== undefined) query = query.where('state', 'in', filter.states);
    if (filter.createdSince !== undefined)
      query = query.where('created_at', '>=', filter.createdSince.getTime());
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit);
  }
}
