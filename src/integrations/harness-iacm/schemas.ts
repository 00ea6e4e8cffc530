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
  versions: z.array(z.string()).nullish().catch(undefined),
});
export type HarnessModule = z.infer<typeof moduleSchema>;

const optionalText = z.string().nullish().catch(undefined);

/** One variable of `GET /iacm/api/modules/{id}/metadata` (§A.2); the default is a string whatever the type. */
export const moduleVariableSchema = z.looseObject({
  variable_name: z.string().min(1),
  variable_type: optionalText,
  variable_default: z.unknown().optional(),
  variable_required: z.boolean().nullish().catch(undefined),
  variable_sensitive: z.boolean().nullish().catch(undefined),
  variable_description: optionalText,
});
export type ModuleVariable = z.infer<typeof moduleVariableSchema>;

/** A variable Flightdeck cannot read is left out rather than failing the whole form. */
export const moduleMetadataSchema = z.looseObject({
  module_version: optionalText,
  variables: z
    .array(z.unknown())
    .nullish()
    .transform((items) =>
      (items ?? []).flatMap((item) => {
        const parsed = moduleVariableSchema.safeParse(item);
        return parsed.success ? [parsed.data] : [];
      }),
    ),
});

/** An org, project or pipeline as the NextGen lists name it. */
const entitySchema = z.looseObject({
  identifier: z.string().min(1),
  name: z.string().nullish().catch(undefined),
});
export type HarnessEntity = z.infer<typeof entitySchema>;

/**
 * A NextGen page (`{status, data: {content: […]}}`) whose items are the entity itself (pipelines) or wrap it
 * (`{organization: …}`, `{project: …}`); an item of another shape is skipped.
 */
export const ngPageSchema = (wrapper?: string) =>
  z.looseObject({
    data: z.looseObject({
      content: z
        .array(z.unknown())
        .nullish()
        .transform((items) =>
          (items ?? []).flatMap((item) => {
            const inner =
              wrapper && typeof item === 'object' && item !== null && wrapper in item
                ? (item as Record<string, unknown>)[wrapper]
                : item;
            const parsed = entitySchema.safeParse(inner);
            return parsed.success ? [parsed.data] : [];
          }),
        ),
    }),
  });

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
