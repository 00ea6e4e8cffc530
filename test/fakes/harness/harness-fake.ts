import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AnswerGate } from '../answer-gate';
import { loopbackServer } from '../loopback-server';
import type { AddressInfo } from 'node:net';
import { goaBody, ngBody, type GoaBody, type NgBody } from './error-bodies';
import { isFinalStatus, ScriptedPipeline, type PipelineExecutionSpec } from './pipeline-script';

export type Route =
  | 'listModules'
  | 'getModule'
  | 'moduleMetadata'
  | 'createExecution'
  | 'listExecutions'
  | 'pipelineExecution'
  | 'interrupt'
  | 'listOrgs'
  | 'listProjects'
  | 'listPipelines'
  | 'listApprovals'
  | 'approvalActivity';

/** What the next request to a route gets instead of (or on top of) its normal answer. */
export type Fault =
  | { kind: 'goa'; status: number; body?: Partial<GoaBody> }
  | { kind: 'ng'; status: number; code: string; message: string }
  | { kind: 'html'; status: number; title?: string }
  /** Drops the connection before doing anything. */
  | { kind: 'reset' }
  /** Does the work (a create is recorded), then drops the connection: the client cannot know it happened. */
  | { kind: 'commitThenReset' }
  /** Does the work, then never answers (until the fake closes): the client times out. */
  | { kind: 'commitThenHang' }
  /** Never answers and does nothing. */
  | { kind: 'hang' }
  /** Answers normally after a delay. */
  | { kind: 'delay'; ms: number };

export interface RecordedRequest {
  route: Route | 'unknown';
  method: string;
  /** Path without the `/gateway` prefix. */
  path: string;
  /** Whether it came through `/gateway`. */
  gateway: boolean;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** One variable of a module version, as `GET …/modules/{id}/metadata` lists it (upstream-apis.md §A.2). */
export interface FakeModuleVariable {
  variable_name: string;
  variable_type: string;
  variable_default: string;
  variable_required: boolean;
  variable_sensitive: boolean;
  variable_description: string;
}

/** A variable of `type`, optional, not sensitive, no default, unless `extra` says otherwise. */
export function moduleVariable(
  name: string,
  type: string,
  extra: Partial<FakeModuleVariable> = {},
): FakeModuleVariable {
  return {
    variable_name: name,
    variable_type: type,
    variable_default: '',
    variable_required: false,
    variable_sensitive: false,
    variable_description: '',
    ...extra,
  };
}

export interface FakeModule {
  id: string;
  name: string;
  system: string;
  org: string;
  project: string;
  description: string;
  account: string;
  created: number;
  updated: number;
  versions: string[];
  /** Variables per version; a version without an entry has none. */
  variables: Record<string, FakeModuleVariable[]>;
}

/** Orgs, projects and pipelines the NextGen listing endpoints serve. */
export interface FakeOrg {
  identifier: string;
  name: string;
}
export interface FakeProject extends FakeOrg {
  orgIdentifier: string;
}
export interface FakePipeline extends FakeOrg {
  orgIdentifier: string;
  projectIdentifier: string;
}

export interface FakeExecution {
  account: string;
  created: number;
  moduleId: string;
  org: string;
  project: string;
  status: string;
  module_onboarding: boolean;
  metadata: {
    pipeline: string;
    pipeline_execution_id: string;
    pipeline_execution_number: string;
    pipeline_name: string;
    pipeline_stage_id: string;
    trigger: Record<string, string>;
  };
  /** The create body's `variables`, when it had some (UNCONFIRMED field, see the integration's README). */
  variables?: Record<string, unknown>;
}

export interface FakeHarnessOptions {
  apiKey?: string;
  accountId?: string;
  /** What a second create for the same module, pipeline execution and stage gets: 409 (default) or another record. */
  duplicateCreate?: 'conflict' | 'allow';
  /** Whether the key's account is in the approval steps' user groups (default yes); no: Harness refuses its activity. */
  keyMayApprove?: boolean;
}

const CREATE_FIELDS = [
  'account',
  'org',
  'project',
  'pipeline',
  'pipelineExecutionId',
  'pipelineStageId',
] as const;
const MAX_BODY = 1024 * 1024;

/**
 * A loopback Harness that follows the module-registry seed and upstream-apis.md §A: `x-api-key` on every call,
 * the account as `Harness-Account` or `accountIdentifier`, 1-based paging with flat arrays and paging headers,
 * goa errors for IaCM and the NG envelope for the pipeline service, and scripted pipeline executions.
 */
export class HarnessFake {
  readonly apiKey: string;
  readonly accountId: string;
  readonly requests: RecordedRequest[] = [];
  readonly modules = new Map<string, FakeModule>();
  readonly executions: FakeExecution[] = [];
  readonly pipelines = new Map<string, ScriptedPipeline>();
  readonly orgs: FakeOrg[] = [];
  readonly projects: FakeProject[] = [];
  readonly pipelineDefs: FakePipeline[] = [];
  private readonly faults = new Map<Route, Fault[]>();
  private readonly server: Server;
  private readonly duplicateCreate: 'conflict' | 'allow';
  keyMayApprove: boolean;
  /** Holds the answers to approval activities, once Harness has acted on them. */
  readonly decisionAnswers = new AnswerGate();
  private port = 0;

