import type { Observation } from '../../core/operations/contract';
import type { Problem } from '../../core/operations/problem';
import type { ObservedState } from '../../core/runs/lifecycle';
import type { LayoutNode, PipelineSummary } from './schemas';

interface StatusMeaning {
  state: ObservedState;
  /** For `waiting`: what a human must do. */
  waitingFor?: string;
  /** Said instead of the current stage. */
  note?: string;
  problem?: { title: string; hint: string; fallback: string };
}

const RUNNING: StatusMeaning = { state: 'running' };

/**
 * Pipeline execution statuses (upstream-apis.md §A.4), keyed by the status lower-cased without `_`, so
 * `ApprovalWaiting` and the legacy `APPROVAL_WAITING` are one entry.
 */
const MEANINGS: Record<string, StatusMeaning> = {
  queued: { state: 'queued' },
  notstarted: { state: 'queued' },
  queuedlicenselimitreached: { state: 'queued', note: 'queued: the account has reached its license limit' },
  queuedexecutionconcurrencyreached: {
    state: 'queued',
    note: 'queued behind other executions (concurrency limit)',
  },
  running: RUNNING,
  asyncwaiting: RUNNING,
  taskwaiting: RUNNING,
  timedwaiting: RUNNING,
  waitsteprunning: RUNNING,
  uploadwaiting: RUNNING,
  waiting: RUNNING,
  resourcewaiting: { state: 'running', note: 'waiting for a resource (another execution holds it)' },
  discontinuing: { state: 'running', note: 'stopping' },
  suspended: { state: 'running', note: 'suspended' },
  approvalwaiting: { state: 'waiting', waitingFor: 'an approval' },
  interventionwaiting: {
    state: 'waiting',
    waitingFor: 'manual intervention (a failure strategy waits for someone to choose)',
  },
  inputwaiting: { state: 'waiting', waitingFor: 'runtime input' },
  paused: { state: 'paused', waitingFor: 'someone to resume it' },
  pausing: { state: 'paused', note: 'pausing' },
  success: { state: 'succeeded' },
  ignorefailed: { state: 'succeeded', note: 'succeeded (a failure was ignored by a failure strategy)' },
  failed: {
    state: 'failed',
    problem: {
      title: 'The pipeline failed',
      hint: 'Open the execution in Harness for the step logs.',
      fallback: 'Harness gave no failure message.',
    },
  },
  errored: {
    state: 'failed',
    problem: {
      title: 'The pipeline errored',
      hint: 'Open the execution in Harness for the step logs.',
      fallback: 'Harness gave no error message.',
    },
  },
  expired: {
    state: 'failed',
    problem: {
      title: 'The pipeline execution expired',
      hint: 'It waited longer than its timeout (often an approval or input nobody answered). Run the pipeline again.',
      fallback: 'It ran out of time.',
    },
  },
  approvalrejected: {
    state: 'failed',
    problem: {
      title: 'The approval was rejected',
      hint: 'See who rejected it, and why, in Harness.',
      fallback: 'An approver rejected it.',
    },
  },
  aborted: { state: 'canceled' },
  abortedbyfreeze: {
    state: 'canceled',
    problem: {
      title: 'Aborted by a deployment freeze',
      hint: 'Run it again after the freeze window ends.',
      fallback: 'A freeze window is active.',
    },
  },
  skipped: {
    state: 'canceled',
    problem: {
      title: 'The pipeline was skipped',
      hint: 'Check the pipeline’s conditional execution settings in Harness.',
      fallback: 'Harness skipped every stage: nothing ran.',
    },
  },
};

const normalise = (status: string) => status.toLowerCase().replace(/_/g, '');

export function meaningOf(status: string): StatusMeaning | undefined {
  return MEANINGS[normalise(status)];
}

const FINISHED: ObservedState[] = ['succeeded', 'failed', 'canceled'];
const IN_PROGRESS: ObservedState[] = ['running', 'waiting', 'paused'];

/** Stages in the layout, without the wrappers Harness adds around parallel stages. */
function stagesOf(summary: PipelineSummary): LayoutNode[] {
  return Object.values(summary.layoutNodeMap ?? {}).filter(
    (node) => normalise(node.nodeType ?? '') !== 'parallel',
  );
}

const stageName = (node: LayoutNode) => node.name ?? node.nodeIdentifier ?? node.nodeUuid ?? 'unnamed stage';

function stagesIn(stages: LayoutNode[], states: ObservedState[]): LayoutNode[] {
  return stages.filter((node) => {
    const meaning = node.status ? meaningOf(node.status) : undefined;
    return meaning !== undefined && states.includes(meaning.state);
  });
}

const listNames = (nodes: LayoutNode[]) => nodes.map((node) => `stage ${stageName(node)}`).join(', ');

function failureMessage(summary: PipelineSummary, failedStage: LayoutNode | undefined): string | undefined {
  const candidates = [
    summary.failureInfo?.message,
    summary.executionErrorInfo?.message,
    failedStage?.failureInfo?.message,
    ...(summary.failureInfo?.responseMessages ?? []).map((m) => m.message),
  ];
  return candidates.find((m): m is string => typeof m === 'string' && m.trim() !== '')?.trim();
}

/** What a pipeline execution says about the run: state, where it is, who must act, why it failed. */
export function observePipeline(summary: PipelineSummary, url: string): Observation {
  const upstreamStatus = summary.status;
  const meaning = meaningOf(upstreamStatus);
  const stages = stagesOf(summary);
  const progress = stages.length > 0 ? stagesIn(stages, FINISHED).length / stages.length : undefined;
  const base = { upstreamStatus, url, ...(progress !== undefined ? { progress } : {}) };

  if (!meaning) {
    return {
      ...base,
      state: 'running',
      detail: `Harness reports status "${upstreamStatus}", which Flightdeck does not know; still following it`,
    };
  }
  const active = stagesIn(stages, IN_PROGRESS);
  const current = active.length > 0 ? listNames(active) : undefined;

  if (meaning.problem) {
    const failed = stagesIn(stages, ['failed'])[0] ?? stagesIn(stages, ['canceled'])[0];
    const problem: Problem = {
      title: meaning.problem.title,
      message: failureMessage(summary, failed) ?? meaning.problem.fallback,
      hint: meaning.problem.hint,
      ...(failed ? { where: `stage ${stageName(failed)}` } : {}),
    };
    return {
      ...base,
      state: meaning.state,
      problem,
      ...(failed ? { detail: `stage ${stageName(failed)}` } : {}),
    };
  }
  if (meaning.state === 'waiting' || meaning.state === 'paused') {
    const waitingFor =
      meaning.waitingFor && current ? `${meaning.waitingFor} in ${current}` : meaning.waitingFor;
    return {
      ...base,
      state: meaning.state,
      detail: meaning.note ?? current,
      ...(waitingFor ? { waitingFor } : {}),
    };
  }
  const detail = meaning.note ?? (meaning.state === 'running' ? current : undefined);
  return { ...base, state: meaning.state, ...(detail ? { detail } : {}) };
}
