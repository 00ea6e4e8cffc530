/** One answer of a scripted pipeline execution: the pipeline status and where it is. */
export interface PipelineStep {
  status: string;
  /** Identifier of the stage in progress (or the one that ended the run); earlier stages count as succeeded. */
  stage?: string;
  /** The current stage's own status; defaults to `status`. */
  stageStatus?: string;
  /** failureInfo.message of the pipeline and of the current stage. */
  failure?: string;
  /**
   * A Harness Approval step waits here (status ApprovalWaiting), or several at once (parallel stages): the
   * script holds on this step until each approval's activity is posted; APPROVE of the last one moves on,
   * REJECT of any ends the execution ApprovalRejected.
   */
  approval?: ApprovalSpec | ApprovalSpec[];
}

export interface ApprovalSpec {
  message: string;
  inputs?: { name: string; defaultValue?: string }[];
}

/** A Harness Approval instance as `…/approvals/execution/{id}` lists it (ApprovalInstanceResponseBody). */
export interface FakeApproval {
  id: string;
  type: 'HarnessApproval';
  status: 'WAITING' | 'APPROVED' | 'REJECTED';
  deadline: number;
  created: number;
  updated: number;
  error_message: string;
  details: {
    approvalMessage: string;
    includePipelineExecutionHistory: boolean;
    approvers: { userGroups: string[]; minimumCount: number; disallowPipelineExecutor: boolean };
    approvalActivities: { approvalAction: string; comments: string; approvedAt: number }[];
    approverInputs: { name: string; defaultValue?: string }[];
  };
}

export interface PipelineExecutionSpec {
  planExecutionId: string;
  org: string;
  project: string;
  pipeline: string;
  name?: string;
  runSequence?: number;
  stages: { id: string; name: string }[];
  /** Each GET returns the next step (or, with `advance: 'manual'`, the step `advance()` moved to); the last repeats. */
  steps: PipelineStep[];
  advance?: 'per-read' | 'manual';
}

const FINAL = new Set([
  'success',
  'failed',
  'errored',
  'aborted',
  'abortedbyfreeze',
  'expired',
  'approvalrejected',
  'ignorefailed',
  'skipped',
]);

export const isFinalStatus = (status: string) => FINAL.has(status.toLowerCase().replace(/_/g, ''));

function newApproval(id: string, spec: ApprovalSpec): FakeApproval {
  const now = Date.now();
  return {
    id,
    type: 'HarnessApproval',
    status: 'WAITING',
    deadline: now + 86_400_000,
    created: now,
    updated: now,
    error_message: '',
    details: {
      approvalMessage: spec.message,
      includePipelineExecutionHistory: false,
      approvers: { userGroups: ['_project_all_users'], minimumCount: 1, disallowPipelineExecutor: false },
      approvalActivities: [],
      approverInputs: spec.inputs ?? [],
    },
  };
}

/** A pipeline execution whose status advances one step per read (as a real one does over time), or on demand. */
export class ScriptedPipeline {
  private index = 0;
  private lastServed: PipelineStep | undefined;
  private reads = 0;
  aborted = false;
  rejected = false;
  readonly startTs = Date.now();
  /** The Harness Approval instances this execution has reached, by id. */
  readonly approvals = new Map<string, FakeApproval>();

  constructor(readonly spec: PipelineExecutionSpec) {
    if (spec.steps.length === 0) throw new Error(`pipeline ${spec.planExecutionId} has no steps`);
  }

  private stepAt(index: number): PipelineStep {
    return this.spec.steps[Math.min(index, this.spec.steps.length - 1)] as PipelineStep;
  }

  /** Where the execution is now: the step last read (the first before any read), or aborted, or rejected. */
  now(): PipelineStep {
    const step = this.lastServed ?? this.stepAt(this.index);
    if (this.rejected)
      return { status: 'ApprovalRejected', stage: step.stage, stageStatus: 'ApprovalRejected' };
    return this.aborted ? { status: 'Aborted', stage: step.stage, stageStatus: 'Aborted' } : step;
  }

