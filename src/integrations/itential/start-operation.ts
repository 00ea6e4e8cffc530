import type { z } from 'zod';
import type { Log } from '../../core/kit/log';
import type {
  CancelOutcome,
  Choice,
  Fact,
  FieldErrors,
  FormContext,
  FormField,
  FormValues,
  Observation,
  Operation,
  StartContext,
  StartResult,
  UpstreamRef,
} from '../../core/operations/contract';
import type { Redactor } from '../shared/redaction';
import { truncate } from '../../core/kit/truncate';
import type { ItentialApi, StartBody } from './api';
import type { ItentialConfig } from './config';
import { observeJob } from './job-observation';
import { jobUrl } from './job-url';
import { ManualTasks } from './manual-task-step';
import {
  FIELD,
  MAX_INPUT_FIELDS,
  startFields,
  startFormValues,
  startInputSchema,
  type StartInput,
} from './start-input';
import { isRecord } from '../shared/json';
import {
  problemsByField,
  schemaChoices,
  schemaForm,
  schemaFormValues,
  type SchemaForm,
} from '../shared/schema-fields';
import type { SecretScrubber } from '../../core/operations/secrets';
import { variablesFact } from '../shared/variables-fact';
import { openSecrets, secretNames } from '../shared/sealed-secrets';
import { START_INFO, SYSTEM_ID } from './definition';
import type { Job } from './schemas';
import type { VariablesCheck } from './variables-check';
import type { WorkflowCatalog } from './workflow-catalog';
import { isUpstreamError, UpstreamError } from '../../core/errors';

export interface StartDeps {
  config: ItentialConfig;
  secrets: SecretScrubber;
  api: ItentialApi;
  catalog: WorkflowCatalog;
  check: VariablesCheck;
  redactor: Redactor;
  log: Log;
}

/** Bracketed so that one tag never matches inside a longer one. */
const tagMarker = (tag: string) => `[${tag}]`;

/** The run's tag rides in the description: Itential has no idempotency key, so recover() finds the job by it. */
export function taggedDescription(input: StartInput, ctx: StartContext): string {
  const who = ctx.requester.name ?? ctx.requester.id;
  const text = input.description ?? `Started from Slack by ${who}`;
  return `${text} ${tagMarker(ctx.tag)}`;
}

/** `/ops itential start [workflow]`: start a job from a workflow and follow it. */
export class StartJobOperation implements Operation<StartInput> {
  readonly id = START_INFO.id;
  readonly system = START_INFO.system;
  readonly verb = START_INFO.verb;
  readonly title = START_INFO.title;
  readonly usage = START_INFO.usage;
  readonly input: z.ZodType<StartInput>;
  readonly steps: ManualTasks<StartInput>;

  constructor(private readonly deps: StartDeps) {
    this.steps = new ManualTasks(deps.api);
    this.input = startInputSchema(
      (value) => deps.catalog.resolve(value),
      deps.config.jobType,
      (secrets) => deps.secrets.seal(secrets),
    );
  }

  fields(ctx: FormContext): FormField[] {
    const { catalog, config } = this.deps;
    return startFields(ctx, {
      jobType: config.jobType,
      choice: (name) => catalog.choice(name),
      resolve: (value) => catalog.resolve(value),
      formOf: (workflow, values) => this.formOf(catalog.cachedSchema(workflow)?.inputSchema, values),
    });
  }

  /** The picked (or named) workflow's input schema, so that the rebuilt form has a field per input. */
  async prepare(ctx: FormContext, deadlineMs: number): Promise<void> {
    const workflow = this.workflowOf(ctx.values ?? {}) ?? ctx.prefill?.trim();
    if (workflow) await this.deps.catalog.schemaFor(workflow, deadlineMs);
  }

  async search(fieldId: string, query: string, values: FormValues = {}): Promise<Choice[]> {
    if (fieldId === FIELD.workflow) return this.deps.catalog.search(query);
    const workflow = this.workflowOf(values);
    if (!workflow) return [];
    const schema = await this.deps.catalog.schemaFor(workflow, this.deps.config.tuning.requestTimeoutMs);
    return schemaChoices(schema.inputSchema, fieldId, query);
  }

  /** Upstream checks for the form: the workflow exists and the variables fit its input schema. */
  async validate(input: StartInput, deadlineMs: number): Promise<FieldErrors | undefined> {
    try {
      const schema = await this.deps.catalog.schemaFor(input.workflow, deadlineMs);
      if (!schema.found) return this.schemaErrors(input, schema);
      const problems = this.deps.check.problems(schema.inputSchema, this.jobVariables(input));
      if (!problems) return {};
      const { fieldOf } = this.formOf(schema.inputSchema, {}) ?? { fieldOf: new Map<string, string>() };
      return problemsByField(problems, fieldOf, FIELD.variables);
    } catch (err) {
      // Itential could not answer in time: start() checks again.
      this.deps.log.debug(
        { err: isUpstreamError(err) ? err.message : String(err) },
        'itential validate skipped',
      );
      return undefined;
    }
  }

