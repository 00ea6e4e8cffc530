import type { Policy } from '../policy/policy';
import type { Registry } from '../operations/registry';
import type { RunStore } from '../runs/run-store';
import type { ApprovalStore } from './approval-store';
import type { ApprovalView } from './board';
import { approvalView, recordedNeed } from './flow';

/** Pending requests read past what is shown: most belong to other approvers. */
const SCANNED = 200;

/**
 * The approval requests one person may decide now: pending, not theirs, not yet voted on by them, and
 * naming them as an approver (directly or through a group). The vote itself checks the policy again.
 */
export class ApprovalInbox {
  constructor(
    private readonly deps: {
      store: Pick<RunStore, 'listRuns'> & Pick<ApprovalStore, 'getApproval'>;
      policy: Pick<Policy, 'isApprover'>;
      registry: Registry;
    },
  ) {}

  /** Oldest first (the one closest to expiring), at most `limit` and one more, so a surface can say there are more. */
  async decidableBy(userId: string, limit: number): Promise<ApprovalView[]> {
    const { store, policy } = this.deps;
    const runs = await store.listRuns({ states: ['awaiting_approval'], limit: SCANNED });
    const found: ApprovalView[] = [];
    for (const run of runs.reverse()) {
      if (found.length > limit) break;
      if (run.requesterId === userId) continue;
      const status = await store.getApproval(run.id);
      if (!status || status.request.outcome !== null) continue;
      if (status.votes.some((v) => v.approverId === userId)) continue;
      if (await policy.isApprover(userId, recordedNeed(status.request)))
        found.push(approvalView(this.deps, run, status));
    }
    return found;
  }
}
