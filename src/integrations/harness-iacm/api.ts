import { z } from 'zod';
import { firstIssue } from '../shared/zod-issue';
import { type ErrorContext, badResponse } from './errors';
import type { HarnessHttp, HarnessResponse } from './http';
import { approvalRefusalHint } from './errors';
import {
  type HarnessEntity,
  moduleMetadataSchema,
  type ModuleVariable,
  ngPageSchema,
  approvalActivityResponseSchema,
  approvalInstanceSchema,
  type ApprovalInstance,
  interruptSchema,
  moduleExecutionSchema,
  moduleSchema,
  pipelineExecutionSchema,
  type HarnessModule,
  type ModuleExecution,
  type PipelineSummary,
} from './schemas';

/** Where a pipeline lives; module executions and pipeline executions are scoped by it. */
export interface PipelineScope {
  org: string;
  project: string;
}

export interface CreateExecution extends PipelineScope {
  moduleId: string;
  pipeline: string;
  pipelineExecutionId: string;
  pipelineStageId: string;
  /** The module's input variables; sent only when there are some (UNCONFIRMED body field, see README). */
  variables?: Record<string, unknown>;
}

/** Pickers list at most this many entries (Slack shows 100 options). */
const PICKER_PAGE = 50;
/** The body of an approval activity (HarnessApprovalActivityRequest). */
export interface ApprovalActivity {
  action: 'APPROVE' | 'REJECT';
  comments: string;
  approverInputs: { name: string; value: string }[];
}

export interface Page<T> {
  items: T[];
  page: number;
  totalPages: number;
}

/** The interrupt Harness's own UI sends to stop a whole pipeline (enum constant ABORTALL, wire value AbortAll). */
export const ABORT_ALL = 'AbortAll';

const scopeText = (scope: PipelineScope) => `org "${scope.org}", project "${scope.project}"`;

const intHeader = (headers: Record<string, string>, name: string): number | undefined => {
  const value = Number(headers[name]);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
};

/** The Harness endpoints Flightdeck uses (upstream-apis.md §A.2), typed by their zod schemas. */
export class HarnessApi {
  constructor(
    private readonly http: HarnessHttp,
    private readonly accountId: string,
  ) {}

  private get accountScope(): string {
    return `account "${this.accountId}"`;
  }

  async searchModules(searchTerm: string, limit: number): Promise<HarnessModule[]> {
    const context = { action: 'search modules', target: 'module list', scope: this.accountScope };
    const response = await this.http.send({
      method: 'GET',
      path: '/iacm/api/modules',
      query: { searchTerm: searchTerm || undefined, limit, page: 1, sort: 'name,ASC' },
      context,
    });
    return parse(z.array(moduleSchema), response, context);
  }

  async getModule(moduleId: string): Promise<HarnessModule> {
    const context = { action: 'read the module', target: `module "${moduleId}"`, scope: this.accountScope };
    const response = await this.http.send({
      method: 'GET',
      path: `/iacm/api/modules/${encodeURIComponent(moduleId)}`,
      context,
    });
    return parse(moduleSchema, response, context);
  }

  /** The variables of one version of a module (its Terraform inputs). */
  async moduleVariables(moduleId: string, version: string): Promise<ModuleVariable[]> {
    const context = {
      action: "read the module's variables",
      target: `module \`${moduleId}\` version \`${version}\``,
      scope: this.accountScope,
    };
    const response = await this.http.send({
      method: 'GET',
      path: `/iacm/api/modules/${encodeURIComponent(moduleId)}/metadata`,
      query: { version },
      context,
      once: true,
    });
    return parse(moduleMetadataSchema, response, context).variables;
  }

  /** Orgs of the account whose name or identifier contains `term` (`GET /ng/api/organizations`). */
  async searchOrgs(term: string): Promise<HarnessEntity[]> {
    const context = { action: 'list the orgs', target: 'org list', scope: this.accountScope };
    const response = await this.http.send({
      method: 'GET',
      path: '/ng/api/organizations',
      query: { searchTerm: term || undefined, pageIndex: 0, pageSize: PICKER_PAGE },
      context,
      once: true,
    });
    return parse(ngPageSchema('organization'), response, context).data.content;
  }

  /** Projects of an org (`GET /ng/api/projects`). */
  async searchProjects(org: string, term: string): Promise<HarnessEntity[]> {
    const context = { action: 'list the projects', target: `org \`${org}\``, scope: this.accountScope };
    const response = await this.http.send({
      method: 'GET',
      path: '/ng/api/projects',
      query: { orgIdentifier: org, searchTerm: term || undefined, pageIndex: 0, pageSize: PICKER_PAGE },
      context,
      once: true,
    });
    return parse(ngPageSchema('project'), response, context).data.content;
  }

  /** Pipelines of a project (`POST /pipeline/api/pipelines/list`, a read despite the verb). */
  async searchPipelines(scope: PipelineScope, term: string): Promise<HarnessEntity[]> {
    const context = { action: 'list the pipelines', target: 'pipeline list', scope: scopeText(scope) };
    const response = await this.http.send({
      method: 'POST',
      path: '/pipeline/api/pipelines/list',
      query: {
        orgIdentifier: scope.org,
        projectIdentifier: scope.project,
        searchTerm: term || undefined,
        page: 0,
        size: PICKER_PAGE,
      },
      body: { filterType: 'PipelineSetup' },
      context,
      once: true,
    });
    return parse(ngPageSchema(), response, context).data.content;
  }

