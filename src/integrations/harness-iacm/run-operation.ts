import { z } from 'zod';
import {
  CHOICE_MAX_LENGTH,
  type CancelOutcome,
  type Choice,
  type Fact,
  type FieldErrors,
  type FormContext,
  type FormField,
  type FormValues,
  type Observation,
  type Operation,
  type StartResult,
  type UpstreamRef,
} from '../../core/operations/contract';
import { isUpstreamError, UpstreamError } from '../../core/operations/problem';
import { isFinal } from '../../core/runs/lifecycle';
import { truncate } from '../../core/kit/truncate';
import type { CreateExecution, HarnessApi, PipelineScope } from './api';
import type { HarnessConfig } from './config';
import { RUN_INFO, SYSTEM_ID } from './definition';
import {
  harnessIdentifier,
  MODULE_NAME_PREFIX,
  moduleRef,
  pipelineExecutionId,
  stageIdentifier,
} from './identifiers';
import { pipelineExecutionUrl } from './links';
import { approvalSteps, approvalsWaitingFor, PipelineApprovals, waitsForApproval } from './approval-step';
import type { ModuleDirectory, ModuleLookup } from './module-directory';
import type { ModuleInputs } from './module-inputs';
import { isScopeField, type ScopeField, type ScopePickers } from './scope-pickers';
import type { SecretScrubber } from '../../core/operations/secrets';
import { parseJsonObject } from '../shared/json-object-text';
import {
  readSchemaValues,
  schemaChoices,
  schemaForm,
  schemaFormValues,
  type SchemaForm,
} from '../shared/schema-fields';
import { variablesFact } from '../shared/variables-fact';
import { openSecrets, secretNames } from '../shared/sealed-secrets';
import { meaningOf, observePipeline } from './pipeline-status';
import type { HarnessModule, ModuleExecution, PipelineSummary } from './schemas';

/** What `iacm.run` runs with; form field ids are these keys, and one per simple variable of the module. */
export interface RunInput {
  module: string;
  org: string;
  project: string;
  pipeline: string;
  pipelineExecutionId: string;
  pipelineStageId: string;
  /** The module's variables but the sensitive ones: from their fields and the JSON box. */
  variables?: Record<string, unknown>;
  /** Sensitive (or secret-named) variables, sealed (`SecretScrubber.seal`): sent, never shown or stored in clear. */
  secrets?: string;
}

/** The JSON box for the variables that have no field (lists, maps, objects). */
const VARIABLES_BOX = 'variables';
/** Slack shows at most 100 blocks; the form has 8 more. */
const MAX_VARIABLE_FIELDS = 40;

const nonEmpty = (record: Record<string, unknown>) => Object.keys(record).length > 0;

type Picked = Pick<
  RunInput,
  'module' | 'org' | 'project' | 'pipeline' | 'pipelineExecutionId' | 'pipelineStageId'
>;
/** What was picked for the run, without its variables: the same fields in the form and in the input. */
const pickedOf = (from: Picked): Picked => ({
  module: from.module,
  org: from.org,
  project: from.project,
  pipeline: from.pipeline,
  pipelineExecutionId: from.pipelineExecutionId,
  pipelineStageId: from.pipelineStageId,
});

/** Parses the form; `seal` keeps the secret variables out of the stored input. */
const runInputSchema = (seal: (secrets: Record<string, unknown>) => string): z.ZodType<RunInput> =>
  z
    .looseObject({
      module: moduleRef,
      org: harnessIdentifier('Org'),
      project: harnessIdentifier('Project'),
      pipeline: harnessIdentifier('Pipeline'),
      pipelineExecutionId,
      pipelineStageId: stageIdentifier,
      [VARIABLES_BOX]: z
        .preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string())
        .transform(parseJsonObject),
    })
    .transform((form, ctx): RunInput => {
      const typed = readSchemaValues(form as FormValues);
      for (const [field, message] of Object.entries(typed.errors)) {
        ctx.addIssue({ code: 'custom', path: [field], message });
      }
      const variables = { ...form[VARIABLES_BOX], ...typed.variables };
      return {
        ...pickedOf(form),
        ...(nonEmpty(variables) ? { variables } : {}),
        ...(nonEmpty(typed.secrets) ? { secrets: seal(typed.secrets) } : {}),
      };
    });

