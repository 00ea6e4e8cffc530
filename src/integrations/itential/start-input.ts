import { z } from 'zod';
import type { FormContext, FormField, FormValues } from '../../core/operations/contract';
import { truncate } from '../../core/kit/truncate';
import { readSchemaValues, type SchemaForm } from '../shared/schema-fields';
import { parseJsonObject } from '../shared/json-object-text';

/** What `itential.start` runs with; form field ids are these keys, and one per input of the workflow's schema. */
export interface StartInput {
  workflow: string;
  description?: string;
  type: string;
  /** The job's variables but the secret ones: from the schema's fields and the JSON box. */
  variables: Record<string, unknown>;
  /** Variables typed in secret fields, sealed (`SecretScrubber.seal`): sent with the others, never shown or stored in clear. */
  secrets?: string;
  groups: string[];
}

export const FIELD = {
  workflow: 'workflow',
  description: 'description',
  type: 'type',
  variables: 'variables',
  groups: 'groups',
} as const satisfies Record<Exclude<keyof StartInput, 'secrets'>, keyof StartInput>;

/** Fields beyond these many stay in the JSON box: Slack shows at most 100 blocks and the form has 5 more. */
export const MAX_INPUT_FIELDS = 40;

const GROUP_ID = /^[0-9a-f]{24}$/i;
const MAX_DESCRIPTION = 300;

/** Form text, trimmed; an absent field reads as empty. */
const formText = z.preprocess(
  (v) => (v === undefined || v === null ? '' : typeof v === 'string' ? v.trim() : v),
  z.string(),
);

function parseGroups(text: string, ctx: z.RefinementCtx): string[] {
  const words = text.split(/[\s,;]+/).filter((w) => w !== '');
  const invalid = words.filter((w) => !GROUP_ID.test(w));
  if (invalid.length > 0) {
    const named = truncate(invalid.map((w) => `'${truncate(w, 40)}'`).join(', '), 400);
    ctx.addIssue({
      code: 'custom',
      message: `Not a group id (24 hex characters, e.g. b0bc20ec3a3e5e90bac881e7): ${named}`,
    });
    return z.NEVER;
  }
  return [...new Set(words.map((w) => w.toLowerCase()))];
}

/**
 * Parses the modal's values. `resolveWorkflow` turns a picker value back into the workflow name
 * (long names travel as short keys).
 */
export function startInputSchema(
  resolveWorkflow: (value: string) => string | undefined,
  defaultType: string,
  seal: (secrets: Record<string, unknown>) => string,
): z.ZodType<StartInput> {
  return z
    .looseObject({
      workflow: formText.pipe(z.string().min(1, 'Pick a workflow')).transform((value, ctx) => {
        const name = resolveWorkflow(value);
        if (name === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: 'Pick the workflow again: the list it came from has expired',
          });
          return z.NEVER;
        }
        return name;
      }),
      description: formText
        .pipe(z.string().max(MAX_DESCRIPTION, `At most ${MAX_DESCRIPTION} characters`))
        .transform((v) => (v === '' ? undefined : v)),
      type: formText
        .transform((v) => (v === '' ? defaultType : v))
        .pipe(z.string().regex(/^[\w.:-]+$/, 'Use a job type such as "automation" or "resource:action"')),
      variables: formText.transform(parseJsonObject),
      groups: formText.transform(parseGroups),
    })
    .transform((form, ctx): StartInput => {
      const { workflow, description, type, variables, groups } = form;
      const typed = readSchemaValues(form as FormValues);
      for (const [field, message] of Object.entries(typed.errors)) {
        ctx.addIssue({ code: 'custom', path: [field], message });
      }
      const twice = Object.keys(variables).filter(
        (name) => Object.hasOwn(typed.variables, name) || Object.hasOwn(typed.secrets, name),
      );
      if (twice.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: [FIELD.variables],
          message: `Set in its own field already: ${truncate(twice.join(', '), 300)}. Remove it from the JSON.`,
        });
      }
      const secrets = Object.keys(typed.secrets).length > 0 ? { secrets: seal(typed.secrets) } : {};
      return {
        workflow,
        ...(description !== undefined ? { description } : {}),
        type,
        variables: { ...variables, ...typed.variables },
        ...secrets,
        groups,
      };
    });
}

