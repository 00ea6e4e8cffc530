import type { Kysely, Selectable } from 'kysely';
import type {
  ApprovalOutcome,
  ApprovalRequestRecord,
  ApprovalStatus,
  ApprovalStore,
  ApprovalVoteRecord,
  NewApprovalRequest,
} from '../core/approvals/approval-store';
import type { RunPatch, RunRecord } from '../core/runs/run-store';
import { patchRow, runRecord } from './rows';
import type { ApprovalRequestsTable, ApprovalVotesTable, Database } from './schema';

const dateOrNull = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

function requestRecord(row: Selectable<ApprovalRequestsTable>): ApprovalRequestRecord {
  return {
    runId: row.run_id,
    rule: row.rule,
    approvers: JSON.parse(row.approvers) as ApprovalRequestRecord['approvers'],
    required: row.required,
    channelId: row.channel_id,
    messageTs: row.message_ts,
    fingerprint: row.fingerprint,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    outcome: row.outcome as ApprovalOutcome | null,
    decidedBy: row.decided_by,
    decidedAt: dateOrNull(row.decided_at),
  };
}

function voteRecord(row: Selectable<ApprovalVotesTable>): ApprovalVoteRecord {
  return {
    runId: row.run_id,
    approverId: row.approver_id,
    vote: row.vote === 'reject' ? 'reject' : 'approve',
    at: new Date(row.at),
  };
}

/**
 * The approval half of the Store on Kysely. A vote is an insert that does nothing when the person already
 * voted; the decision is one conditional UPDATE of the run out of awaiting_approval, in the same transaction
 * as the request's outcome, so it holds across processes sharing PostgreSQL.
 */
export class ApprovalQueries implements ApprovalStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date,
  ) {}

  async createApprovalRequest(request: NewApprovalRequest): Promise<void> {
    await this.db
      .insertInto('approval_requests')
      .values({
        run_id: request.runId,
        rule: request.rule,
        approvers: JSON.stringify(request.approvers),
        required: request.required,
        channel_id: request.channelId,
        fingerprint: request.fingerprint,
        created_at: request.createdAt.getTime(),
        expires_at: request.expiresAt.getTime(),
      })
      .onConflict((oc) => oc.column('run_id').doNothing())
      .execute();
  }

  async getApproval(runId: string): Promise<ApprovalStatus | undefined> {
    const row = await this.db
      .selectFrom('approval_requests')
      .selectAll()
      .where('run_id', '=', runId)
      .executeTakeFirst();
    if (!row) return undefined;
    const votes = await this.db
      .selectFrom('approval_votes')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('at')
      .orderBy('approver_id')
      .execute();
    return { request: requestRecord(row), votes: votes.map(voteRecord) };
  }

  async setApprovalMessage(runId: string, ts: string): Promise<void> {
    await this.db
      .updateTable('approval_requests')
      .set({ message_ts: ts })
      .where('run_id', '=', runId)
      .execute();
  }

  async castVote(vote: ApprovalVoteRecord): Promise<{ recorded: boolean; approvals: number }> {
    const inserted = await this.db
      .insertInto('approval_votes')
      .values({ run_id: vote.runId, approver_id: vote.approverId, vote: vote.vote, at: vote.at.getTime() })
      .onConflict((oc) => oc.columns(['run_id', 'approver_id']).doNothing())
      .executeTakeFirst();
    // Counted after the insert committed: of two approvers voting at once, the later one sees both votes.
    const counted = await this.db
      .selectFrom('approval_votes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('run_id', '=', vote.runId)
      .where('vote', '=', 'approve')
      .executeTakeFirstOrThrow();
    return { recorded: (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n, approvals: Number(counted.n) };
  }

  settleApproval(
    runId: string,
    outcome: { outcome: ApprovalOutcome; by: string | null; at: Date },
    patch: RunPatch,
  ): Promise<RunRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('runs')
        // The winner takes the run's lease over (the patch names it): a claim, so under a new token.
        .set((eb) => ({
          ...patchRow(patch),
          lease_token: eb('lease_token', '+', 1),
          updated_at: this.now().getTime(),
        }))
        .where('id', '=', runId)
        .where('state', '=', 'awaiting_approval')
        .returningAll()
        .executeTakeFirst();
      if (!row) return undefined;
      await trx
        .updateTable('approval_requests')
        .set({ outcome: outcome.outcome, decided_by: outcome.by, decided_at: outcome.at.getTime() })
        .where('run_id', '=', runId)
        .execute();
      return runRecord(row);
    });
  }
}
