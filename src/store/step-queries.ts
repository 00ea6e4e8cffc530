import type { Kysely } from 'kysely';
import type { StepClaim, StepStore } from '../core/runs/step-store';
import type { Database } from './schema';

/** Step claims on Kysely: an insert that does nothing when the step is claimed, so one click wins everywhere. */
export class StepQueries implements StepStore {
  constructor(private readonly db: Kysely<Database>) {}

  async claimStep(claim: StepClaim): Promise<{ claimed: true } | { claimed: false; holder: StepClaim }> {
    const inserted = await this.db
      .insertInto('step_claims')
      .values({
        run_id: claim.runId,
        step_id: claim.stepId,
        actor_id: claim.actorId,
        decision: claim.decision,
        at: claim.at.getTime(),
      })
      .onConflict((oc) => oc.columns(['run_id', 'step_id']).doNothing())
      .executeTakeFirst();
    if ((inserted.numInsertedOrUpdatedRows ?? 0n) > 0n) return { claimed: true };
    // Released between the insert and the read: whoever tries next wins; this click does not.
    return { claimed: false, holder: (await this.stepClaim(claim.runId, claim.stepId)) ?? claim };
  }

  async stepClaim(runId: string, stepId: string): Promise<StepClaim | undefined> {
    const row = await this.db
      .selectFrom('step_claims')
      .selectAll()
      .where('run_id', '=', runId)
      .where('step_id', '=', stepId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      runId: row.run_id,
      stepId: row.step_id,
      actorId: row.actor_id,
      decision: row.decision === 'reject' ? 'reject' : 'approve',
      at: new Date(Number(row.at)),
    };
  }

  async releaseStep(runId: string, stepId: string, actorId: string): Promise<void> {
    await this.db
      .deleteFrom('step_claims')
      .where('run_id', '=', runId)
      .where('step_id', '=', stepId)
      .where('actor_id', '=', actorId)
      .execute();
  }
}