  /** The approvals the execution waits on now (creating their instances when first reached). */
  waitingApprovals(): FakeApproval[] {
    const step = this.stepAt(this.index);
    if (!step.approval || this.aborted || this.rejected) return [];
    const specs = Array.isArray(step.approval) ? step.approval : [step.approval];
    const base = `${this.spec.planExecutionId}-approval-${this.index}`;
    const ids = Array.isArray(step.approval) ? specs.map((_, n) => `${base}-${n + 1}`) : [base];
    specs.forEach((spec, n) => {
      const id = ids[n] as string;
      if (!this.approvals.has(id)) this.approvals.set(id, newApproval(id, spec));
    });
    return ids.flatMap((id) => {
      const approval = this.approvals.get(id);
      return approval?.status === 'WAITING' ? [approval] : [];
    });
  }

  /** Posts an approval activity: APPROVE of the last one waiting moves the script on, REJECT ends it. */
  decide(approval: FakeApproval, action: 'APPROVE' | 'REJECT', comments: string): void {
    approval.status = action === 'APPROVE' ? 'APPROVED' : 'REJECTED';
    approval.updated = Date.now();
    approval.details.approvalActivities.push({ approvalAction: action, comments, approvedAt: Date.now() });
    if (action === 'REJECT') this.rejected = true;
    else if (this.waitingApprovals().length === 0) this.index += 1;
  }

  /** Moves a `manual` script to its next step. */
  advance(): void {
    this.index += 1;
  }

  /** The v2 execution detail a GET returns. */
  read(): object {
    this.reads += 1;
    if (!this.aborted && !this.rejected) {
      this.lastServed = this.stepAt(this.index);
      // An approval holds the execution until someone decides it.
      if (this.spec.advance !== 'manual' && this.waitingApprovals().length === 0) this.index += 1;
    }
    return this.detail(this.now());
  }

  private detail(step: PipelineStep): object {
    const { spec } = this;
    const currentIndex = step.stage ? spec.stages.findIndex((s) => s.id === step.stage) : -1;
    const allDone = currentIndex < 0 && step.status.toLowerCase() === 'success';
    const layoutNodeMap: Record<string, object> = {};
    spec.stages.forEach((stage, index) => {
      const status =
        allDone || (currentIndex >= 0 && index < currentIndex)
          ? 'Success'
          : index === currentIndex
            ? (step.stageStatus ?? step.status)
            : 'NotStarted';
      layoutNodeMap[`uuid-${stage.id}`] = {
        nodeType: 'IACM',
        nodeGroup: 'STAGE',
        nodeIdentifier: stage.id,
        nodeUuid: `uuid-${stage.id}`,
        name: stage.name,
        status,
        module: 'iacm',
        ...(index === currentIndex && step.failure ? { failureInfo: { message: step.failure } } : {}),
      };
    });
    const final = isFinalStatus(step.status);
    return {
      status: 'SUCCESS',
      data: {
        pipelineExecutionSummary: {
          planExecutionId: spec.planExecutionId,
          pipelineIdentifier: spec.pipeline,
          orgIdentifier: spec.org,
          projectIdentifier: spec.project,
          name: spec.name ?? spec.pipeline,
          runSequence: spec.runSequence ?? 1,
          status: step.status,
          startTs: this.startTs,
          ...(final ? { endTs: Date.now() } : {}),
          startingNodeId: spec.stages[0] ? `uuid-${spec.stages[0].id}` : undefined,
          layoutNodeMap,
          ...(step.failure
            ? {
                failureInfo: {
                  message: step.failure,
                  failureTypeList: ['APPLICATION_ERROR'],
                  responseMessages: [{ message: step.failure }],
                },
              }
            : {}),
        },
        executionGraph: { rootNodeId: null, nodeMap: {} },
      },
      metaData: null,
      correlationId: `corr-${this.spec.planExecutionId}-${this.reads}`,
    };
  }
}
