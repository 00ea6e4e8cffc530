import type {
  HumanStep,
  Observation,
  StepActions,
  StepDecisionRequest,
  UpstreamRef,
} from '../../core/operations/contract';
import { txt } from '../../core/kit/text';
import { truncate } from '../../core/kit/truncate';
import type { HarnessApi, PipelineScope } from './api';
import { APPROVE_OPERATION_ID } from './definition';
import type { ApprovalInstance } from './schemas';

/** What Harness's approval activity takes in `comments`; longer is cut. */
const MAX_COMMENT = 500;
const MAX_MESSAGE = 1500;

/** A waiting Harness Approval as the step the thread offers. */
export function approvalStep(instance: ApprovalInstance, observation: Observation): HumanStep {
  const message = instance.details?.approvalMessage?.trim();
  const inputs = instance.details?.approverInputs ?? [];
  return {
    id: instance.id,
    title: `Harness approval${observation.detail ? ` · ${observation.detail}` : ''}`,
    ...(message ? { message: txt`${truncate(message, MAX_MESSAGE)}` } : {}),
    decisions: ['approve', 'reject'],
    form: inputs.length > 0,
  };
}

/**
 * `iacm.approve`: approving or rejecting the followed pipeline's Harness Approval
 * (`POST /pipeline/api/approvals/{approvalInstanceId}/harness/activity`) as the key's account. Harness's own
 * rule decides whether that account may; the comment names the Slack user who clicked, since Harness sees
 * only the bot. Approver inputs are sent with the step's defaults (Flightdeck collects no values).
 */
export class PipelineApprovals<Input> implements StepActions<Input> {
  readonly operationId = APPROVE_OPERATION_ID;

  constructor(
    private readonly api: HarnessApi,
    private readonly scopeOf: (input: Input) => PipelineScope,
  ) {}

  async decide(ref: UpstreamRef<Input>, request: StepDecisionRequest): Promise<void> {
    const waiting = await this.api.waitingApprovals(ref.upstreamId, this.scopeOf(ref.input)).catch(() => []);
    const instance = waiting.find((a) => a.id === request.stepId);
    const who = request.actor.name ? `${request.actor.name} (${request.actor.id})` : request.actor.id;
    const verb = request.decision === 'approve' ? 'Approved' : 'Rejected';
    await this.api.addApprovalActivity(request.stepId, {
      action: request.decision === 'approve' ? 'APPROVE' : 'REJECT',
      comments: truncate(
        `${verb} in Slack by ${who} through Flightdeck (run ${request.runId}).`,
        MAX_COMMENT,
      ),
      approverInputs: (instance?.details?.approverInputs ?? []).map((input) => ({
        name: input.name,
        value: input.defaultValue ?? '',
      })),
    });
  }
}

/** Whether an observation waits on a Harness Approval (status ApprovalWaiting, §A.4). */
export function waitsForApproval(summaryStatus: string): boolean {
  return summaryStatus.toLowerCase().replace(/_/g, '') === 'approvalwaiting';
}