export interface RunOperationDeps {
  api: HarnessApi;
  modules: ModuleDirectory;
  inputs: ModuleInputs;
  pickers: ScopePickers;
  config: HarnessConfig;
  secrets: SecretScrubber;
}

const SEARCH_LIMIT = 50;
/** The abort was already asked for (Harness's ErrorCode ABORT_ALL_ALREADY and its NG twin). */
const ABORT_ALREADY = new Set(['ABORT_ALL_ALREADY', 'ABORT_ALL_ALREADY_NG']);

function moduleChoice(module: HarnessModule): Choice | undefined {
  if (module.id.length > CHOICE_MAX_LENGTH) return undefined;
  const where = [module.system, module.org && module.project ? `${module.org}/${module.project}` : module.org]
    .filter(Boolean)
    .join(' · ');
  return {
    value: module.id,
    label: truncate(module.name || module.id, CHOICE_MAX_LENGTH),
    ...(where ? { description: truncate(where, CHOICE_MAX_LENGTH) } : {}),
  };
}

const scopeOf = (input: RunInput): PipelineScope => ({ org: input.org, project: input.project });

/** `/ops iacm run [module]`: register a module execution against a pipeline execution, then follow that pipeline. */
export class RunOperation implements Operation<RunInput> {
  readonly id = RUN_INFO.id;
  readonly system = RUN_INFO.system;
  readonly verb = RUN_INFO.verb;
  readonly title = RUN_INFO.title;
  readonly usage = RUN_INFO.usage;
  readonly input: z.ZodType<RunInput>;
  readonly steps: PipelineApprovals<RunInput>;

  constructor(private readonly deps: RunOperationDeps) {
    this.input = runInputSchema((secrets) => deps.secrets.seal(secrets));
    this.steps = new PipelineApprovals(deps.api, scopeOf);
  }

  fields(ctx: FormContext): FormField[] {
    const values = ctx.values ?? {};
    const typed = (id: string) => {
      const v = values[id];
      return typeof v === 'string' && v.trim() !== '' ? v : undefined;
    };
    const module = typed('module');
    const initialModule = module ? this.moduleChoiceFor(module) : this.prefilledModule(ctx.prefill);
    const picker = (id: ScopeField, label: string, hint: string): FormField => {
      const value = typed(id);
      const initial = value ? { value, label: value } : this.deps.pickers.initial(id);
      return { id, kind: 'search', label, hint, minQueryLength: 0, ...(initial ? { initial } : {}) };
    };
    const loaded = initialModule ? this.deps.inputs.schemaOf(initialModule.value) : undefined;
    const form = loaded && this.variablesForm(loaded.schema, values);
    // A re-run whose module's variables are not at hand shows them in the box rather than drop them.
    const box = typed(VARIABLES_BOX);
    return [
      {
        id: 'module',
        kind: 'search',
        label: 'Module',
        hint: loaded
          ? `Its variables below are those of version ${truncate(loaded.version, 40)}.`
          : 'Type part of the module name to search the module registry.',
        minQueryLength: 0,
        refreshOnChange: true,
        ...(initialModule ? { initial: initialModule } : {}),
      },
      picker('org', 'Org', 'The org of the pipeline.'),
      picker('project', 'Project', 'The project of the pipeline, in that org.'),
      picker('pipeline', 'Pipeline', 'The pipeline, in that project.'),
      {
        id: 'pipelineExecutionId',
        kind: 'text',
        label: 'Pipeline execution id',
        maxLength: 500,
        placeholder: 'kKyXVVj3RTSpiP0Dbn6cIQ',
        hint: 'The id, or paste the execution’s address from Harness (…/executions/<id>/pipeline).',
        ...(typed('pipelineExecutionId') ? { initial: typed('pipelineExecutionId') } : {}),
      },
      picker(
        'pipelineStageId',
        'Pipeline stage',
        'The stage the module runs in; listed from that execution.',
      ),
      ...(form?.fields ?? []),
      ...((form && form.rest.length > 0) || box
        ? [
            {
              id: VARIABLES_BOX,
              kind: 'multiline' as const,
              label: 'Other variables (JSON object)',
              optional: true,
              placeholder: '{"subnets": ["10.0.1.0/24"]}',
              hint:
                form && form.rest.length > 0
                  ? `For the variables without a field: ${truncate(form.rest.join(', '), 1500)}`
                  : 'The variables of the run this re-runs.',
              ...(box ? { initial: box } : {}),
            },
          ]
        : []),
    ];
  }

