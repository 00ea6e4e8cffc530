import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AnswerGate } from '../answer-gate';
import { loopbackServer } from '../loopback-server';
import type { AddressInfo } from 'node:net';
import {
  applyStep,
  type FakeJob,
  type FakeTaskDocument,
  isFinished,
  type JobScript,
  manualTaskDocuments,
  newJob,
  scripts,
  steps,
} from './job-script';

/**
 * A loopback Itential Automation Platform following the start-job seed and upstream-apis.md §C:
 * /login and /oauth/token, a token check on every other route, the Automation Studio workflow
 * list, and Operations Manager jobs that walk through scripted statuses.
 */

export interface FakeWorkflow {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
  /** Jobs of this workflow follow this script (default: `scripts.happy()`). */
  script?: JobScript;
  /** Where a job goes after one of its failed tasks is retried (default: it completes). */
  afterRetry?: JobScript;
  /** `detailed/` answers `{}`, as for a workflow the caller may not see. */
  hidden?: boolean;
}

export type FaultKind =
  /** Answer with this status and body instead of handling the request. */
  | { kind: 'status'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  /** A proxy's HTML error page. */
  | { kind: 'html'; status: number }
  /** Wait, then handle normally. */
  | { kind: 'delay'; ms: number }
  /** Drop the connection without handling the request. */
  | { kind: 'reset' }
  /** Handle the request (a job is created), then drop the connection instead of answering. */
  | { kind: 'reset_after_handling' }
  /** Handle the request, then answer with a body of this many bytes. */
  | { kind: 'oversized'; bytes: number }
  /** An empty 200, as Itential may send for an expired token. */
  | { kind: 'empty' };

export interface Fault {
  method?: string;
  /** Exact path, or a pattern. */
  path: string | RegExp;
  /** How many matching requests it hits (default 1). */
  times?: number;
  fault: FaultKind;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  rawBody: string;
  authorization?: string;
  /** Status sent, or undefined when the connection was dropped. */
  status?: number;
}

export interface FakeItentialOptions {
  workflows?: FakeWorkflow[];
  user?: { username: string; password: string };
  client?: { clientId: string; clientSecret: string };
  /** Tokens accepted as they are (ITENTIAL_TOKEN). */
  staticTokens?: string[];
  oauthExpiresIn?: number;
  /** Advance each job one step per GET of it (default). Off: only `advance()` moves jobs. */
  advanceOnPoll?: boolean;
  /** Added before every answer. */
  latencyMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const GROUP_ID = /^[0-9a-f]{24}$/i;
const START_KEYS = new Set(['workflow', 'options']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function project(doc: Record<string, unknown>, include?: string, exclude?: string): Record<string, unknown> {
  if (include) {
    const keys = new Set(['_id', ...include.split(',').map((k) => k.trim())]);
    return Object.fromEntries(Object.entries(doc).filter(([k]) => keys.has(k)));
  }
  if (exclude) {
    const keys = new Set(exclude.split(',').map((k) => k.trim()));
    return Object.fromEntries(Object.entries(doc).filter(([k]) => !keys.has(k)));
  }
  return doc;
}

function readPath(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), doc);
}

class Reply {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType = 'application/json; charset=utf-8',
    readonly headers: Record<string, string> = {},
  ) {}

  static json(status: number, value: unknown): Reply {
    return new Reply(status, JSON.stringify(value));
  }

  static envelope(
    status: number,
    message: string,
    data: unknown,
    metadata: Record<string, unknown> = {},
  ): Reply {
    return Reply.json(status, { message, data, metadata });
  }
}

