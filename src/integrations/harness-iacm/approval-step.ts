import type {
  FormValues,
  HumanStep,
  Observation,
  StepActions,
  StepDecisionRequest,
  StepField,
  UpstreamRef,
} from '../../core/operations/contract';
import { txt } from '../../core/kit/text';
import { truncate } from '../../core/kit/truncate';
import { readSchemaValues, schemaForm } from '../shared/schema-fields';
import type { HarnessApi, PipelineScope } from './api';
import { APPROVE_OPERATION_ID } from './definition';
import type { ApprovalInstance } from './schemas';

/** What Harness's approval activity takes in `comments`; longer is cut. */
const MAX_COMMENT = 500;
const MAX_MESSAGE = 1500;
/** Approver inputs shown as fields; the rest are sent with their defaults. */
const MAX_FIELDS = 20;

type ApproverInput = { name: string; defaultValue?: string | null };

const inputsOf = (instance: ApprovalInstance): ApproverInput[] => instance.details?.approverInputs ?? [];

/** The approver inputs as a JSON Schema of optional strings, so that they become the shared form's text fields. */
function approverForm(inputs: ApproverInput[]) {
  const properties = Object.fromEntries(
    inputs.map((input) => [
      input.name,
      { type: 'string', ...(input.defaultValue ? { default: input.defaultValue } : {}) },
    ]),
  );
  return schemaForm({ type: 'object', properties }, { isSecretName: () => false, maxFields: MAX_FIELDS });
}

const isStepField = (field: { kind: string }): field is StepField =>
  field.kind === 'text' || field.kind === 'multiline' || field.kind === 'select';

/**
 * The waiting Harness Approvals as the steps the thread offers; their approver inputs are the fields of
 * Approve, pre-filled with Harness's defaults. Several (parallel stages) are numbered.
 */
export function approvalSteps(instances: ApprovalInstance[], observation: Observation): HumanStep[] {
  const where = observation.detail ? ` · ${observation.detail}` : '';
  return instances.map((instance, index) => {
    const message = instance.details?.approvalMessage?.trim();
    const number = instances.length > 1 ? ` ${index + 1} of ${instances.length}` : '';
    return {
      id: instance.id,
      title: `Harness approval${number}${where}`,
      ...(message ? { message: txt`${truncate(message, MAX_MESSAGE)}` } : {}),
      decisions: ['approve', 'reject'],
      fields: approverForm(inputsOf(instance)).fields.filter(isStepField),
    };
  });
}

/**
 * What the thread says the run waits for: the count of approvals when several wait, so that one decided
 * (the others still waiting) is a new state the thread shows.
 */
export function approvalsWaitingFor(count: number, waitingFor: string | undefined): string | undefined {
  if (count <= 1 || !waitingFor) return waitingFor;
  return waitingFor.replace(/^an approval/, `${count} approvals`);
}

/**
 * `iacm.approve`: approving or rejecting the followed pipeline's Harness Approval
 * (`POST /pipeline/api/approvals/{approvalInstanceId}/harness/activity`) as the key's account. Harness's own
 * rule decides whether that account may; the comment names the Slack user who clicked, since Harness sees
 * only the bot. Approver inputs carry what was typed into the step's form; inputs without a field, and every
 * input of a decision made without the form (a reject, a console), keep Harness's defaults.
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
      approverInputs: approverInputs(instance ? inputsOf(instance) : [], request.values),
    });
  }
}

/** Each approver input with what was typed in its field (blank when cleared), else its default. */
function approverInputs(inputs: ApproverInput[], values: FormValues | undefined) {
  const { fieldOf } = approverForm(inputs);
  const typed = values ? readSchemaValues(values).variables : {};
  return inputs.map(({ name, defaultValue }) => {
    const value = Object.prototype.hasOwnProperty.call(typed, name)
      ? String(typed[name])
      : values && fieldOf.has(name)
        ? ''
        : (defaultValue ?? '');
    return { name, value };
  });
}

/** Whether an observation waits on a Harness Approval (status ApprovalWaiting, §A.4). */
export function waitsForApproval(summaryStatus: string): boolean {
  return summaryStatus.toLowerCase().replace(/_/g, '') === 'approvalwaiting';
}