  /**
   * The form that gives `input` again (a re-run): each variable in its field when the module's variables
   * are at hand, the rest in the box. The sealed secrets are not put back: they are typed again.
   */
  formValues(input: RunInput): FormValues {
    const loaded = this.deps.inputs.schemaOf(input.module);
    const form = loaded ? this.variablesForm(loaded.schema, {}) : undefined;
    return {
      ...pickedOf(input),
      ...schemaFormValues(form, input.variables ?? {}, VARIABLES_BOX),
    };
  }

  private variablesForm(schema: Record<string, unknown>, values: FormValues): SchemaForm {
    return schemaForm(schema, {
      isSecretName: (name) => this.deps.secrets.isSecretName(name),
      values,
      maxFields: MAX_VARIABLE_FIELDS,
    });
  }

  /** The module's variables, so that the form rebuilt after a module is picked has a field for each. */
  async prepare(ctx: FormContext): Promise<void> {
    const picked = ctx.values?.module;
    const ref =
      typeof picked === 'string' && picked !== '' ? picked : this.prefilledModule(ctx.prefill)?.value;
    if (ref) await this.deps.inputs.load(ref);
  }

  /** The picker option for a module value of an earlier input: an id (named when known) or a `name:` reference. */
  private moduleChoiceFor(value: string): Choice {
    return { value, label: truncate(this.moduleName(value), CHOICE_MAX_LENGTH) };
  }

  /** The name people know a module by, as far as it is known without asking Harness. */
  private moduleName(value: string): string {
    return value.startsWith(MODULE_NAME_PREFIX)
      ? value.slice(MODULE_NAME_PREFIX.length)
      : (this.deps.modules.nameOf(value) ?? value);
  }

  /** `fields` cannot wait for Harness: a name seen before becomes a choice, any other name is resolved on submit. */
  private prefilledModule(prefill: string | undefined): Choice | undefined {
    const name = prefill?.trim();
    if (!name) return undefined;
    const known = this.deps.modules.knownByName(name);
    if (known) return moduleChoice(known);
    const value = `${MODULE_NAME_PREFIX}${name}`;
    return value.length <= CHOICE_MAX_LENGTH ? { value, label: name } : undefined;
  }

  async search(fieldId: string, query: string, values: FormValues = {}): Promise<Choice[]> {
    if (isScopeField(fieldId)) return this.deps.pickers.search(fieldId, query, values);
    if (fieldId !== 'module') {
      const picked = values.module;
      const loaded = typeof picked === 'string' ? this.deps.inputs.schemaOf(picked) : undefined;
      return schemaChoices(loaded?.schema, fieldId, query);
    }
    const modules = await this.deps.modules.search(query.trim(), SEARCH_LIMIT);
    return modules.map(moduleChoice).filter((c): c is Choice => c !== undefined);
  }

  /** Field errors only for what Harness says does not exist; an unreachable Harness never blocks the form. */
  async validate(input: RunInput): Promise<FieldErrors | undefined> {
    const [moduleErrors, pipelineErrors] = await Promise.all([
      this.deps.modules.resolve(input.module).then(
        (found): FieldErrors => (found.module ? {} : { module: notFoundText(input.module, found) }),
        (): FieldErrors => ({}),
      ),
      this.deps.api.pipelineExecution(input.pipelineExecutionId, scopeOf(input)).then(
        (summary) => pipelineMismatch(input, summary),
        (err: unknown): FieldErrors =>
          isNotFound(err)
            ? {
                pipelineExecutionId: `Harness has no pipeline execution ${input.pipelineExecutionId} in org ${input.org}, project ${input.project}.`,
              }
            : {},
      ),
    ]);
    const errors: FieldErrors = { ...moduleErrors, ...pipelineErrors };
    return Object.keys(errors).length > 0 ? errors : undefined;
  }

  describe(input: RunInput): Fact[] {
    const module = this.moduleName(input.module);
    return [
      { label: 'Module', value: module },
      { label: 'Org / project', value: `${input.org} / ${input.project}` },
      { label: 'Pipeline', value: input.pipeline },
      { label: 'Stage', value: input.pipelineStageId },
      { label: 'Pipeline execution', value: input.pipelineExecutionId },
      ...(input.variables || input.secrets
        ? [
            {
              label: 'Variables',
              value: variablesFact(
                input.variables ?? {},
                secretNames(this.deps.secrets, input.secrets),
                (name) => this.deps.secrets.isSecretName(name),
              ),
            },
          ]
        : []),
    ];
  }

