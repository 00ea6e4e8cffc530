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
import { isUpstreamError, UpstreamError } from '../../core/operations/problem';
import type { Redactor } from '../shared/redaction';
import { truncate } from '../../core/kit/truncate';
import type { ItentialApi, StartBody } from './api';
import type { ItentialConfig } from './config';
import { observeJob } from './job-observation';
import { jobUrl } from './job-url';
import { ManualTasks } from './manual-task-step';
import { FIELD, startFields, startFormValues, startInputSchema, type StartInput } from './start-input';
import { START_INFO, SYSTEM_ID } from './definition';
import type { Job } from './schemas';
import type { VariablesCheck } from './variables-check';
import type { WorkflowCatalog } from './workflow-catalog';

export interface StartDeps {
  config: ItentialConfig;
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
    this.input = startInputSchema((value) => deps.catalog.resolve(value), deps.config.jobType);
  }

  fields(ctx: FormContext): FormField[] {
    const { catalog, check, config } = this.deps;
    return startFields(ctx, {
      jobType: config.jobType,
      choice: (name) => catalog.choice(name),
      resolve: (value) => catalog.resolve(value),
      inputsOf: (workflow) => check.describeInputs(catalog.cachedSchema(workflow)?.inputSchema),
    });
  }

  async search(fieldId: string, query: string): Promise<Choice[]> {
    if (fieldId !== FIELD.workflow) return [];
    return this.deps.catalog.search(query);
  }

  /** Upstream checks for the form: the workflow exists and the variables fit its input schema. */
  async validate(input: StartInput, deadlineMs: number): Promise<FieldErrors | undefined> {
    try {
      const schema = await this.deps.catalog.schemaFor(input.workflow, deadlineMs);
      return this.schemaErrors(input, schema) ?? {};
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
    const keys = Object.keys(input.variables);
    return [
      { label: 'Workflow', value: input.workflow },
      ...(input.description ? [{ label: 'Description', value: truncate(input.description, 200) }] : []),
      { label: 'Job type', value: input.type },
      // Names only: values can be secrets.
      { label: 'Variables', value: keys.length > 0 ? truncate(keys.join(', '), 300) : 'none' },
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
        variables: input.variables,
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

  formValues(input: StartInput): FormValues {
    return startFormValues(input, this.deps.catalog.choice(input.workflow).value);
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
    const problems = this.deps.check.check(schema.inputSchema, input.variables);
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
      code: 'invalid_input',
      message: Object.values(errors).join('; '),
      hint: 'Nothing was started. Fix the workflow or variables and start again.',
      retryable: false,
    });
  }
}