  describe(input: StartInput): Fact[] {
    return [
      { label: 'Workflow', value: input.workflow },
      ...(input.description ? [{ label: 'Description', value: truncate(input.description, 200) }] : []),
      { label: 'Job type', value: input.type },
      {
        label: 'Variables',
        value: variablesFact(input.variables, secretNames(this.deps.secrets, input.secrets), (name) =>
          this.deps.secrets.isSecretName(name),
        ),
      },
      ...(input.groups.length > 0
        ? [{ label: 'Groups', value: `${input.groups.length} group${input.groups.length === 1 ? '' : 's'}` }]
        : []),
    ];
  }

  async start(input: StartInput, ctx: StartContext): Promise<StartResult> {
    await this.recheck(input);
    const body: StartBody = {
      workflow: input.workflow,
      options: {
        description: taggedDescription(input, ctx),
        type: input.type,
        variables: this.jobVariables(input),
        ...(input.groups.length > 0 ? { groups: input.groups } : {}),
      },
    };
    const job = await this.deps.api.startJob(body);
    return this.result(job);
  }

  async recover(input: StartInput, ctx: StartContext): Promise<StartResult | undefined> {
    const jobs = await this.deps.api.recentJobs(input.workflow);
    const job = jobs.find((j) => j.description?.includes(tagMarker(ctx.tag)));
    return job ? this.result(job) : undefined;
  }

  async poll(ref: UpstreamRef<StartInput>): Promise<Observation> {
    return this.observe(await this.deps.api.getJob(ref.upstreamId));
  }

  cancel(ref: UpstreamRef<StartInput>): Promise<CancelOutcome> {
    return this.deps.api.cancelJob(ref.upstreamId);
  }

  async retryStep(ref: UpstreamRef<StartInput>, taskId: string): Promise<Observation> {
    return this.observe(await this.deps.api.retryTask(ref.upstreamId, taskId));
  }

  /** The form showing `input` again (a re-run): inputs in their fields when the schema is at hand, secrets blank. */
  formValues(input: StartInput): FormValues {
    const values = startFormValues(input, this.deps.catalog.choice(input.workflow).value);
    const form = this.formOf(this.deps.catalog.cachedSchema(input.workflow)?.inputSchema, {});
    return form
      ? { ...values, [FIELD.variables]: '', ...schemaFormValues(form, input.variables, FIELD.variables) }
      : values;
  }

  /** Every variable the job gets, the secret ones opened. */
  private jobVariables(input: StartInput): Record<string, unknown> {
    return { ...input.variables, ...openSecrets(this.deps.secrets, input.secrets, SYSTEM_ID) };
  }

  private workflowOf(values: FormValues): string | undefined {
    const picked = values[FIELD.workflow];
    return typeof picked === 'string' && picked.trim() !== '' ? this.deps.catalog.resolve(picked) : undefined;
  }

  /** The fields of a schema that declares inputs; undefined when there is none to build from. */
  private formOf(inputSchema: unknown, values: FormValues): SchemaForm | undefined {
    if (!isRecord(inputSchema) || !isRecord(inputSchema.properties)) return undefined;
    return schemaForm(inputSchema, {
      isSecretName: (name) => this.deps.secrets.isSecretName(name),
      values,
      maxFields: MAX_INPUT_FIELDS,
    });
  }

  private observe(job: Job): Observation {
    return observeJob(job, jobUrl(this.deps.config, job._id), this.deps.redactor);
  }

  private result(job: Job): StartResult {
    const observation = this.observe(job);
    return {
      upstreamId: job._id,
      url: observation.url,
      facts: [{ label: 'Job', value: job._id }],
      observation,
    };
  }

  private schemaErrors(
    input: StartInput,
    schema: { found: boolean; inputSchema?: unknown },
  ): FieldErrors | undefined {
    if (!schema.found) {
      return {
        [FIELD.workflow]: `Itential has no workflow '${input.workflow}' that the bot's account can see`,
      };
    }
    const problems = this.deps.check.check(schema.inputSchema, this.jobVariables(input));
    return problems ? { [FIELD.variables]: problems } : undefined;
  }

  /**
   * The form's check may have been skipped (Itential slow) or the workflow changed since. When
   * Itential cannot say now either, the start goes ahead and Itential judges the variables itself.
   */
  private async recheck(input: StartInput): Promise<void> {
    let errors: FieldErrors | undefined;
    try {
      errors = this.schemaErrors(
        input,
        await this.deps.catalog.schemaFor(input.workflow, this.deps.config.tuning.requestTimeoutMs),
      );
    } catch (err) {
      // Bad credentials fail the start too: say so now rather than log in again.
      if (isUpstreamError(err) && err.kind === 'auth') throw err;
      this.deps.log.warn(
        { err: isUpstreamError(err) ? err.message : String(err) },
        'itential input schema unavailable; starting unchecked',
      );
      return;
    }
    if (!errors) return;
    throw new UpstreamError({
      system: SYSTEM_ID,
      action: 'start the job',
      kind: 'http',
      upstreamCode: 'invalid_input',
      message: Object.values(errors).join('; '),
      hint: 'Nothing was started. Fix the workflow or variables and start again.',
      retryable: false,
    });
  }
}
