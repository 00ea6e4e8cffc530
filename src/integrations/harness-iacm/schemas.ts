import { z } from 'zod';

/** Loose everywhere: Harness adds fields, and status words are not a closed set. */

export const goaErrorSchema = z.looseObject({
  name: z.string(),
  id: z.string(),
  message: z.string(),
  temporary: z.boolean().optional(),
  timeout: z.boolean().optional(),
  fault: z.boolean().optional(),
});
export type GoaError = z.infer<typeof goaErrorSchema>;

/** The NextGen (pipeline service) envelope; errors carry `status: ERROR|FAILURE` and a code. */
export const ngErrorSchema = z.looseObject({
  status: z.string(),
  code: z.string(),
  message: z.string().nullish(),
  correlationId: z.string().nullish(),
  detailedMessage: z.string().nullish(),
  responseMessages: z.array(z.looseObject({ message: z.string().nullish() })).nullish(),
});
export type NgError = z.infer<typeof ngErrorSchema>;

export const moduleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  system: z.string().nullish(),
  description: z.string().nullish(),
  org: z.string().nullish(),
  project: z.string().nullish(),
});
export type HarnessModule = z.infer<typeof moduleSchema>;

const stringish = z.union([z.string(), z.number()]).transform(String);

export const moduleExecutionSchema = z.looseObject({
  account: z.string().nullish(),
  created: z.number().nullish(),
  moduleId: z.string().nullish(),
  org: z.string().nullish(),
  project: z.string().nullish(),
  status: z.string().nullish(),
  metadata: z
    .looseObject({
      pipeline: z.string().nullish(),
      pipeline_execution_id: z.string().nullish(),
      pipeline_execution_number: stringish.nullish(),
      pipeline_name: z.string().nullish(),
      pipeline_stage_id: z.string().nullish(),
      trigger: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
});
export type ModuleExecution = z.infer<typeof moduleExecutionSchema>;

const failureInfoSchema = z.looseObject({
  message: z.string().nullish(),
  responseMessages: z.array(z.looseObject({ message: z.string().nullish() })).nullish(),
});

export const layoutNodeSchema = z.looseObject({
  nodeType: z.string().nullish(),
  nodeGroup: z.string().nullish(),
  nodeIdentifier: z.string().nullish(),
  nodeUuid: z.string().nullish(),
  name: z.string().nullish(),
  status: z.string().nullish(),
  failureInfo: failureInfoSchema.nullish(),
});
export type LayoutNode = z.infer<typeof layoutNodeSchema>;

export const pipelineSummarySchema = z.looseObject({
  planExecutionId: z.string().nullish(),
  pipelineIdentifier: z.string().nullish(),
  name: z.string().nullish(),
  status: z.string(),
  runSequence: z.number().nullish(),
  startTs: z.number().nullish(),
  endTs: z.number().nullish(),
  failureInfo: failureInfoSchema.nullish(),
  executionErrorInfo: z.looseObject({ message: z.string().nullish() }).nullish(),
  layoutNodeMap: z.record(z.string(), layoutNodeSchema).nullish(),
});
export type PipelineSummary = z.infer<typeof pipelineSummarySchema>;

export const pipelineExecutionSchema = z.looseObject({
  status: z.string().nullish(),
  data: z.looseObject({ pipelineExecutionSummary: pipelineSummarySchema }),
});

export const interruptSchema = z.looseObject({ status: z.string().nullish() });

/**
 * An approval instance from `GET /pipeline/api/v1/orgs/{org}/projects/{project}/approvals/execution/{id}`
 * (ApprovalInstanceResponseBody; `details` is HarnessApprovalInstanceDetails for type HarnessApproval).
 */
export const approvalInstanceSchema = z.looseObject({
  id: z.string(),
  type: z.string().nullish(),
  status: z.string().nullish(),
  deadline: z.number().nullish(),
  details: z
    .looseObject({
      approvalMessage: z.string().nullish(),
      approverInputs: z
        .array(z.looseObject({ name: z.string(), defaultValue: z.string().nullish() }))
        .nullish(),
    })
    .nullish(),
});
export type ApprovalInstance = z.infer<typeof approvalInstanceSchema>;

/** `ResponseDTO<ApprovalInstanceResponse>` of the approval activity. */
export const approvalActivityResponseSchema = z.looseObject({ status: z.string().nullish() });
