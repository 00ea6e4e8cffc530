import { z } from 'zod';

/**
 * Harness entity identifiers (org, project, pipeline, stage): a letter or underscore, then letters, digits,
 * `_` or `$`, at most 128 characters (Harness's identifier rule).
 */
export const harnessIdentifier = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(128, `${what} is at most 128 characters`)
    .regex(
      /^[A-Za-z_][A-Za-z0-9_$]*$/,
      `${what} must be a Harness identifier: a letter or _ first, then letters, digits, _ or $ (the identifier, not the display name)`,
    );

/**
 * A pipeline stage: its identifier, or the stage node's id from the execution graph. Which of the two IaCM
 * expects is not documented, so both shapes pass (node ids also contain `-`).
 */
export const stageIdentifier = z
  .string({ error: 'Pipeline stage id is required' })
  .trim()
  .min(1, 'Pipeline stage id is required')
  .max(128, 'Pipeline stage id is at most 128 characters')
  .regex(/^[A-Za-z0-9_$-]+$/, 'Pipeline stage id may contain only letters, digits, _, $ and -');

const EXECUTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** People paste the execution's address from the browser; its id is the segment after `/executions/`. */
export function executionIdFrom(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  const fromUrl = /\/executions\/([A-Za-z0-9_-]+)/.exec(trimmed);
  return fromUrl ? fromUrl[1] : trimmed;
}

export const pipelineExecutionId = z.preprocess(
  executionIdFrom,
  z
    .string({ error: 'Pipeline execution id is required' })
    .min(1, 'Pipeline execution id is required')
    .regex(
      EXECUTION_ID,
      'Pipeline execution id must be 1-64 letters, digits, _ or - (the id in the execution address …/executions/<id>/pipeline)',
    ),
);

/** Module ids are UUIDs in Harness; a module can also be named (`name:<module name>`) when it came from the command line. */
export const MODULE_NAME_PREFIX = 'name:';

export const moduleRef = z
  .string({ error: 'Pick a module' })
  .trim()
  .min(1, { error: 'Pick a module', abort: true })
  .max(200, 'Module is at most 200 characters')
  .refine(
    (v) =>
      v.startsWith(MODULE_NAME_PREFIX)
        ? v.length > MODULE_NAME_PREFIX.length
        : /^[A-Za-z0-9_-]{1,64}$/.test(v),
    'Pick a module from the list',
  );

export const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;
