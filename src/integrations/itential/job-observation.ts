import type { Observation } from '../../core/operations/contract';
import { manualTaskStep } from './manual-task-step';
import type { Problem } from '../../core/operations/problem';
import type { Redactor } from '../shared/redaction';
import { readableMessage, upstreamCode } from './upstream-message';
import type { Job, JobError, JobTask } from './schemas';

const MAX_MESSAGE = 1200;
const MAX_ERRORS_SHOWN = 3;

const ERROR_HINT =
  'The job is parked on the failed task. Fix the cause (for an adapter call: the adapter’s connection, ' +
  'credentials and the device it talks to), then retry the task in Itential Operations Manager, or cancel ' +
  'the job there. Flightdeck keeps watching the job in case it is retried.';
const INCOMPLETE_HINT =
  'The workflow could not reach its end task. Check the failing task and the workflow’s transitions in ' +
  'Automation Studio, then start the job again.';

/** A task as people know it: its canvas summary, with the method name when they differ. */
export function taskLabel(task: JobTask | undefined, taskId: string): string {
  const summary = task?.summary?.trim();
  const name = task?.name?.trim();
  if (summary && name && summary !== name) return `${summary} (${name})`;
  return summary || name || taskId;
}

function tasksOf(job: Job): [string, JobTask][] {
  return Object.entries(job.tasks ?? {});
}

function failedTaskId(job: Job, errors: JobError[]): string | undefined {
  const fromErrors = errors.find((e) => e.task !== undefined && e.task !== 'job')?.task;
  return fromErrors ?? tasksOf(job).find(([, t]) => t.status === 'error')?.[0];
}

function jobProblem(job: Job, status: 'error' | 'incomplete', redactor: Redactor): Problem {
  const errors = job.error ?? [];
  const taskId = failedTaskId(job, errors);
  const where = taskId ? taskLabel(job.tasks?.[taskId], taskId) : undefined;
  const lines = errors.map((e) => {
    const text = readableMessage(e.message);
    const task = e.task && e.task !== 'job' ? taskLabel(job.tasks?.[e.task], e.task) : undefined;
    return task ? `${task}: ${text}` : text;
  });
  const unique = [...new Set(lines)];
  const shown = unique.slice(0, MAX_ERRORS_SHOWN);
  const more = unique.length > shown.length ? `\n(and ${unique.length - shown.length} more in Itential)` : '';
  const message =
    shown.length > 0
      ? `${shown.join('\n')}${more}`
      : `Itential reports the job as ${status} without an error message.`;
  const first = errors.find((e) => e.task === taskId) ?? errors[0];
  const code = first ? upstreamCode(first.message) : undefined;
  const workflow = job.name ? ` '${job.name}'` : '';
  return {
    title:
      status === 'error'
        ? `Itential job${workflow} failed${where ? ` at task ${where}` : ''}`
        : `Itential job${workflow} could not finish`,
    message: redactor.clip(message, MAX_MESSAGE),
    ...(code ? { code } : {}),
    errorId: job._id,
    ...(where ? { where: `task ${where}` } : {}),
    hint: status === 'error' ? ERROR_HINT : INCOMPLETE_HINT,
  };
}

function progressOf(job: Job): number | undefined {
  const progress = job.metrics?.progress;
  if (progress === undefined || !Number.isFinite(progress)) return undefined;
  return Math.min(1, Math.max(0, progress));
}

/** Where the job is: its running tasks, progress, and a manual task waiting for a person. */
function activity(job: Job): Pick<Observation, 'detail' | 'progress' | 'waitingFor' | 'steps'> {
  const running = tasksOf(job).filter(([, t]) => t.status === 'running');
  const manual = running
    .filter(([, t]) => t.type === 'manual')
    .map(([id, t]) => ({ id, label: taskLabel(t, id) }));
  const labels = running.map(([id, t]) => taskLabel(t, id));
  const progress = progressOf(job);
  return {
    ...(labels.length > 0
      ? { detail: `${labels.length === 1 ? 'task' : 'tasks'} ${labels.join(', ')}` }
      : {}),
    ...(progress !== undefined ? { progress } : {}),
    ...(manual.length > 0
      ? {
          waitingFor: `${manual.length === 1 ? 'manual task' : 'manual tasks'} ${manual.map((m) => `'${m.label}'`).join(', ')}`,
          steps: manual.map((m) => manualTaskStep(m.id, m.label)),
        }
      : {}),
  };
}

/**
 * A job as an observation (upstream-apis.md §C.4, §D). `error` is not final upstream (an operator
 * can retry the task), so it is a failure that may recover. A status this code does not know keeps
 * the run running and shows the word verbatim.
 */
export function observeJob(job: Job, url: string, redactor: Redactor): Observation {
  const status = job.status ?? 'unknown';
  const base = ((): Omit<Observation, 'url'> => {
    switch (status) {
      case 'running': {
        const now = activity(job);
        return { ...now, state: now.waitingFor ? 'waiting' : 'running', upstreamStatus: status };
      }
      case 'paused': {
        const { waitingFor: _waitingFor, steps: _steps, ...now } = activity(job);
        return { ...now, state: 'paused', upstreamStatus: status };
      }
      case 'complete':
        return { state: 'succeeded', upstreamStatus: status, progress: 1 };
      case 'canceled':
      case 'cancelled':
        return { state: 'canceled', upstreamStatus: status };
      case 'error': {
        const taskId = failedTaskId(job, job.error ?? []);
        return {
          state: 'failed',
          upstreamStatus: status,
          mayRecover: true,
          problem: jobProblem(job, status, redactor),
          ...(taskId
            ? { retryStep: { id: taskId, label: `task ${taskLabel(job.tasks?.[taskId], taskId)}` } }
            : {}),
        };
      }
      case 'incomplete':
        return { state: 'failed', upstreamStatus: status, problem: jobProblem(job, status, redactor) };
      default: {
        const { waitingFor: _waitingFor, steps: _steps, ...now } = activity(job);
        return { ...now, state: 'running', upstreamStatus: status };
      }
    }
  })();
  return { ...base, url };
}
