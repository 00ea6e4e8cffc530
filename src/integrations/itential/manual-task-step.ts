import type {
  HumanStep,
  StepActions,
  StepDecisionRequest,
  UpstreamRef,
} from '../../core/operations/contract';
import { UpstreamError } from '../../core/operations/problem';
import type { ItentialApi } from './api';
import { SYSTEM_ID, TASK_OPERATION_ID } from './definition';

/** Manual tasks Flightdeck reads to find the one it decides (Operations Manager lists running ones only). */
const TASK_SCAN_LIMIT = 100;

/** A running manual task of the job as the step the thread offers; its id is the task's id in the workflow. */
export function manualTaskStep(jobTaskId: string, label: string): HumanStep {
  return {
    id: jobTaskId,
    title: `Manual task '${label}'`,
    decisions: ['approve', 'reject'],
    // Whether the task's view collects values is only known from its manual-controller (UNCONFIRMED shape).
    form: false,
  };
}

/**
 * `itential.task`: claims the job's manual task for the bot's account, then finishes it — Approve takes the
 * workflow's `success` transition, Reject its `failure` one (§C.2). Claim takes the task's own `_id`, finish
 * the job id and the task's id in the workflow, so the task is looked up in the list of waiting ones first.
 */
export class ManualTasks<Input> implements StepActions<Input> {
  readonly operationId = TASK_OPERATION_ID;

  constructor(private readonly api: ItentialApi) {}

  async decide(ref: UpstreamRef<Input>, request: StepDecisionRequest): Promise<void> {
    const waiting = await this.api.waitingManualTasks(TASK_SCAN_LIMIT);
    const task = waiting.find((t) => t.job?._id === ref.upstreamId && t.job.task === request.stepId);
    if (!task) {
      throw new UpstreamError({
        system: SYSTEM_ID,
        action: request.decision === 'approve' ? 'approve the manual task' : 'reject the manual task',
        kind: 'http',
        message: `Itential lists no running manual task ${request.stepId} in job ${ref.upstreamId}.`,
        hint: 'Someone may have finished it in Itential already; the thread will show where the job is now.',
        retryable: false,
      });
    }
    await this.api.claimTask(task._id);
    await this.api.finishTask(
      ref.upstreamId,
      request.stepId,
      request.decision === 'approve' ? 'success' : 'failure',
    );
  }
}