/** The form values that parse back into `input`; the workflow as its picker value. */
export function startFormValues(input: StartInput, workflowValue: string): FormValues {
  return {
    [FIELD.workflow]: workflowValue,
    [FIELD.description]: input.description ?? '',
    [FIELD.type]: input.type,
    [FIELD.variables]:
      Object.keys(input.variables).length > 0 ? JSON.stringify(input.variables, null, 2) : '',
    [FIELD.groups]: input.groups.join(', '),
  };
}

export interface FieldSources {
  jobType: string;
  /** The picker option for a workflow name (long names become keys). */
  choice(name: string): { value: string; label: string };
  resolve(value: string): string | undefined;
  /** The fields of a workflow whose input schema is at hand, with the values typed so far. */
  formOf(workflow: string, values: FormValues): SchemaForm | undefined;
}

const stringValue = (v: string | string[] | undefined) =>
  typeof v === 'string' && v.trim() !== '' ? v : undefined;

/** The JSON box: all the variables when the workflow has no schema at hand, else what its fields cannot hold. */
function variablesField(form: SchemaForm | undefined, initial: string | undefined): FormField {
  const field = {
    id: FIELD.variables,
    kind: 'multiline',
    optional: true,
    placeholder: '{"device": "rtr-01"}',
    initial,
  } as const;
  if (!form) {
    return {
      ...field,
      label: 'Job variables (JSON object)',
      hint: "Checked against the workflow's input schema before the job starts.",
    };
  }
  return {
    ...field,
    label: form.fields.length > 0 ? 'Other variables (JSON object)' : 'Job variables (JSON object)',
    hint:
      form.rest.length > 0
        ? `For the inputs without a field: ${truncate(form.rest.join(', '), 1500)}`
        : 'Only for variables beyond the fields above.',
  };
}

/** The modal's fields; values already typed are kept when the form is rebuilt after a workflow is picked. */
export function startFields(ctx: FormContext, sources: FieldSources): FormField[] {
  const values = ctx.values ?? {};
  const picked = stringValue(values.workflow);
  const workflow = picked !== undefined ? sources.resolve(picked) : stringValue(ctx.prefill)?.trim();
  const form = workflow ? sources.formOf(workflow, values) : undefined;
  const initial = (id: keyof StartInput) => stringValue(values[id]);
  return [
    {
      id: FIELD.workflow,
      kind: 'search',
      label: 'Workflow',
      placeholder: 'Type to search workflows',
      minQueryLength: 0,
      refreshOnChange: true,
      ...(workflow ? { initial: sources.choice(workflow) } : {}),
    },
    {
      id: FIELD.description,
      kind: 'text',
      label: 'Description',
      optional: true,
      maxLength: MAX_DESCRIPTION,
      hint: 'Shown on the job in Itential. Flightdeck adds its run tag so the job can be found again.',
      initial: initial(FIELD.description),
    },
    {
      id: FIELD.type,
      kind: 'text',
      label: 'Job type',
      initial: initial(FIELD.type) ?? sources.jobType,
      hint: '"automation" for a normal job; "resource:action" for a lifecycle action.',
    },
    ...(form?.fields ?? []),
    variablesField(form, initial(FIELD.variables)),
    {
      id: FIELD.groups,
      kind: 'text',
      label: 'Groups',
      optional: true,
      placeholder: 'b0bc20ec3a3e5e90bac881e7, 7d5f0cb5c6a629ea14324d9b',
      hint: 'Itential group ids (24 hex characters) that may see the job, separated by commas or spaces.',
      initial: initial(FIELD.groups),
    },
  ];
}
