import { z } from 'zod';
import type {
  FieldErrors,
  FormValues,
  HumanStep,
  StepActions,
  StepDecisionRequest,
  StepField,
  UpstreamRef,
} from '../../core/operations/contract';
import { parseForm } from '../../core/operations/forms';
import { UpstreamError } from '../../core/operations/problem';
import { parseJsonObject } from '../shared/json-object-text';
import type { ItentialApi } from './api';
import { SYSTEM_ID, TASK_OPERATION_ID } from './definition';

/** Manual tasks Flightdeck reads to find the one it decides (Operations Manager lists running ones only). */
const TASK_SCAN_LIMIT = 100;

/** The form's one field: the task's `taskData.variables`, as a JSON object. */
const VARIABLES_FIELD = 'variables';

/**
 * What a task asks for is not in any documented answer (the manual controller's `variables` hold the task's
 * incoming and outgoing values, not a form), so Approve offers `taskData.variables` as an optional JSON box.
 */
const variablesField: StepField = {
  id: VARIABLES_FIELD,
  kind: 'multiline',
  label: 'Task variables (JSON)',
  optional: true,
  placeholder: '{"ticket": "CHG-1"}',
  hint: 'Sent to Itential as the task’s variables when it is finished; leave empty to send none.',
  maxLength: 3000,
};

const formSchema = z.object({
  [VARIABLES_FIELD]: z
    .string()
    .optional()
    .transform((text, ctx) => parseJsonObject(text?.trim() ?? '', ctx)),
});

/** A running manual task of the job as the step the thread offers; its id is the task's id in the workflow. */
export function manualTaskStep(jobTaskId: string, label: string): HumanStep {
  return {
    id: jobTaskId,
    title: `Manual task '${label}'`,
    decisions: ['approve', 'reject'],
    fields: [variablesField],
  };
}

/** The JSON box's object, or its mistake under the box. */
function readVariables(values: FormValues | undefined) {
  const parsed = parseForm({ input: formSchema }, values ?? {});
  return parsed.ok
    ? { variables: parsed.input[VARIABLES_FIELD], errors: undefined }
    : { variables: {}, errors: parsed.errors };
}

/**
 * `itential.task`: claims the job's manual task for the bot's account, then finishes it — Approve takes the
 * workflow's `success` transition with the variables typed into the step's form, Reject its `failure` one
 * (§C.2). Claim takes the task's own `_id`, finish the job id and the task's id in the workflow, so the task
 * is looked up in the list of waiting ones first.
 */
export class ManualTasks<Input> implements StepActions<Input> {
  readonly operationId = TASK_OPERATION_ID;

  constructor(private readonly api: ItentialApi) {}

  checkForm(values: FormValues): FieldErrors | undefined {
    return readVariables(values).errors;
  }

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
      request.decision === 'approve' ? readVariables(request.values).variables : {},
    );
  }
}
