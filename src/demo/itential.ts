import { randomBytes } from 'node:crypto';
import {
  isRecord,
  json,
  serveLoopback,
  type LoopbackServer,
  type SimReply,
  type SimRequest,
} from './loopback';
import { Script, type Pace } from './scenario';

/**
 * A scripted Itential Automation Platform for the demo: the Automation Studio workflow list and
 * Operations Manager jobs (upstream-apis.md §C), each workflow's jobs walking through a fixed story. A
 * manual task holds its job until it is claimed and finished (`success` goes on; `failure` takes a path the
 * demo workflows do not wire, so the job ends incomplete, as Itential ends it).
 */

interface Step {
  status: 'running' | 'complete' | 'error' | 'canceled';
  progress: number;
  task?: { name: string; summary: string; type: 'automatic' | 'manual' };
  error?: string;
}

interface DemoWorkflow {
  name: string;
  description: string;
  inputSchema?: Record<string, unknown>;
  story: Step[];
}

const run = (name: string, summary: string, progress: number): Step => ({
  status: 'running',
  progress,
  task: { name, summary, type: 'automatic' },
});

const manual = (summary: string, progress: number): Step => ({
  status: 'running',
  progress,
  task: { name: 'ViewData', summary, type: 'manual' },
});

const holds = (step: Step) => step.task?.type === 'manual';

export const ITENTIAL_WORKFLOWS: DemoWorkflow[] = [
  {
    name: 'Backup Devices',
    description: 'Back up the running config of every device in a site',
    inputSchema: {
      type: 'object',
      properties: { site: { type: 'string' } },
      required: ['site'],
    },
    story: [
      run('collectInventory', 'Collect inventory', 0.1),
      run('backUpDevice', 'Back up devices', 0.5),
      run('verifyBackups', 'Verify backups', 0.9),
      { status: 'complete', progress: 1 },
    ],
  },
  {
    name: 'Push Config',
    description: 'Render and push a config template (fails in the demo: the template is broken)',
    story: [
      run('renderTemplate', 'Render template', 0.2),
      {
        status: 'error',
        progress: 0.4,
        task: { name: 'pushConfig', summary: 'Push config', type: 'automatic' },
        error: 'Missing one of the following required instances: arg2, arg1',
      },
    ],
  },
  {
    name: 'Prod Push Config',
    description: 'Push a config to production (the demo policy asks for approval)',
    story: [
      run('renderTemplate', 'Render template', 0.2),
      manual('Check diff', 0.5),
      run('pushConfig', 'Push config', 0.8),
      { status: 'complete', progress: 1 },
    ],
  },
  {
    name: 'Firewall Change',
    description: 'Open a firewall port once someone has reviewed the change (a manual task)',
    story: [
      run('renderChange', 'Render change', 0.2),
      manual('Review change', 0.5),
      run('applyChange', 'Apply change', 0.8),
      { status: 'complete', progress: 1 },
    ],
  },
];

interface Job {
  id: string;
  workflow: DemoWorkflow;
  description: string;
  variables: Record<string, unknown>;
  script: Script<Step>;
  canceled: boolean;
  /** Its failed task was retried: the demo lets a retried task succeed and the job complete. */
  retried: boolean;
  /** Its manual task was claimed (finish needs a claim first). */
  claimed: boolean;
  /** Its manual task was finished with `failure`: the job ends incomplete. */
  incomplete: boolean;
  startedAt: number;
}

