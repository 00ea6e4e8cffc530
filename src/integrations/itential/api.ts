import type { CancelOutcome } from '../../core/operations/contract';
import { isUpstreamError } from '../../core/operations/problem';
import { isRecord } from '../shared/json';
import type { ItentialClient } from './http';
import type { ItentialTuning } from './config';
import {
  envelope,
  type Job,
  jobListSchema,
  jobSchema,
  type ManualTask,
  manualTaskSchema,
  messageSchema,
  type Workflow,
  workflowDetailSchema,
  workflowListSchema,
  workflowSchema,
} from './schemas';

/**
 * The job fields the bot reads. Jobs are large (every task's transitions, variables, watchers), and
 * `variables` may hold secrets, so polls ask for: `name`, `description` (holds the run tag),
 * `status`, `error` (what failed), `metrics` (progress, start time) and `tasks` (the running task's
 * name and type, the failed task's name). `_id` always comes back.
 */
export const JOB_FIELDS = 'name,description,status,error,metrics,tasks';

/** Automation Studio caps a page at 100 workflows. */
export const WORKFLOW_PAGE = 100;

export interface StartBody {
  workflow: string;
  options: { description: string; type: string; variables: Record<string, unknown>; groups?: string[] };
}

/** Itential's SDK reads this 500 as "already canceled, complete or gone". */
const isAlreadyFinished = (status: number, body: unknown) =>
  status === 500 &&
  isRecord(body) &&
  typeof body.message === 'string' &&
  /failed to cancel/i.test(body.message);

/** Itential's endpoints, one method each. */
export class ItentialApi {
  constructor(
    private readonly client: ItentialClient,
    private readonly tuning: ItentialTuning,
  ) {}

  async searchWorkflows(query: string): Promise<{ workflows: Workflow[]; complete: boolean }> {
    const params: Record<string, string | number> = {
      limit: WORKFLOW_PAGE,
      skip: 0,
      sort: 'name',
      order: 1,
      include: 'name,description,inputSchema',
    };
    if (query !== '') params['contains[name]'] = query;
    const body = await this.client.request(
      {
        method: 'GET',
        path: '/automation-studio/workflows',
        params,
        action: 'list workflows',
        timeoutMs: this.tuning.searchTimeoutMs,
        // One short try: the picker must answer Slack within 3 s.
        retry: false,
      },
      workflowListSchema,
    );
    const workflows = body.items.flatMap((item) => {
      const parsed = workflowSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
    return { workflows, complete: body.total !== undefined && body.total <= body.items.length };
  }

  /** The workflow, or undefined when Itential does not know it or hides it from the bot (`{}`). */
  async workflowDetail(name: string, timeoutMs: number): Promise<{ inputSchema?: unknown } | undefined> {
    try {
      const body = await this.client.request(
        {
          method: 'GET',
          path: `/automation-studio/workflows/detailed/${encodeURIComponent(name)}`,
          action: 'read the workflow',
          subject: `Workflow '${name}'`,
          timeoutMs,
          retry: false,
        },
        workflowDetailSchema,
      );
      return body.name === undefined ? undefined : { inputSchema: body.inputSchema };
    } catch (err) {
      if (isUpstreamError(err) && err.httpStatus === 404) return undefined;
      throw err;
    }
  }

  /** Never retried: Itential has no idempotency key, and a second call starts a second job. */
  async startJob(body: StartBody): Promise<Job> {
    const res = await this.client.request(
      {
        method: 'POST',
        path: '/operations-manager/jobs/start',
        json: body,
        action: 'start the job',
        subject: `Workflow '${body.workflow}'`,
        timeoutMs: this.tuning.startTimeoutMs,
        retry: false,
        oneShot: true,
      },
      envelope(jobSchema),
    );
    return res.data;
  }

  async getJob(id: string): Promise<Job> {
    const res = await this.client.request(
      {
        method: 'GET',
        path: `/operations-manager/jobs/${encodeURIComponent(id)}`,
        params: { include: JOB_FIELDS },
        action: 'read the job',
        subject: `Job ${id}`,
        retry: true,
      },
      envelope(jobSchema),
    );
    return res.data;
  }

  /** The workflow's most recent jobs, newest first. */
  async recentJobs(workflow: string): Promise<Job[]> {
    const res = await this.client.request(
      {
        method: 'GET',
        path: '/operations-manager/jobs',
        params: {
          'equals[name]': workflow,
          sort: 'metrics.start_time',
          order: -1,
          limit: this.tuning.recoverScanLimit,
          include: JOB_FIELDS,
        },
        action: 'look for the job',
        retry: true,
      },
      jobListSchema,
    );
    return res.data.flatMap((item) => {
      const parsed = jobSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /**
   * Runs a failed task again, keeping the job's variables and finished work (§C.2). Sent once: a lost answer
   * may have retried it, and the job, read again, says so.
   */
  async retryTask(jobId: string, taskId: string): Promise<Job> {
    const res = await this.client.request(
      {
        method: 'POST',
        path: `/operations-manager/jobs/${encodeURIComponent(jobId)}/tasks/${encodeURIComponent(taskId)}/retry`,
        json: {},
        action: 'retry the task',
        subject: `Task ${taskId} of job ${jobId}`,
        retry: false,
        oneShot: true,
      },
      envelope(jobSchema),
    );
    return res.data;
  }

  /** Safe to repeat: cancelling a finished job is answered, not applied twice. */
  async cancelJob(id: string): Promise<CancelOutcome> {
    const res = await this.client.send(
      {
        method: 'POST',
        path: '/operations-manager/jobs/cancel',
        json: { jobIds: [id] },
        action: 'cancel the job',
        subject: `Job ${id}`,
        retry: true,
        acceptError: isAlreadyFinished,
      },
      messageSchema,
    );
    return res.status === 500 ? 'already_finished' : 'requested';
  }

  /** Manual tasks waiting for a person (§C.2), at most `limit`; other entries are skipped. */
  async waitingManualTasks(limit: number): Promise<ManualTask[]> {
    const res = await this.client.request(
      {
        method: 'GET',
        path: '/operations-manager/tasks',
        params: { 'equals[type]': 'manual', 'equals[status]': 'running', limit },
        action: 'list the manual tasks',
        retry: true,
      },
      jobListSchema,
    );
    return res.data.flatMap((item) => {
      const parsed = manualTaskSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Takes ownership of a manual task for the bot's account (by the task's own `_id`). */
  async claimTask(taskId: string): Promise<void> {
    await this.client.request(
      {
        method: 'POST',
        path: `/operations-manager/tasks/${encodeURIComponent(taskId)}/claim`,
        action: 'claim the manual task',
        subject: `Task ${taskId}`,
        retry: false,
        oneShot: true,
      },
      messageSchema,
    );
  }

  /** Finishes a claimed manual task (by the job and the task's id in the workflow): its form's values go in `variables`. */
  async finishTask(
    jobId: string,
    jobTaskId: string,
    finishState: 'success' | 'failure',
    variables: Record<string, unknown>,
  ): Promise<void> {
    await this.client.request(
      {
        method: 'POST',
        path: `/operations-manager/jobs/${encodeURIComponent(jobId)}/tasks/${encodeURIComponent(jobTaskId)}/finish`,
        json: { taskData: { finish_state: finishState, variables } },
        action: finishState === 'success' ? 'approve the manual task' : 'reject the manual task',
        subject: `Task ${jobTaskId} of job ${jobId}`,
        retry: false,
        oneShot: true,
      },
      messageSchema,
    );
  }
}