  /**
   * Creates the record once. When the answer is lost (timeout, reset, a gateway error) or Harness says it
   * conflicts, the module's executions are searched for this pipeline execution and stage before anything else.
   */
  async start(input: RunInput): Promise<StartResult> {
    const request = { ...(await this.request(input)), ...this.variablesOf(input) };
    let record: ModuleExecution;
    try {
      record = await this.deps.api.createExecution(request);
    } catch (err) {
      if (!isUpstreamError(err) || !(err.ambiguous || err.httpStatus === 409)) throw err;
      const existing = await this.findExisting(request).catch(() => undefined);
      if (existing) return this.started(input, request.moduleId, existing);
      if (err.httpStatus === 409) throw conflictWithoutRecord(err, request);
      throw err;
    }
    return this.started(input, request.moduleId, record);
  }

  async recover(input: RunInput): Promise<StartResult | undefined> {
    const request = await this.request(input);
    const existing = await this.findExisting(request);
    return existing ? this.started(input, request.moduleId, existing) : undefined;
  }

  async poll(ref: UpstreamRef<RunInput>): Promise<Observation> {
    const summary = await this.deps.api.pipelineExecution(ref.upstreamId, scopeOf(ref.input));
    const observation = observePipeline(summary, this.link(ref.input, ref.upstreamId));
    if (!waitsForApproval(summary.status)) return observation;
    // Without the approval's id there is nothing to offer but the link: the thread still says what it waits for.
    const waiting = await this.deps.api.waitingApprovals(ref.upstreamId, scopeOf(ref.input)).catch(() => []);
    if (waiting.length === 0) return observation;
    const waitingFor = approvalsWaitingFor(waiting.length, observation.waitingFor);
    return {
      ...observation,
      ...(waitingFor ? { waitingFor } : {}),
      steps: approvalSteps(waiting, observation),
    };
  }

  async cancel(ref: UpstreamRef<RunInput>): Promise<CancelOutcome> {
    const scope = scopeOf(ref.input);
    try {
      await this.deps.api.abortPipeline(ref.upstreamId, scope);
      return 'requested';
    } catch (err) {
      if (
        !isUpstreamError(err) ||
        err.httpStatus === undefined ||
        err.httpStatus >= 500 ||
        err.kind === 'auth'
      )
        throw err;
      if (err.code && ABORT_ALREADY.has(err.code)) return 'requested';
      // Harness refuses to interrupt a finished execution; its state says whether that is why.
      const summary = await this.deps.api.pipelineExecution(ref.upstreamId, scope).catch(() => undefined);
      const meaning = summary ? meaningOf(summary.status) : undefined;
      if (meaning && isFinal(meaning.state)) return 'already_finished';
      throw err;
    }
  }

  private async request(input: RunInput): Promise<CreateExecution> {
    return {
      moduleId: await this.moduleId(input.module),
      org: input.org,
      project: input.project,
      pipeline: input.pipeline,
      pipelineExecutionId: input.pipelineExecutionId,
      pipelineStageId: input.pipelineStageId,
    };
  }

  /** The module's variables for the create body, the secret ones opened; finding a record needs none. */
  private variablesOf(input: RunInput): Pick<CreateExecution, 'variables'> {
    if (!input.variables && !input.secrets) return {};
    return { variables: { ...input.variables, ...openSecrets(this.deps.secrets, input.secrets, SYSTEM_ID) } };
  }

  private async moduleId(ref: string): Promise<string> {
    if (!ref.startsWith(MODULE_NAME_PREFIX)) return ref;
    const found = await this.deps.modules.resolve(ref);
    if (found.module) return found.module.id;
    throw new UpstreamError({
      system: SYSTEM_ID,
      action: 'find the module',
      kind: 'http',
      httpStatus: 404,
      message: notFoundText(ref, found),
      hint: 'Pick the module from the list in the form.',
      retryable: false,
    });
  }

