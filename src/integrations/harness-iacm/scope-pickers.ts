import { CHOICE_MAX_LENGTH, type Choice, type FormValues } from '../../core/operations/contract';
import { truncate } from '../../core/kit/truncate';
import type { HarnessApi, PipelineScope } from './api';
import type { HarnessDefaults } from './config';
import { harnessIdentifier, pipelineExecutionId, stageIdentifier } from './identifiers';
import type { HarnessEntity } from './schemas';

/** The form fields that pick where the module runs, each listed from Harness as the user types. */
export const SCOPE_FIELDS = ['org', 'project', 'pipeline', 'pipelineStageId'] as const;
export type ScopeField = (typeof SCOPE_FIELDS)[number];

export const isScopeField = (id: string): id is ScopeField =>
  (SCOPE_FIELDS as readonly string[]).includes(id);

const entityChoice = (e: HarnessEntity): Choice => ({
  value: e.identifier,
  label: truncate(e.name || e.identifier, CHOICE_MAX_LENGTH),
  ...(e.name && e.name !== e.identifier ? { description: truncate(e.identifier, CHOICE_MAX_LENGTH) } : {}),
});

const text = (v: FormValues[string]) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Options for the org, project, pipeline and stage pickers. Each lists what Harness knows in the scope
 * picked so far (the project's org, the pipeline's project; a stage comes from the pipeline execution
 * typed in the form) and offers what was typed as it is, so a key that may not list them can still run.
 */
export class ScopePickers {
  constructor(
    private readonly api: HarnessApi,
    private readonly defaults: HarnessDefaults,
  ) {}

  /** The picker's initial choice: the configured default. */
  initial(field: ScopeField): Choice | undefined {
    const { org, project, pipeline, stage } = this.defaults;
    const wanted = { org, project, pipeline, pipelineStageId: stage }[field];
    return wanted ? { value: wanted, label: wanted } : undefined;
  }

  async search(field: ScopeField, query: string, values: FormValues): Promise<Choice[]> {
    const q = query.trim();
    const listed = await this.list(field, q, values);
    const typed = this.typed(field, q);
    return typed && !listed.some((c) => c.value === typed.value) ? [...listed, typed] : listed;
  }

  private scope(values: FormValues): Partial<PipelineScope> {
    return {
      org: text(values.org) ?? this.defaults.org,
      project: text(values.project) ?? this.defaults.project,
    };
  }

  private async list(field: ScopeField, q: string, values: FormValues): Promise<Choice[]> {
    const { org, project } = this.scope(values);
    switch (field) {
      case 'org':
        return (await this.api.searchOrgs(q)).map(entityChoice);
      case 'project':
        return org ? (await this.api.searchProjects(org, q)).map(entityChoice) : [];
      case 'pipeline':
        return org && project ? (await this.api.searchPipelines({ org, project }, q)).map(entityChoice) : [];
      case 'pipelineStageId':
        return org && project ? this.stages({ org, project }, values, q) : [];
    }
  }

  /** The stages of the pipeline execution typed in the form, as its layout lists them. */
  private async stages(scope: PipelineScope, values: FormValues, q: string): Promise<Choice[]> {
    const execution = pipelineExecutionId.safeParse(values.pipelineExecutionId);
    if (!execution.success) return [];
    const summary = await this.api.pipelineExecution(execution.data, scope, { once: true });
    const needle = q.toLowerCase();
    return Object.values(summary.layoutNodeMap ?? {})
      .flatMap((node) =>
        node.nodeIdentifier && stageIdentifier.safeParse(node.nodeIdentifier).success
          ? [entityChoice({ identifier: node.nodeIdentifier, name: node.name ?? undefined })]
          : [],
      )
      .filter((c) => c.value.toLowerCase().includes(needle) || c.label.toLowerCase().includes(needle));
  }

  private typed(field: ScopeField, q: string): Choice | undefined {
    const schema = field === 'pipelineStageId' ? stageIdentifier : harnessIdentifier(field);
    return q !== '' && q.length <= CHOICE_MAX_LENGTH && schema.safeParse(q).success
      ? { value: q, label: q, description: 'as typed' }
      : undefined;
  }
}
