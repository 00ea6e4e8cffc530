import { randomBytes } from 'node:crypto';

/**
 * A fake Itential job walks through a script of steps, one step per advance. Each step sets the
 * job status and, optionally, the task it is on (upstream-apis.md §C.3/§C.4).
 */

export interface ScriptTask {
  /** Task id in `job.tasks`; defaults to a hex id derived from the name. */
  id?: string;
  /** The method name (`name`), e.g. "backUpDevice" or "ViewData" for a manual task. */
  name: string;
  /** The label on the canvas. */
  summary?: string;
  type?: 'automatic' | 'operation' | 'manual';
  /** Defaults to `running` for running/paused jobs, `error` for errored jobs. */
  status?: string;
  /** A manual task that holds the job until it is finished through the API (claim, then finish). */
  waits?: boolean;
}

export interface ScriptStep {
  status: string;
  task?: ScriptTask;
  /** Tasks that start beside `task`, on parallel branches of the workflow (e.g. two manual tasks waiting at once). */
  tasks?: ScriptTask[];
  progress?: number;
  /** Entries for `job.error`; `task` defaults to this step's task id. */
  error?: { task?: string; message: unknown }[];
}

export type JobScript = ScriptStep[];

export interface FakeTask {
  name: string;
  summary?: string;
  type: string;
  status: string;
  groups: string[];
  transitions: Record<string, unknown>;
  metrics?: Record<string, unknown>;
}

export interface FakeJob {
  _id: string;
  name: string;
  description: string;
  type: string;
  status: string;
  variables: Record<string, unknown>;
  groups: string[];
  tasks: Record<string, FakeTask>;
  error: { task: string; message: unknown; timestamp: number }[];
  warnings: unknown[];
  metrics: { start_time: number; progress: number; user: string; owner: string; end_time?: number };
  created: string;
  last_updated: string;
  watchers: string[];
}

const FINAL = new Set(['complete', 'canceled', 'incomplete']);

export const objectId = () => randomBytes(12).toString('hex');
const taskIdFor = (name: string) =>
  [...name]
    .reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)
    .toString(16)
    .slice(-4)
    .padStart(4, '0');

/** The nested adapter error the seed shows in `error[].message`. */
export function adapterError(message: string, method = 'transformations.run'): unknown {
  return { code: 500, message: { apiVersion: '1', method, error: { code: 500, message, errors: [] } } };
}

export const steps = {
  running: (name: string, progress: number, summary?: string): ScriptStep => ({
    status: 'running',
    progress,
    task: { name, summary, type: 'automatic' },
  }),
  manual: (summary: string, progress = 0.5): ScriptStep => ({
    status: 'running',
    progress,
    task: { name: 'ViewData', summary, type: 'manual' },
  }),
  /** A manual task the job waits on until someone claims and finishes it (Approve → on, Reject → failure path). */
  manualWaiting: (summary: string, progress = 0.5): ScriptStep => ({
    status: 'running',
    progress,
    task: { name: 'ViewData', summary, type: 'manual', waits: true },
  }),
  /**
   * Manual tasks on parallel branches, all waiting at once (one per summary, each with its own task id): the
   * job moves on once every one is finished with success; one finished with failure ends it as `manualWaiting`'s.
   */
  manualWaitingParallel: (summaries: string[], progress = 0.5): ScriptStep => ({
    status: 'running',
    progress,
    tasks: summaries.map((summary) => ({
      id: taskIdFor(summary),
      name: 'ViewData',
      summary,
      type: 'manual',
      waits: true,
    })),
  }),
  paused: (progress = 0.5): ScriptStep => ({ status: 'paused', progress }),
  complete: (): ScriptStep => ({ status: 'complete', progress: 1 }),
  canceled: (): ScriptStep => ({ status: 'canceled' }),
  /** The job parks on a failed task, with the seed's nested adapter error. */
  adapterFailure: (name: string, message: string, summary?: string): ScriptStep => ({
    status: 'error',
    progress: 0.6,
    task: { name, summary, type: 'automatic', status: 'error' },
    error: [{ message: adapterError(message) }],
  }),
  incomplete: (): ScriptStep => ({
    status: 'incomplete',
    error: [
      {
        task: 'job',
        message:
          'Job has no available transitions. c841 could have led to the workflow end task, but did not. These tasks performed in a way that the end of the workflow could not be reached.',
      },
    ],
  }),
};