export class FakeItential {
  readonly requests: RecordedRequest[] = [];
  readonly jobs = new Map<string, FakeJob>();
  /** Manual task documents (`/operations-manager/tasks`), by their own `_id`. */
  readonly tasks = new Map<string, FakeTaskDocument>();
  private readonly scriptsByJob = new Map<string, { script: JobScript; step: number }>();
  private readonly workflows = new Map<string, FakeWorkflow>();
  private readonly issued = new Set<string>();
  private readonly staticTokens: Set<string>;
  private readonly faults: (Fault & { left: number })[] = [];
  private readonly server: Server;
  /** Holds the answers to manual-task finishes, once the task is finished and the job moved on. */
  readonly decisionAnswers = new AnswerGate();
  private readonly options: Required<Omit<FakeItentialOptions, 'workflows' | 'staticTokens'>>;
  url = '';

  constructor(options: FakeItentialOptions = {}) {
    for (const w of options.workflows ?? []) this.workflows.set(w.name, w);
    this.staticTokens = new Set(options.staticTokens ?? []);
    this.options = {
      user: options.user ?? { username: 'flightdeck', password: 'pw-Sup3r-secret' },
      client: options.client ?? { clientId: 'flightdeck-client', clientSecret: 'cs-Sup3r-secret' },
      oauthExpiresIn: options.oauthExpiresIn ?? 3600,
      advanceOnPoll: options.advanceOnPoll ?? true,
      latencyMs: options.latencyMs ?? 0,
    };
    this.server = loopbackServer((req, res) => {
      void this.handle(req, res);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addWorkflow(workflow: FakeWorkflow): void {
    this.workflows.set(workflow.name, workflow);
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Every issued login/OAuth token stops working: the next request gets a 401. */
  expireTokens(): void {
    this.issued.clear();
  }

  /** Moves the job one step along its script. */
  advance(jobId: string): FakeJob {
    const job = this.jobs.get(jobId);
    const run = this.scriptsByJob.get(jobId);
    if (!job || !run) throw new Error(`no job ${jobId}`);
    if (this.waitingOn(jobId)) return job;
    if (!isFinished(job) && run.step + 1 < run.script.length) {
      run.step += 1;
      const step = run.script[run.step];
      if (step) this.apply(job, step);
    }
    return job;
  }

  private apply(job: FakeJob, step: JobScript[number]): void {
    applyStep(job, step, Date.now());
    for (const task of [...this.tasks.values()])
      if (
        task.job._id === job._id &&
        task.status === 'running' &&
        job.tasks[task.job.task]?.status !== 'running'
      )
        task.status = 'complete';
    for (const doc of manualTaskDocuments(job, step)) this.tasks.set(doc._id, doc);
  }

  /** A manual task that holds the job until someone finishes it, if any (parallel ones hold it until all are). */
  private waitingOn(jobId: string): FakeTaskDocument | undefined {
    return [...this.tasks.values()].find((t) => t.job._id === jobId && t.waits && t.status === 'running');
  }

  /** Puts a job in any status, e.g. one this code has never heard of. */
  setStatus(jobId: string, status: string): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    job.status = status;
  }

  count(method: string, path: string | RegExp): number {
    return this.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    ).length;
  }

  private takeFault(method: string, path: string): FaultKind | undefined {
    const index = this.faults.findIndex(
      (f) =>
        f.left > 0 &&
        (f.method === undefined || f.method === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left === 0) this.faults.splice(index, 1);
    return fault.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseBody(rawBody, req.headers['content-type']),
      rawBody,
      authorization: req.headers.authorization,
    };
    this.requests.push(record);
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    const fault = this.takeFault(record.method, record.path);
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    if (fault?.kind === 'status') {
      reply = new Reply(
        fault.status,
        fault.body ?? '',
        fault.contentType ?? 'application/json',
        fault.headers,
      );
    } else if (fault?.kind === 'html') {
      reply = new Reply(
        fault.status,
        `<html><head><title>${fault.status} Bad Gateway</title></head><body><h1>${fault.status} Bad Gateway</h1><hr>nginx</body></html>`,
        'text/html',
      );
    } else if (fault?.kind === 'empty') {
      reply = new Reply(200, '', 'application/json');
    } else {
      reply = this.route(record, url.searchParams);
      if (record.method === 'POST' && record.path.endsWith('/finish')) await this.decisionAnswers.pass();
    }
    if (fault?.kind === 'reset_after_handling') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'oversized') {
      reply = new Reply(200, JSON.stringify({ message: 'ok', data: { padding: 'x'.repeat(fault.bytes) } }));
    }
    record.status = reply.status;
    res.writeHead(reply.status, { ...reply.headers, 'Content-Type': reply.contentType });
    res.end(reply.body);
  }

  private authorized(record: RecordedRequest): boolean {
    const token = record.query.token ?? /^Bearer (.+)$/.exec(record.authorization ?? '')?.[1];
    return token !== undefined && (this.issued.has(token) || this.staticTokens.has(token));
  }

  private issue(): string {
    const token = randomBytes(16).toString('hex');
    this.issued.add(token);
    return token;
  }

  private route(record: RecordedRequest, query: URLSearchParams): Reply {
    const { method, path } = record;
    if (method === 'POST' && path === '/login') return this.login(record.body);
    if (method === 'POST' && path === '/oauth/token') return this.oauth(record.body);
    if (!this.authorized(record)) return Reply.envelope(401, 'Unauthorized', null);
    if (method === 'GET' && path === '/automation-studio/workflows') return this.listWorkflows(query);
    const detailed = /^\/automation-studio\/workflows\/detailed\/(.+)$/.exec(path);
    if (method === 'GET' && detailed?.[1]) return this.workflowDetail(decodeURIComponent(detailed[1]));
    if (method === 'POST' && path === '/operations-manager/jobs/start') return this.startJob(record.body);
    if (method === 'POST' && path === '/operations-manager/jobs/cancel') return this.cancelJobs(record.body);
    if (method === 'GET' && path === '/operations-manager/jobs') return this.listJobs(query);
    const retry = /^\/operations-manager\/jobs\/([^/]+)\/tasks\/([^/]+)\/retry$/.exec(path);
    if (method === 'POST' && retry?.[1] && retry[2])
      return this.retryTask(decodeURIComponent(retry[1]), decodeURIComponent(retry[2]));
    const job = /^\/operations-manager\/jobs\/([^/]+)$/.exec(path);
    if (method === 'GET' && job?.[1]) return this.getJob(decodeURIComponent(job[1]), query);
    if (method === 'GET' && path === '/operations-manager/tasks') return this.listTasks(query);
    const claim = /^\/operations-manager\/tasks\/([^/]+)\/claim$/.exec(path);
    if (method === 'POST' && claim?.[1]) return this.claimTask(decodeURIComponent(claim[1]));
    const finish = /^\/operations-manager\/jobs\/([^/]+)\/tasks\/([^/]+)\/finish$/.exec(path);
    if (method === 'POST' && finish?.[1] && finish[2])
      return this.finishTask(decodeURIComponent(finish[1]), decodeURIComponent(finish[2]), record.body);
    return Reply.envelope(404, `Cannot ${method} ${path}`, null);
  }

  private login(body: unknown): Reply {
    const user = isRecord(body) && isRecord(body.user) ? body.user : undefined;
    const { username, password } = this.options.user;
    if (user?.username !== username || user.password !== password) {
      return Reply.envelope(401, 'Unauthorized', null);
    }
    return new Reply(200, this.issue(), 'text/plain; charset=utf-8');
  }

  private oauth(body: unknown): Reply {
    const form = isRecord(body) ? body : {};
    const { clientId, clientSecret } = this.options.client;
    if (form.grant_type !== 'client_credentials') return Reply.json(400, { error: 'unsupported_grant_type' });
    if (form.client_id !== clientId || form.client_secret !== clientSecret) {
      return Reply.json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    return Reply.json(200, {
      access_token: this.issue(),
      token_type: 'bearer',
      expires_in: this.options.oauthExpiresIn,
    });
  }

  private listWorkflows(query: URLSearchParams): Reply {
    let items = [...this.workflows.values()];
    const contains = query.get('contains[name]');
    const equals = query.get('equals[name]');
    const startsWith = query.get('starts-with[name]');
    if (contains) items = items.filter((w) => w.name.includes(contains));
    if (equals) items = items.filter((w) => w.name === equals);
    if (startsWith) items = items.filter((w) => w.name.startsWith(startsWith));
    const order = query.get('order') === '-1' ? -1 : 1;
    items.sort((a, b) => a.name.localeCompare(b.name) * order);
    const total = items.length;
    const skip = Number(query.get('skip') ?? 0);
    const limit = Math.min(Number(query.get('limit') ?? 25), 100);
    const page = items.slice(skip, skip + limit).map((w) =>
      project(
        {
          _id: stableId(w.name),
          name: w.name,
          type: 'automation',
          description: w.description,
          inputSchema: w.inputSchema,
          tasks: { workflow_start: {}, workflow_end: {} },
          transitions: {},
        },
        query.get('include') ?? undefined,
      ),
    );
    return Reply.json(200, { items: page, total });
  }

  private workflowDetail(name: string): Reply {
    const workflow = this.workflows.get(name);
    if (!workflow) return Reply.envelope(404, `Workflow ${name} not found`, null);
    if (workflow.hidden) return Reply.json(200, {});
    return Reply.json(200, {
      _id: stableId(workflow.name),
      name: workflow.name,
      type: 'automation',
      ...(workflow.inputSchema ? { inputSchema: workflow.inputSchema } : {}),
      tasks: {},
    });
  }

  private startJob(body: unknown): Reply {
    const errors: { instancePath: string; message: string }[] = [];
    if (!isRecord(body)) errors.push({ instancePath: '', message: 'must be object' });
    const b = isRecord(body) ? body : {};
    for (const key of Object.keys(b)) {
      if (!START_KEYS.has(key))
        errors.push({ instancePath: '', message: `must NOT have additional properties (${key})` });
    }
    if (typeof b.workflow !== 'string')
      errors.push({ instancePath: '/workflow', message: "must have required property 'workflow'" });
    const options = b.options;
    if (!isRecord(options))
      errors.push({ instancePath: '/options', message: "must have required property 'options'" });
    const o = isRecord(options) ? options : {};
    if (o.description !== undefined && typeof o.description !== 'string') {
      errors.push({ instancePath: '/options/description', message: 'must be string' });
    }
    if (o.type !== undefined && typeof o.type !== 'string')
      errors.push({ instancePath: '/options/type', message: 'must be string' });
    if (o.variables !== undefined && !isRecord(o.variables)) {
      errors.push({ instancePath: '/options/variables', message: 'must be object' });
    }
    if (o.groups !== undefined) {
      if (!Array.isArray(o.groups))
        errors.push({ instancePath: '/options/groups', message: 'must be array' });
      else
        o.groups.forEach((g, i) => {
          if (typeof g !== 'string' || !GROUP_ID.test(g)) {
            errors.push({ instancePath: `/options/groups/${i}`, message: 'must match ObjectIdLikeString' });
          }
        });
    }
    if (errors.length > 0) return Reply.envelope(400, 'Request body failed validation', null, { errors });
    const workflowName = b.workflow as string;
    const workflow = this.workflows.get(workflowName);
    if (!workflow) return Reply.envelope(404, `Workflow "${workflowName}" not found`, null);
    const now = Date.now();
    const job = newJob({
      workflow: workflowName,
      description: typeof o.description === 'string' ? o.description : '',
      type: typeof o.type === 'string' ? o.type : 'automation',
      variables: isRecord(o.variables) ? o.variables : {},
      groups: Array.isArray(o.groups) ? (o.groups as string[]) : [],
      now,
    });
    const script = workflow.script ?? scripts.happy();
    const first = script[0];
    this.jobs.set(job._id, job);
    if (first) this.apply(job, first);
    this.scriptsByJob.set(job._id, { script, step: 0 });
    return Reply.envelope(200, 'Successfully created the requested item', job);
  }

  private getJob(id: string, query: URLSearchParams): Reply {
    if (!this.jobs.has(id)) return Reply.envelope(404, `Job ${id} not found`, null);
    const job = this.options.advanceOnPoll ? this.advance(id) : this.jobs.get(id);
    return Reply.envelope(
      200,
      'Successfully retrieved job',
      project({ ...job }, query.get('include') ?? undefined, query.get('exclude') ?? undefined),
    );
  }

  private listJobs(query: URLSearchParams): Reply {
    let jobs = [...this.jobs.values()];
    for (const [key, value] of query) {
      const field = /^equals\[(.+)\]$/.exec(key)?.[1];
      if (field) jobs = jobs.filter((j) => String(readPath(j, field)) === value);
    }
    const sort = query.get('sort') ?? '_id';
    const order = query.get('order') === '-1' ? -1 : 1;
    jobs.sort((a, b) => {
      const av = readPath(a, sort);
      const bv = readPath(b, sort);
      return (
        (typeof av === 'number' && typeof bv === 'number' ? av - bv : String(av).localeCompare(String(bv))) *
        order
      );
    });
    const total = jobs.length;
    const skip = Number(query.get('skip') ?? 0);
    const limit = Number(query.get('limit') ?? 25);
    const include = query.get('include') ?? undefined;
    const page = jobs.slice(skip, skip + limit).map((j) => project({ ...j }, include));
    return Reply.envelope(200, 'Successfully retrieved jobs', page, { total, skip, limit });
  }

  /**
   * `POST /operations-manager/jobs/{jobId}/tasks/{taskId}/retry` (§C.2): the failed task runs again and the
   * job carries on with `afterRetry` of its workflow (default: it completes). Which status and message
   * Itential gives for a job that is not in error is UNCONFIRMED; this answers as Operations Manager
   * refuses a state change it cannot make (§C.5: the envelope with a 500).
   */
  private retryTask(jobId: string, taskId: string): Reply {
    const job = this.jobs.get(jobId);
    const run = this.scriptsByJob.get(jobId);
    if (!job || !run) return Reply.envelope(404, `Job ${jobId} not found`, null);
    const task = job.tasks[taskId];
    if (!task) return Reply.envelope(404, `Task ${taskId} not found in job ${jobId}`, null);
    if (job.status !== 'error')
      return Reply.envelope(
        500,
        `Job ${jobId} is ${job.status}, not in error: its tasks cannot be retried`,
        null,
      );
    if (task.status !== 'error')
      return Reply.envelope(
        500,
        `Task ${taskId} is ${task.status}, not in error: it cannot be retried`,
        null,
      );
    const now = Date.now();
    task.status = 'running';
    job.status = 'running';
    job.error = job.error.filter((e) => e.task !== taskId);
    job.last_updated = new Date(now).toISOString();
    const afterRetry = this.workflows.get(job.name)?.afterRetry ?? [steps.complete()];
    this.scriptsByJob.set(jobId, {
      script: [...run.script.slice(0, run.step + 1), ...afterRetry],
      step: run.step,
    });
    return Reply.envelope(200, 'Successfully retried task', job);
  }

  /** `GET /operations-manager/tasks`: bracket filters (`equals[type]=manual`), `limit`, the OM envelope. */
  private listTasks(query: URLSearchParams): Reply {
    let tasks = [...this.tasks.values()];
    for (const [key, value] of query) {
      const field = /^equals\[(.+)\]$/.exec(key)?.[1];
      if (field) tasks = tasks.filter((t) => String(readPath(t, field)) === value);
    }
    const limit = Number(query.get('limit') ?? 25);
    const page = tasks.slice(0, limit).map(({ waits: _waits, ...task }) => task);
    return Reply.envelope(200, 'Successfully retrieved tasks', page, { total: tasks.length, skip: 0, limit });
  }

  private claimTask(id: string): Reply {
    const task = this.tasks.get(id);
    if (!task) return Reply.envelope(404, `Task ${id} not found`, null);
    if (task.status !== 'running') return Reply.envelope(400, `Task ${id} is not running`, null);
    task.metrics.owner = 'flightdeck';
    return Reply.envelope(200, 'Successfully claimed task', task);
  }

  /**
   * `POST /operations-manager/jobs/{jobId}/tasks/{taskId}/finish` with `{taskData: {finish_state, variables}}`
   * (both required, §C.2): `success` moves the job on once no other manual task holds it, `failure` takes a
   * failure path the workflow does not wire, so the job ends incomplete (and tasks still waiting on parallel
   * branches stop running). The task must be claimed first.
   */
  private finishTask(jobId: string, jobTaskId: string, body: unknown): Reply {
    const errors: { instancePath: string; message: string }[] = [];
    const taskData = isRecord(body) ? body.taskData : undefined;
    if (!isRecord(taskData))
      errors.push({ instancePath: '', message: "must have required property 'taskData'" });
    const data = isRecord(taskData) ? taskData : {};
    if (typeof data.finish_state !== 'string')
      errors.push({ instancePath: '/taskData', message: "must have required property 'finish_state'" });
    if (!isRecord(data.variables))
      errors.push({ instancePath: '/taskData', message: "must have required property 'variables'" });
    if (errors.length > 0) return Reply.envelope(400, 'Request body failed validation', null, { errors });
    const job = this.jobs.get(jobId);
    if (!job) return Reply.envelope(404, `Job ${jobId} not found`, null);
    const task = [...this.tasks.values()].find(
      (t) => t.job._id === jobId && t.job.task === jobTaskId && t.status === 'running',
    );
    if (!task)
      return Reply.envelope(400, `Task ${jobTaskId} of job ${jobId} is not a running manual task`, null);
    if (task.metrics.owner === '')
      return Reply.envelope(400, `Task ${jobTaskId} must be claimed before it is finished`, null);
    task.status = 'complete';
    task.metrics.finish_state = String(data.finish_state);
    const jobTask = job.tasks[jobTaskId];
    if (jobTask) {
      jobTask.status = 'complete';
      jobTask.metrics = { ...jobTask.metrics, finish_state: data.finish_state };
    }
    if (data.finish_state === 'success') this.advance(jobId);
    else
      this.apply(job, {
        status: 'incomplete',
        error: [
          {
            task: 'job',
            message: `Job has no available transitions. ${jobTaskId} could have led to the workflow end task, but did not. These tasks performed in a way that the end of the workflow could not be reached.`,
          },
        ],
      });
    return Reply.envelope(200, 'Successfully finished task', job);
  }

  private cancelJobs(body: unknown): Reply {
    const ids =
      isRecord(body) && Array.isArray(body.jobIds) ? body.jobIds.filter((x) => typeof x === 'string') : [];
    const failed: Record<string, string> = {};
    for (const id of ids) {
      const job = this.jobs.get(id);
      if (!job) failed[id] = `Job ${id} does not exist`;
      else if (isFinished(job)) failed[id] = `Job ${id} is already ${job.status}`;
      else {
        job.status = 'canceled';
        job.last_updated = new Date().toISOString();
      }
    }
    if (Object.keys(failed).length > 0) return Reply.envelope(500, 'Failed to cancel all jobs', failed);
    return Reply.envelope(200, 'Successfully canceled all jobs', null);
  }
}

function stableId(seed: string): string {
  return [...seed]
    .reduce((h, c) => (h * 33 + c.charCodeAt(0)) % 1e15, 5381)
    .toString(16)
    .padStart(24, '0')
    .slice(-24);
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export async function startFakeItential(options?: FakeItentialOptions): Promise<FakeItential> {
  return new FakeItential(options).start();
}