export class ItentialSimulator {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly pace: Pace) {}

  route(req: SimRequest): SimReply {
    const { method, path } = req;
    if (method === 'GET' && path === '/automation-studio/workflows') return this.workflows(req.query);
    const detailed = /^\/automation-studio\/workflows\/detailed\/(.+)$/.exec(path);
    if (method === 'GET' && detailed?.[1]) return this.workflow(decodeURIComponent(detailed[1]));
    if (method === 'POST' && path === '/operations-manager/jobs/start') return this.start(req.body);
    if (method === 'POST' && path === '/operations-manager/jobs/cancel') return this.cancel(req.body);
    if (method === 'GET' && path === '/operations-manager/jobs') return this.list(req.query);
    const retry = /^\/operations-manager\/jobs\/([^/]+)\/tasks\/[^/]+\/retry$/.exec(path);
    if (method === 'POST' && retry?.[1]) return this.retry(decodeURIComponent(retry[1]));
    if (method === 'GET' && path === '/operations-manager/tasks') return this.tasks(req.query);
    const claim = /^\/operations-manager\/tasks\/([^/]+)\/claim$/.exec(path);
    if (method === 'POST' && claim?.[1]) return this.claim(decodeURIComponent(claim[1]));
    const finish = /^\/operations-manager\/jobs\/([^/]+)\/tasks\/([^/]+)\/finish$/.exec(path);
    if (method === 'POST' && finish?.[1] && finish[2])
      return this.finish(decodeURIComponent(finish[1]), decodeURIComponent(finish[2]), req.body);
    const job = /^\/operations-manager\/jobs\/([^/]+)$/.exec(path);
    if (method === 'GET' && job?.[1]) return this.get(decodeURIComponent(job[1]));
    return envelope(404, `Cannot ${method} ${path}`, null);
  }

  private workflows(query: URLSearchParams): SimReply {
    const contains = (query.get('contains[name]') ?? '').toLowerCase();
    const items = ITENTIAL_WORKFLOWS.filter((w) => w.name.toLowerCase().includes(contains)).map((w) => ({
      _id: idOf(w.name),
      name: w.name,
      description: w.description,
      ...(w.inputSchema ? { inputSchema: w.inputSchema } : {}),
    }));
    return json(200, { items, total: items.length });
  }

  private workflow(name: string): SimReply {
    const w = ITENTIAL_WORKFLOWS.find((x) => x.name === name);
    if (!w) return envelope(404, `Workflow ${name} not found`, null);
    return json(200, {
      _id: idOf(w.name),
      name: w.name,
      ...(w.inputSchema ? { inputSchema: w.inputSchema } : {}),
    });
  }

  private start(body: unknown): SimReply {
    const b = isRecord(body) ? body : {};
    const options = isRecord(b.options) ? b.options : {};
    const workflow = ITENTIAL_WORKFLOWS.find((w) => w.name === b.workflow);
    if (!workflow) return envelope(404, `Workflow "${String(b.workflow)}" not found`, null);
    const job: Job = {
      id: randomBytes(12).toString('hex'),
      workflow,
      description: typeof options.description === 'string' ? options.description : '',
      variables: isRecord(options.variables) ? options.variables : {},
      script: new Script(workflow.story, this.pace, holds),
      canceled: false,
      retried: false,
      claimed: false,
      incomplete: false,
      startedAt: this.pace.now(),
    };
    this.jobs.set(job.id, job);
    return envelope(200, 'Successfully created the requested item', this.render(job, job.script.current));
  }

  private get(id: string): SimReply {
    const job = this.jobs.get(id);
    if (!job) return envelope(404, `Job ${id} not found`, null);
    return envelope(
      200,
      'Successfully retrieved job',
      this.render(job, job.canceled ? job.script.current : job.script.look()),
    );
  }

  private list(query: URLSearchParams): SimReply {
    const name = query.get('equals[name]');
    const jobs = [...this.jobs.values()]
      .filter((j) => name === null || j.workflow.name === name)
      .sort((a, b) => b.startedAt - a.startedAt)
      .map((j) => this.render(j, j.script.current));
    return envelope(200, 'Successfully retrieved jobs', jobs);
  }

  private cancel(body: unknown): SimReply {
    const ids = isRecord(body) && Array.isArray(body.jobIds) ? body.jobIds : [];
    const failed: Record<string, string> = {};
    for (const id of ids) {
      const job = this.jobs.get(String(id));
      const status = job ? this.status(job, job.script.current) : undefined;
      if (!job) failed[String(id)] = `Job ${String(id)} does not exist`;
      else if (status !== 'running') failed[job.id] = `Job ${job.id} is already ${status ?? ''}`;
      else job.canceled = true;
    }
    if (Object.keys(failed).length > 0) return envelope(500, 'Failed to cancel all jobs', failed);
    return envelope(200, 'Successfully canceled all jobs', null);
  }

  private retry(id: string): SimReply {
    const job = this.jobs.get(id);
    if (!job) return envelope(404, `Job ${id} not found`, null);
    const status = this.status(job, job.script.current);
    if (status !== 'error')
      return envelope(500, `Job ${id} is ${status}, not in error: its tasks cannot be retried`, null);
    job.retried = true;
    return envelope(200, 'Successfully retried task', this.render(job, job.script.current));
  }

  /** The jobs' manual tasks that wait for a person, as task documents; only `equals[type]` and `equals[status]` filter. */
  private tasks(query: URLSearchParams): SimReply {
    const type = query.get('equals[type]');
    const status = query.get('equals[status]');
    const tasks = [...this.jobs.values()]
      .flatMap((job) => {
        const task = this.waitingTask(job);
        return task
          ? [{ ...task, job: { _id: job.id, task: taskIdOf(task.name), name: job.workflow.name } }]
          : [];
      })
      .filter((t) => (type === null || t.type === type) && (status === null || t.status === status));
    return json(200, {
      message: 'Successfully retrieved tasks',
      data: tasks,
      metadata: { total: tasks.length, skip: 0, limit: Number(query.get('limit') ?? 25) },
    });
  }

  private claim(taskDocId: string): SimReply {
    const job = [...this.jobs.values()].find((j) => this.waitingTask(j)?._id === taskDocId);
    if (!job) return envelope(404, `Task ${taskDocId} not found`, null);
    job.claimed = true;
    return envelope(200, 'Successfully claimed task', this.waitingTask(job));
  }

  private finish(jobId: string, taskId: string, body: unknown): SimReply {
    const taskData = isRecord(body) && isRecord(body.taskData) ? body.taskData : undefined;
    const finishState = taskData?.finish_state;
    if (typeof finishState !== 'string' || !isRecord(taskData?.variables))
      return envelope(400, 'Request body failed validation', null);
    const job = this.jobs.get(jobId);
    if (!job) return envelope(404, `Job ${jobId} not found`, null);
    const task = this.waitingTask(job);
    if (!task || taskIdOf(task.name) !== taskId)
      return envelope(400, `Task ${taskId} of job ${jobId} is not a running manual task`, null);
    if (!job.claimed) return envelope(400, `Task ${taskId} must be claimed before it is finished`, null);
    job.claimed = false;
    if (finishState === 'success') job.script.release();
    else job.incomplete = true;
    return envelope(200, 'Successfully finished task', this.render(job, job.script.current));
  }

  /** The job's manual task that holds it now, as `GET /operations-manager/tasks` lists it. */
  private waitingTask(job: Job) {
    const { task } = job.script.current;
    if (!task || !job.script.held || job.canceled || job.incomplete) return undefined;
    return {
      _id: idOf(`${job.id}:${task.name}`),
      name: task.name,
      summary: task.summary,
      type: task.type,
      status: 'running',
    };
  }

  private status(job: Job, step: Step): string {
    if (job.canceled) return 'canceled';
    if (job.incomplete) return 'incomplete';
    return job.retried ? 'complete' : step.status;
  }

  private render(job: Job, step: Step): Record<string, unknown> {
    const taskId = step.task ? taskIdOf(step.task.name) : undefined;
    const error = job.incomplete
      ? `Job has no available transitions. ${taskId ?? 'A task'} could have led to the workflow end task, but did not.`
      : job.retried
        ? undefined
        : step.error;
    return {
      _id: job.id,
      name: job.workflow.name,
      description: job.description,
      status: this.status(job, step),
      variables: job.variables,
      tasks:
        step.task && taskId
          ? {
              [taskId]: {
                ...step.task,
                status: step.status === 'error' ? 'error' : job.incomplete ? 'complete' : 'running',
              },
            }
          : {},
      error: error
        ? [{ task: job.incomplete ? 'job' : (taskId ?? 'job'), message: error, timestamp: this.pace.now() }]
        : [],
      metrics: { progress: step.progress, start_time: job.startedAt },
    };
  }
}

function envelope(status: number, message: string, data: unknown): SimReply {
  return json(status, { message, data, metadata: {} });
}

/** A task's id in its workflow, as the job's `tasks` keys it. */
const taskIdOf = (name: string) => idOf(name).slice(-4);

/** A stable 24-hex id, as Itential's object ids look. */
function idOf(seed: string): string {
  const hash = [...seed].reduce((h, c) => (h * 33 + c.charCodeAt(0)) % 1e15, 5381);
  return hash.toString(16).padStart(24, '0').slice(-24);
}

export async function startItentialSimulator(pace: Pace): Promise<LoopbackServer> {
  const sim = new ItentialSimulator(pace);
  return serveLoopback((req) => sim.route(req));
}