export const scripts = {
  /** running (task A, 0.2) → running (manual task) → complete */
  happy: (): JobScript => [
    steps.running('backUpDevice', 0.2, 'Back up device'),
    steps.manual('Approve change'),
    steps.complete(),
  ],
  adapterError: (): JobScript => [
    steps.running('backUpDevice', 0.2),
    steps.adapterFailure(
      'pushConfig',
      'Missing one of the following required instances: arg2, arg1',
      'Push config',
    ),
  ],
};

/** A task document of `GET /operations-manager/tasks`: its own `_id`, and the job and workflow task it is. */
export interface FakeTaskDocument {
  _id: string;
  name: string;
  summary?: string;
  type: string;
  status: string;
  job: { _id: string; task: string; name: string };
  metrics: { owner: string; start_time: number; finish_state?: string };
  waits: boolean;
}

/** The tasks a step starts: its `task`, then those on parallel branches. */
const startedBy = (step: ScriptStep): ScriptTask[] => [
  ...(step.task ? [step.task] : []),
  ...(step.tasks ?? []),
];

/** The task documents for the job's running manual tasks that are not listed yet. */
export function manualTaskDocuments(job: FakeJob, step: ScriptStep): FakeTaskDocument[] {
  if (step.status !== 'running') return [];
  return startedBy(step)
    .filter((task) => task.type === 'manual')
    .map((task) => ({
      _id: objectId(),
      name: task.name,
      ...(task.summary ? { summary: task.summary } : {}),
      type: 'manual',
      status: 'running',
      job: { _id: job._id, task: task.id ?? taskIdFor(task.name), name: job.name },
      metrics: { owner: '', start_time: Date.now() },
      waits: task.waits === true,
    }));
}

export function newJob(init: {
  workflow: string;
  description: string;
  type: string;
  variables: Record<string, unknown>;
  groups: string[];
  now: number;
}): FakeJob {
  return {
    _id: objectId(),
    name: init.workflow,
    description: init.description,
    type: init.type,
    status: 'running',
    variables: init.variables,
    groups: init.groups,
    tasks: {
      workflow_start: {
        name: 'workflow_start',
        type: 'automatic',
        status: 'complete',
        groups: [],
        transitions: {},
      },
    },
    error: [],
    warnings: [],
    metrics: { start_time: init.now, progress: 0, user: 'flightdeck', owner: 'flightdeck' },
    created: new Date(init.now).toISOString(),
    last_updated: new Date(init.now).toISOString(),
    watchers: ['Pronghorn'],
  };
}

/** Puts the job in the state `step` describes. Earlier running tasks finish when new tasks start. */
export function applyStep(job: FakeJob, step: ScriptStep, now: number): void {
  job.status = step.status;
  if (step.progress !== undefined) job.metrics.progress = step.progress;
  const started = startedBy(step);
  if (started.length > 0)
    for (const task of Object.values(job.tasks)) if (task.status === 'running') task.status = 'complete';
  for (const task of started)
    job.tasks[task.id ?? taskIdFor(task.name)] = {
      name: task.name,
      ...(task.summary ? { summary: task.summary } : {}),
      type: task.type ?? 'automatic',
      status: task.status ?? (step.status === 'error' ? 'error' : 'running'),
      groups: [],
      transitions: { success: [], failure: [], error: [] },
      metrics: { start_time: now },
    };
  if (step.error) {
    const taskId = step.task ? (step.task.id ?? taskIdFor(step.task.name)) : 'job';
    for (const e of step.error)
      job.error.push({ task: e.task ?? taskId, message: e.message, timestamp: now });
  }
  if (FINAL.has(step.status)) {
    for (const task of Object.values(job.tasks)) if (task.status === 'running') task.status = 'complete';
    job.metrics.end_time = now;
  }
  job.last_updated = new Date(now).toISOString();
}

export function isFinished(job: FakeJob): boolean {
  return FINAL.has(job.status);
}