  private constructor(options: FakeHarnessOptions) {
    this.apiKey = options.apiKey ?? 'pat.acct_123.token456.secretsecretsecret';
    this.accountId = options.accountId ?? 'acct_123';
    this.duplicateCreate = options.duplicateCreate ?? 'conflict';
    this.keyMayApprove = options.keyMayApprove ?? true;
    this.server = loopbackServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent)
          this.json(res, 500, goaBody(500, { message: String(err) }), 'application/vnd.goa.error');
      });
    });
  }

  static async start(options: FakeHarnessOptions = {}): Promise<HarnessFake> {
    const fake = new HarnessFake(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** The API base URL with the `/gateway` prefix, like Harness SaaS. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/gateway`;
  }

  /** The same API without the prefix (both are served). */
  get rootUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addModule(module: Partial<FakeModule> & { name: string }): FakeModule {
    const now = Date.now();
    const full: FakeModule = {
      id: randomUUID(),
      system: 'aws',
      org: 'default',
      project: 'infra',
      description: '',
      account: this.accountId,
      created: now,
      updated: now,
      versions: [],
      variables: {},
      ...module,
    };
    this.modules.set(full.id, full);
    return full;
  }

  addExecution(
    execution: Partial<Omit<FakeExecution, 'metadata'>> & {
      moduleId: string;
      metadata?: Partial<FakeExecution['metadata']>;
    },
  ): FakeExecution {
    const full: FakeExecution = {
      account: this.accountId,
      created: Date.now(),
      org: 'default',
      project: 'infra',
      status: 'running',
      module_onboarding: false,
      ...execution,
      metadata: {
        pipeline: 'module_tests',
        pipeline_execution_id: randomUUID().replace(/-/g, '').slice(0, 22),
        pipeline_execution_number: String(this.executions.length + 1),
        pipeline_name: 'Module tests',
        pipeline_stage_id: 'plan',
        trigger: {},
        ...execution.metadata,
      },
    };
    this.executions.push(full);
    return full;
  }

  addPipelineExecution(spec: PipelineExecutionSpec): ScriptedPipeline {
    const pipeline = new ScriptedPipeline(spec);
    this.pipelines.set(spec.planExecutionId, pipeline);
    return pipeline;
  }

  /** Moves a pipeline scripted with `advance: 'manual'` to its next step. */
  advance(planExecutionId: string): void {
    const pipeline = this.pipelines.get(planExecutionId);
    if (!pipeline) throw new Error(`no scripted pipeline execution ${planExecutionId}`);
    pipeline.advance();
  }

  /** The next `times` requests to `route` fail with a goa error of `status` (defaults per status, `body` overrides). */
  failNext(route: Route, status: number, body: Partial<GoaBody> = {}, times = 1): void {
    this.inject(route, { kind: 'goa', status, body }, times);
  }

  inject(route: Route, fault: Fault, times = 1): void {
    const queue = this.faults.get(route) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(fault);
    this.faults.set(route, queue);
  }

  requestsTo(route: Route): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const gateway = url.pathname.startsWith('/gateway/');
    const path = gateway ? url.pathname.slice('/gateway'.length) : url.pathname;
    const text = await readBody(req);
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const match = matchRoute(req.method ?? 'GET', path);
    this.requests.push({
      route: match?.route ?? 'unknown',
      method: req.method ?? 'GET',
      path,
      gateway,
      query: url.searchParams,
      headers: req.headers,
      body,
    });
    if (!match) {
      this.json(
        res,
        404,
        goaBody(404, { message: `no route for ${req.method} ${path}` }),
        'application/vnd.goa.error',
      );
      return;
    }
    const fault = this.faults.get(match.route)?.shift();
    const answer = () => this.route(match, req, url.searchParams, body);
    if (fault) {
      await this.applyFault(fault, res, answer);
      return;
    }
    const answered = answer();
    if (match.route === 'approvalActivity') await this.decisionAnswers.pass();
    this.send(res, answered);
  }

  private async applyFault(fault: Fault, res: ServerResponse, answer: () => Answer): Promise<void> {
    switch (fault.kind) {
      case 'goa':
        this.json(res, fault.status, goaBody(fault.status, fault.body), 'application/vnd.goa.error');
        return;
      case 'ng':
        this.json(res, fault.status, ngBody(fault.code, fault.message), 'application/json');
        return;
      case 'html':
        res.writeHead(fault.status, { 'content-type': 'text/html' });
        res.end(
          `<!DOCTYPE html><html><head><title>${fault.title ?? `${fault.status} Bad Gateway`}</title></head><body><h1>${fault.status}</h1></body></html>`,
        );
        return;
      case 'reset':
        res.socket?.destroy();
        return;
      case 'commitThenReset':
        answer();
        res.socket?.destroy();
        return;
      case 'commitThenHang':
        answer();
        return;
      case 'hang':
        return;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        this.send(res, answer());
        return;
    }
  }

  private route(match: RouteMatch, req: IncomingMessage, query: URLSearchParams, body: unknown): Answer {
    const iacm = !PIPELINE_SERVICE.has(match.route);
    if (req.headers['x-api-key'] !== this.apiKey) {
      return iacm
        ? goa(401, { message: 'invalid or missing API key' })
        : ng(401, 'INVALID_TOKEN', 'Token is not valid.');
    }
    switch (match.route) {
      case 'listModules':
        return this.accountCheck(req, query) ?? this.listModules(query);
      case 'getModule':
        return this.accountCheck(req, query) ?? this.getModule(match.params[0] ?? '');
      case 'moduleMetadata':
        return this.accountCheck(req, query) ?? this.moduleMetadata(match.params[0] ?? '', query);
      case 'listOrgs':
        return this.ngAccountCheck(query) ?? this.ngPage(this.orgs, query, (o) => ({ organization: o }));
      case 'listProjects':
        return (
          this.ngAccountCheck(query) ??
          this.ngPage(
            this.projects.filter(
              (p) => !query.get('orgIdentifier') || p.orgIdentifier === query.get('orgIdentifier'),
            ),
            query,
            (p) => ({ project: p }),
          )
        );
      case 'listPipelines':
        return this.pipelineCheck(query) ?? this.listPipelines(query, body);
      case 'listExecutions':
        return this.accountCheck(req, query) ?? this.listExecutions(match.params[0] ?? '', query);
      case 'createExecution':
        return this.create(match.params[0] ?? '', body);
      case 'pipelineExecution':
        return this.pipelineCheck(query) ?? this.readPipeline(match.params[0] ?? '', query);
      case 'interrupt':
        return this.pipelineCheck(query) ?? this.interrupt(match.params[0] ?? '', query);
      case 'listApprovals':
        return this.approvalAccountCheck(req, query) ?? this.listApprovals(match.params);
      case 'approvalActivity':
        return this.approvalAccountCheck(req, query) ?? this.approvalActivity(match.params[0] ?? '', body);
    }
  }

  /** The approvals API takes the account as `accountIdentifier` or the `Harness-Account` header. */
  private approvalAccountCheck(req: IncomingMessage, query: URLSearchParams): Answer | undefined {
    const header = req.headers['harness-account'];
    const account = query.get('accountIdentifier') ?? (typeof header === 'string' ? header : undefined);
    if (!account) return ng(400, 'INVALID_REQUEST', 'harnessAccount param value is required');
    if (account !== this.accountId) return ng(403, 'ACCESS_DENIED', 'Not authorized to access this account');
    return undefined;
  }

  /** `GET …/v1/orgs/{org}/projects/{project}/approvals/execution/{id}`: a bare array, filtered like Harness. */
  private listApprovals([org, project, id]: string[]): Answer {
    const pipeline = this.pipelines.get(id ?? '');
    if (!pipeline || pipeline.spec.org !== org || pipeline.spec.project !== project)
      return ng(
        404,
        'ENTITY_NOT_FOUND',
        `Plan Execution Summary does not exist or has been deleted for planExecutionId: ${id}`,
      );
    return { status: 200, body: pipeline.waitingApprovals() };
  }

  /**
   * `POST /pipeline/api/approvals/{approvalInstanceId}/harness/activity`: HarnessApprovalActivityRequest
   * (`action` required, APPROVE or REJECT; `comments`; `approverInputs` [{name, value}]). Harness's refusals
   * are InvalidRequestExceptions: HTTP 400, code INVALID_REQUEST.
   */
  private approvalActivity(id: string, body: unknown): Answer {
    const request = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (request.action !== 'APPROVE' && request.action !== 'REJECT')
      return ng(
        400,
        'INVALID_REQUEST',
        'Invalid request: action: must not be null and one of [APPROVE, REJECT]',
      );
    if (request.approverInputs !== undefined && !Array.isArray(request.approverInputs))
      return ng(400, 'INVALID_REQUEST', 'Invalid request: approverInputs must be an array');
    const pipeline = [...this.pipelines.values()].find((p) => p.approvals.has(id));
    const approval = pipeline?.approvals.get(id);
    if (!pipeline || !approval)
      return ng(400, 'INVALID_REQUEST', `Invalid request: Approval instance with id ${id} does not exist`);
    if (!this.keyMayApprove)
      return ng(400, 'INVALID_REQUEST', 'Invalid request: User not authorized to approve/reject');
    if (approval.status !== 'WAITING')
      return ng(400, 'INVALID_REQUEST', `Invalid request: Approval instance ${id} has already completed`);
    pipeline.decide(approval, request.action, typeof request.comments === 'string' ? request.comments : '');
    return {
      status: 200,
      body: { status: 'SUCCESS', data: approval, metaData: null, correlationId: randomUUID() },
    };
  }

  /** Module-registry reads require the account (header or query) and only serve this fake's account. */
  private accountCheck(req: IncomingMessage, query: URLSearchParams): Answer | undefined {
    const header = req.headers['harness-account'];
    const account = (typeof header === 'string' ? header : undefined) ?? query.get('accountIdentifier');
    if (!account) return goa(400, { message: 'missing required header "Harness-Account"' });
    if (account !== this.accountId)
      return goa(403, { message: `the API key has no access to account ${account}` });
    return undefined;
  }

  private pipelineCheck(query: URLSearchParams): Answer | undefined {
    for (const name of ['accountIdentifier', 'orgIdentifier', 'projectIdentifier']) {
      if (!query.get(name)) return ng(400, 'INVALID_REQUEST', `${name} is required`);
    }
    if (query.get('accountIdentifier') !== this.accountId)
      return ng(403, 'ACCESS_DENIED', 'Not authorized to access this account');
    return undefined;
  }

  private listModules(query: URLSearchParams): Answer {
    const paging = pagingOf(query);
    if ('error' in paging) return paging.error;
    const term = (query.get('searchTerm') ?? '').toLowerCase();
    const sort = query.get('sort') ?? 'name,ASC';
    const found = [...this.modules.values()]
      .filter((m) => !term || m.name.toLowerCase().includes(term) || m.system.toLowerCase().includes(term))
      .sort((a, b) => a.name.localeCompare(b.name) * (sort.endsWith('DESC') ? -1 : 1));
    return paged(found.map(moduleResource), paging);
  }

  private getModule(id: string): Answer {
    const module = this.modules.get(id);
    return module
      ? { status: 200, body: moduleResource(module) }
      : goa(404, { message: `module ${id} not found` });
  }

  /** `version` is required; an unknown version is a 404, as for an unknown module. */
  private moduleMetadata(id: string, query: URLSearchParams): Answer {
    const module = this.modules.get(id);
    if (!module) return goa(404, { message: `module ${id} not found` });
    const version = query.get('version');
    if (!version) return goa(400, { message: 'missing required parameter "version"' });
    if (!module.versions.includes(version))
      return goa(404, { message: `version ${version} of module ${id} not found` });
    return {
      status: 200,
      body: {
        account: module.account,
        name: module.name,
        system: module.system,
        module_version: version,
        scope_org: module.org,
        scope_project: module.project,
        variables: module.variables[version] ?? [],
        outputs: [],
        providers: [],
        resources: [],
        dependencies: [],
        submodule: [],
        examples_paths: [],
      },
    };
  }

  /** NextGen reads take the account as `accountIdentifier`. */
  private ngAccountCheck(query: URLSearchParams): Answer | undefined {
    const account = query.get('accountIdentifier');
    if (!account) return ng(400, 'INVALID_REQUEST', 'accountIdentifier is required');
    if (account !== this.accountId) return ng(403, 'ACCESS_DENIED', 'Not authorized to access this account');
    return undefined;
  }

  /** NextGen paging: 0-based `pageIndex`/`page` and `pageSize`/`size`, in `data.content`; `searchTerm` filters. */
  private ngPage<T extends FakeOrg>(items: T[], query: URLSearchParams, wrap: (item: T) => unknown): Answer {
    const term = (query.get('searchTerm') ?? '').toLowerCase();
    const found = items.filter(
      (i) => !term || i.identifier.toLowerCase().includes(term) || i.name.toLowerCase().includes(term),
    );
    const index = Number(query.get('pageIndex') ?? query.get('page') ?? '0');
    const size = Number(query.get('pageSize') ?? query.get('size') ?? '50');
    const content = found.slice(index * size, (index + 1) * size).map(wrap);
    return {
      status: 200,
      body: {
        status: 'SUCCESS',
        data: {
          totalPages: Math.ceil(found.length / size),
          totalItems: found.length,
          pageItemCount: content.length,
          pageSize: size,
          content,
          pageIndex: index,
          empty: content.length === 0,
        },
        metaData: null,
        correlationId: randomUUID(),
      },
    };
  }

  /** `POST /pipeline/api/pipelines/list` wants `{"filterType": "PipelineSetup"}`; its items are the summaries. */
  private listPipelines(query: URLSearchParams, body: unknown): Answer {
    const filterType =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>).filterType : undefined;
    if (filterType !== 'PipelineSetup') return ng(400, 'INVALID_REQUEST', 'filterType must be PipelineSetup');
    const inScope = this.pipelineDefs.filter(
      (p) =>
        p.orgIdentifier === query.get('orgIdentifier') &&
        p.projectIdentifier === query.get('projectIdentifier'),
    );
    return this.ngPage(inScope, query, (p) => ({ ...p, stageCount: 1 }));
  }

  private listExecutions(moduleId: string, query: URLSearchParams): Answer {
    if (!this.modules.has(moduleId)) return goa(404, { message: `module ${moduleId} not found` });
    const paging = pagingOf(query);
    if ('error' in paging) return paging.error;
    const byPipeline = query.get('pipeline_execution_id');
    const statuses = query.getAll('status');
    const found = this.executions.filter(
      (e) =>
        e.moduleId === moduleId &&
        (!byPipeline || e.metadata.pipeline_execution_id === byPipeline) &&
        (statuses.length === 0 || statuses.includes(e.status)),
    );
    return paged(found, paging);
  }

  private create(moduleId: string, body: unknown): Answer {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return goa(400, { message: 'request body must be a JSON object' });
    }
    const fields = body as Record<string, unknown>;
    for (const field of CREATE_FIELDS) {
      if (typeof fields[field] !== 'string' || fields[field] === '') {
        return goa(400, { message: `missing required payload field "${field}"` });
      }
    }
    const value = (field: (typeof CREATE_FIELDS)[number]) => fields[field] as string;
    if (value('account') !== this.accountId)
      return goa(403, { message: `the API key has no access to account ${value('account')}` });
    const module = this.modules.get(moduleId);
    if (!module) return goa(404, { message: `module ${moduleId} not found` });
    const duplicate = this.executions.some(
      (e) =>
        e.moduleId === moduleId &&
        e.metadata.pipeline_execution_id === value('pipelineExecutionId') &&
        e.metadata.pipeline_stage_id === value('pipelineStageId'),
    );
    if (duplicate && this.duplicateCreate === 'conflict') {
      return goa(409, {
        message: `an execution for pipeline execution ${value('pipelineExecutionId')} already exists`,
      });
    }
    const variables = fields.variables;
    if (
      variables !== undefined &&
      (typeof variables !== 'object' || variables === null || Array.isArray(variables))
    )
      return goa(400, { message: 'variables must be an object' });
    const pipeline = this.pipelines.get(value('pipelineExecutionId'));
    const execution = this.addExecution({
      ...(variables ? { variables: variables as Record<string, unknown> } : {}),
      moduleId,
      org: value('org'),
      project: value('project'),
      status: 'running',
      metadata: {
        pipeline: value('pipeline'),
        pipeline_execution_id: value('pipelineExecutionId'),
        pipeline_execution_number: String(pipeline?.spec.runSequence ?? 1),
        pipeline_name: pipeline?.spec.name ?? value('pipeline'),
        pipeline_stage_id: value('pipelineStageId'),
        trigger: { triggered_by: 'flightdeck' },
      },
    });
    return { status: 200, body: execution };
  }

  private readPipeline(id: string, query: URLSearchParams): Answer {
    const pipeline = this.pipelineIn(id, query);
    if (!pipeline)
      return ng(
        404,
        'ENTITY_NOT_FOUND',
        `Plan Execution Summary does not exist or has been deleted for planExecutionId: ${id}`,
      );
    return { status: 200, body: pipeline.read() };
  }

  private interrupt(id: string, query: URLSearchParams): Answer {
    const pipeline = this.pipelineIn(id, query);
    if (!pipeline)
      return ng(
        404,
        'ENTITY_NOT_FOUND',
        `Plan Execution Summary does not exist or has been deleted for planExecutionId: ${id}`,
      );
    const type = query.get('interruptType') ?? '';
    if (type.toLowerCase() !== 'abortall') {
      return ng(
        400,
        'INVALID_REQUEST',
        `Invalid value:${type}, the expected values are: [AbortAll, Abort, Pause, Resume, ...]`,
      );
    }
    if (pipeline.aborted)
      return ng(
        400,
        'ABORT_ALL_ALREADY_NG',
        `Abort all interrupt is already present for planExecutionId: ${id}`,
      );
    if (isFinalStatus(pipeline.now().status)) {
      return ng(400, 'INVALID_REQUEST', `Execution ${id} has already finished; it cannot be interrupted`);
    }
    pipeline.aborted = true;
    return {
      status: 200,
      body: {
        status: 'SUCCESS',
        data: { id: randomUUID(), type: 'AbortAll', planExecutionId: id, metadata: null },
        metaData: null,
        correlationId: randomUUID(),
      },
    };
  }

  private pipelineIn(id: string, query: URLSearchParams): ScriptedPipeline | undefined {
    const pipeline = this.pipelines.get(id);
    if (
      !pipeline ||
      pipeline.spec.org !== query.get('orgIdentifier') ||
      pipeline.spec.project !== query.get('projectIdentifier')
    ) {
      return undefined;
    }
    return pipeline;
  }

  private send(res: ServerResponse, answer: Answer): void {
    const contentType = answer.contentType ?? 'application/json';
    this.json(res, answer.status, answer.body, contentType, answer.headers);
  }

  private json(
    res: ServerResponse,
    status: number,
    body: unknown,
    contentType: string,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': contentType, ...headers });
    res.end(JSON.stringify(body));
  }
}

interface Answer {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

interface RouteMatch {
  route: Route;
  params: string[];
}

const goa = (status: number, body: Partial<GoaBody>): Answer => ({
  status,
  body: goaBody(status, body),
  contentType: 'application/vnd.goa.error',
});
const ng = (status: number, code: string, message: string, overrides: Partial<NgBody> = {}): Answer => ({
  status,
  body: ngBody(code, message, overrides),
});

const ROUTES: { method: string; pattern: RegExp; route: Route }[] = [
  { method: 'GET', pattern: /^\/iacm\/api\/modules$/, route: 'listModules' },
  { method: 'GET', pattern: /^\/iacm\/api\/modules\/([^/]+)$/, route: 'getModule' },
  { method: 'GET', pattern: /^\/iacm\/api\/modules\/([^/]+)\/metadata$/, route: 'moduleMetadata' },
  { method: 'GET', pattern: /^\/ng\/api\/organizations$/, route: 'listOrgs' },
  { method: 'GET', pattern: /^\/ng\/api\/projects$/, route: 'listProjects' },
  { method: 'POST', pattern: /^\/pipeline\/api\/pipelines\/list$/, route: 'listPipelines' },
  { method: 'POST', pattern: /^\/iacm\/api\/modules\/([^/]+)\/executions$/, route: 'createExecution' },
  { method: 'GET', pattern: /^\/iacm\/api\/modules\/([^/]+)\/executions$/, route: 'listExecutions' },
  {
    method: 'GET',
    pattern: /^\/pipeline\/api\/pipelines\/execution\/v2\/([^/]+)$/,
    route: 'pipelineExecution',
  },
  { method: 'PUT', pattern: /^\/pipeline\/api\/pipeline\/execute\/interrupt\/([^/]+)$/, route: 'interrupt' },
  {
    method: 'GET',
    pattern: /^\/pipeline\/api\/v1\/orgs\/([^/]+)\/projects\/([^/]+)\/approvals\/execution\/([^/]+)$/,
    route: 'listApprovals',
  },
  {
    method: 'POST',
    pattern: /^\/pipeline\/api\/approvals\/([^/]+)\/harness\/activity$/,
    route: 'approvalActivity',
  },
];

/** A module as the registry answers it: its variables are served by the metadata endpoint only. */
function moduleResource({ variables: _variables, ...module }: FakeModule): Omit<FakeModule, 'variables'> {
  return module;
}

/** Routes of the pipeline and NextGen services, which answer errors with the NG envelope rather than goa's. */
const PIPELINE_SERVICE: ReadonlySet<Route> = new Set([
  'pipelineExecution',
  'interrupt',
  'listApprovals',
  'approvalActivity',
  'listOrgs',
  'listProjects',
  'listPipelines',
]);

function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const candidate of ROUTES) {
    const found = candidate.method === method ? candidate.pattern.exec(path) : null;
    if (found) return { route: candidate.route, params: found.slice(1).map(decodeURIComponent) };
  }
  return undefined;
}

type Paging = { page: number; limit: number } | { error: Answer };

/** 1-based `page` (default 1) and `limit` 1..1000 (default 30); anything else is a 400, as in Harness. */
function pagingOf(query: URLSearchParams): Paging {
  const page = Number(query.get('page') ?? '1');
  const limit = Number(query.get('limit') ?? '30');
  if (!Number.isInteger(page) || page < 1)
    return { error: goa(400, { message: 'page must be greater than or equal to 1' }) };
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return { error: goa(400, { message: 'limit must be between 1 and 1000' }) };
  }
  return { page, limit };
}

function paged<T>(items: T[], { page, limit }: { page: number; limit: number }): Answer {
  const totalPages = Math.max(1, Math.ceil(items.length / limit));
  return {
    status: 200,
    body: items.slice((page - 1) * limit, page * limit),
    headers: {
      'x-page-size': String(limit),
      'x-total-items': String(items.length),
      'x-total-pages': String(totalPages),
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