  /**
   * Sends both published body shapes at once (§A.3): `org`/`project` (apidocs.harness.io) and
   * `pipeline_org`/`pipeline_project` (the newer spec). Never retried: the caller looks the record up instead.
   */
  async createExecution(request: CreateExecution): Promise<ModuleExecution> {
    const context = {
      action: 'create the module execution',
      target: `module "${request.moduleId}" (pipeline execution "${request.pipelineExecutionId}", stage "${request.pipelineStageId}")`,
      scope: scopeText(request),
    };
    const response = await this.http.send({
      method: 'POST',
      path: `/iacm/api/modules/${encodeURIComponent(request.moduleId)}/executions`,
      body: {
        account: this.accountId,
        org: request.org,
        project: request.project,
        pipeline_org: request.org,
        pipeline_project: request.project,
        pipeline: request.pipeline,
        pipelineExecutionId: request.pipelineExecutionId,
        pipelineStageId: request.pipelineStageId,
        ...(request.variables && Object.keys(request.variables).length > 0
          ? { variables: request.variables }
          : {}),
      },
      context,
    });
    return parse(moduleExecutionSchema, response, context);
  }

  async listExecutions(
    moduleId: string,
    options: { page: number; limit: number; pipelineExecutionId?: string },
  ): Promise<Page<ModuleExecution>> {
    const context = {
      action: "list the module's executions",
      target: `module "${moduleId}"`,
      scope: this.accountScope,
    };
    const response = await this.http.send({
      method: 'GET',
      path: `/iacm/api/modules/${encodeURIComponent(moduleId)}/executions`,
      query: { page: options.page, limit: options.limit, pipeline_execution_id: options.pipelineExecutionId },
      context,
    });
    const items = parse(z.array(moduleExecutionSchema), response, context);
    return {
      items,
      page: options.page,
      totalPages: intHeader(response.headers, 'x-total-pages') ?? options.page,
    };
  }

  async pipelineExecution(
    planExecutionId: string,
    scope: PipelineScope,
    options: { once?: boolean } = {},
  ): Promise<PipelineSummary> {
    const context = {
      action: 'read the pipeline execution',
      target: `pipeline execution "${planExecutionId}"`,
      scope: scopeText(scope),
    };
    const response = await this.http.send({
      method: 'GET',
      path: `/pipeline/api/pipelines/execution/v2/${encodeURIComponent(planExecutionId)}`,
      query: { orgIdentifier: scope.org, projectIdentifier: scope.project },
      context,
      once: options.once,
    });
    return parse(pipelineExecutionSchema, response, context).data.pipelineExecutionSummary;
  }

  async abortPipeline(planExecutionId: string, scope: PipelineScope): Promise<void> {
    const context = {
      action: 'abort the pipeline execution',
      target: `pipeline execution "${planExecutionId}"`,
      scope: scopeText(scope),
    };
    const response = await this.http.send({
      method: 'PUT',
      path: `/pipeline/api/pipeline/execute/interrupt/${encodeURIComponent(planExecutionId)}`,
      query: { orgIdentifier: scope.org, projectIdentifier: scope.project, interruptType: ABORT_ALL },
      context,
    });
    parse(interruptSchema, response, context);
  }

  /** The Harness Approval instances of an execution that wait for someone, oldest first as Harness lists them. */
  async waitingApprovals(planExecutionId: string, scope: PipelineScope): Promise<ApprovalInstance[]> {
    const context = {
      action: 'read the pipeline’s approvals',
      target: `pipeline execution "${planExecutionId}"`,
      scope: scopeText(scope),
    };
    const response = await this.http.send({
      method: 'GET',
      path: `/pipeline/api/v1/orgs/${encodeURIComponent(scope.org)}/projects/${encodeURIComponent(scope.project)}/approvals/execution/${encodeURIComponent(planExecutionId)}`,
      query: { approval_status: 'WAITING', approval_type: 'HarnessApproval' },
      context,
      once: true,
    });
    return parse(z.array(approvalInstanceSchema), response, context);
  }

  /** Approves or rejects one approval instance as the key's account. A write: sent once. */
  async addApprovalActivity(approvalInstanceId: string, activity: ApprovalActivity): Promise<void> {
    const context = {
      action: activity.action === 'APPROVE' ? 'approve the pipeline' : 'reject the pipeline',
      target: `approval "${approvalInstanceId}"`,
      scope: this.accountScope,
      refusalHint: approvalRefusalHint,
    };
    const response = await this.http.send({
      method: 'POST',
      path: `/pipeline/api/approvals/${encodeURIComponent(approvalInstanceId)}/harness/activity`,
      body: activity,
      context,
    });
    parse(approvalActivityResponseSchema, response, context);
  }
}

function parse<S extends z.ZodType>(schema: S, response: HarnessResponse, context: ErrorContext): z.infer<S> {
  const result = schema.safeParse(response.data);
  if (result.success) return result.data;
  throw badResponse(
    context,
    response.status,
    JSON.stringify(response.data ?? null).slice(0, 200),
    'application/json',
    firstIssue(result.error, 'body'),
  );
}
