import { z } from 'zod';

/**
 * Shapes of Itential's answers (upstream-apis.md §C). Loose everywhere: Itential adds fields, and a
 * field with an unexpected type degrades to "absent" rather than failing the whole answer.
 */

const optionalString = z.string().optional().catch(undefined);

export const workflowSchema = z.looseObject({
  name: z.string().min(1),
  description: optionalString,
  inputSchema: z.unknown().optional(),
});
export type Workflow = z.infer<typeof workflowSchema>;

/** `GET /automation-studio/workflows`: `{items, total}`, not the Operations Manager envelope. */
export const workflowListSchema = z.looseObject({
  items: z.array(z.unknown()),
  total: z.number().optional().catch(undefined),
});

/** `GET /automation-studio/workflows/detailed/{name}`: the workflow, or `{}` when the caller may not see it. */
export const workflowDetailSchema = z.looseObject({
  name: optionalString,
  inputSchema: z.unknown().optional(),
});

const jobErrorSchema = z.looseObject({
  task: optionalString,
  /** A string, or an adapter error object nesting the real message. */
  message: z.unknown(),
  timestamp: z.number().optional().catch(undefined),
});
export type JobError = z.infer<typeof jobErrorSchema>;

const taskSchema = z.looseObject({
  name: optionalString,
  summary: optionalString,
  type: optionalString,
  status: optionalString,
});
export type JobTask = z.infer<typeof taskSchema>;

export const jobSchema = z.looseObject({
  _id: z.string().min(1),
  name: optionalString,
  description: optionalString,
  status: optionalString,
  error: z
    .array(jobErrorSchema.catch({ message: undefined }))
    .nullish()
    .catch(undefined),
  tasks: z.record(z.string(), taskSchema.catch({})).nullish().catch(undefined),
  metrics: z
    .looseObject({
      progress: z.number().optional().catch(undefined),
      start_time: z.union([z.number(), z.string()]).optional().catch(undefined),
    })
    .nullish()
    .catch(undefined),
});
export type Job = z.infer<typeof jobSchema>;

/** Operations Manager's `{message, data, metadata}` envelope. */
export const envelope = <T extends z.ZodType>(data: T) => z.looseObject({ message: optionalString, data });

export const jobListSchema = envelope(z.array(z.unknown()));
export const messageSchema = envelope(z.unknown().optional());

/** A task from `GET /operations-manager/tasks`: its own `_id` (claim), and `job._id`/`job.task` (finish). */
export const manualTaskSchema = z.looseObject({
  _id: z.string().min(1),
  name: optionalString,
  type: optionalString,
  status: optionalString,
  job: z.looseObject({ _id: optionalString, task: optionalString }).optional().catch(undefined),
});
export type ManualTask = z.infer<typeof manualTaskSchema>;