  private async findExisting(request: CreateExecution): Promise<ModuleExecution | undefined> {
    const page = await this.deps.api.listExecutions(request.moduleId, {
      page: 1,
      limit: 100,
      pipelineExecutionId: request.pipelineExecutionId,
    });
    return page.items.find(
      (record) =>
        (record.moduleId ?? request.moduleId) === request.moduleId &&
        record.metadata?.pipeline_execution_id === request.pipelineExecutionId &&
        record.metadata?.pipeline_stage_id === request.pipelineStageId,
    );
  }

  private async started(input: RunInput, moduleId: string, record: ModuleExecution): Promise<StartResult> {
    const planExecutionId = record.metadata?.pipeline_execution_id ?? input.pipelineExecutionId;
    const url = this.link(input, planExecutionId);
    const number = record.metadata?.pipeline_execution_number ?? undefined;
    const pipelineName = record.metadata?.pipeline_name ?? undefined;
    const facts: Fact[] = [];
    if (number) facts.push({ label: 'Execution number', value: `#${number}` });
    if (pipelineName && pipelineName !== input.pipeline)
      facts.push({ label: 'Pipeline name', value: pipelineName });
    // The record exists now: a slow pipeline read must not hold the start up; the tracker polls soon anyway.
    const observation = await this.deps.api
      .pipelineExecution(planExecutionId, scopeOf(input), { once: true })
      .then(
        (summary) => observePipeline(summary, url),
        (): Observation => ({ state: 'running', upstreamStatus: record.status || 'created', url }),
      );
    return {
      upstreamId: planExecutionId,
      url,
      facts,
      observation,
      memo: { moduleId, ...(number ? { executionNumber: number } : {}) },
    };
  }

  private link(input: RunInput, planExecutionId: string): string {
    const { uiUrl, accountId } = this.deps.config;
    return pipelineExecutionUrl(uiUrl, accountId, scopeOf(input), input.pipeline, planExecutionId);
  }
}

/** Newer pipeline services answer 404 ENTITY_NOT_FOUND; older ones 400 INVALID_REQUEST "… does not exist …". */
function isNotFound(err: unknown): boolean {
  if (!isUpstreamError(err)) return false;
  return (
    err.httpStatus === 404 ||
    err.code === 'ENTITY_NOT_FOUND' ||
    err.code === 'RESOURCE_NOT_FOUND' ||
    (err.code === 'INVALID_REQUEST' && /does not exist/i.test(err.message))
  );
}

function notFoundText(ref: string, found: ModuleLookup): string {
  const wanted = ref.startsWith(MODULE_NAME_PREFIX)
    ? `named "${ref.slice(MODULE_NAME_PREFIX.length)}"`
    : `with id ${ref}`;
  const suggestions = found.module ? [] : found.suggestions.map((m) => m.name);
  return suggestions.length > 0
    ? `Harness has no module ${wanted}. Did you mean ${suggestions.join(', ')}?`
    : `Harness has no module ${wanted}.`;
}

function pipelineMismatch(input: RunInput, summary: PipelineSummary): FieldErrors {
  const errors: FieldErrors = {};
  if (summary.pipelineIdentifier && summary.pipelineIdentifier !== input.pipeline) {
    errors.pipeline = `Execution ${input.pipelineExecutionId} belongs to pipeline ${summary.pipelineIdentifier}, not ${input.pipeline}.`;
  }
  const stages = Object.entries(summary.layoutNodeMap ?? {});
  const known = stages.some(
    ([key, node]) => key === input.pipelineStageId || node.nodeIdentifier === input.pipelineStageId,
  );
  if (stages.length > 0 && !known) {
    const names = stages
      .map(([, node]) => node.nodeIdentifier)
      .filter((id): id is string => typeof id === 'string');
    errors.pipelineStageId = `That execution has no stage ${input.pipelineStageId}${names.length > 0 ? ` (its stages: ${names.slice(0, 10).join(', ')})` : ''}.`;
  }
  return errors;
}

/** Harness said 409 but nothing for this pipeline execution and stage exists: say so rather than guess. */
function conflictWithoutRecord(err: UpstreamError, request: CreateExecution): UpstreamError {
  return new UpstreamError({
    system: err.system,
    action: err.action,
    kind: err.kind,
    message: err.message,
    httpStatus: err.httpStatus,
    code: err.code,
    errorId: err.errorId,
    retryable: false,
    hint: `Harness reports a conflict, but module ${request.moduleId} has no execution for pipeline execution ${request.pipelineExecutionId}, stage ${request.pipelineStageId}. Check the module's executions in Harness before trying again.`,
  });
}
