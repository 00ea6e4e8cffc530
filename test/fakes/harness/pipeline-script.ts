/** One answer of a scripted pipeline execution: the pipeline status and where it is. */
export interface PipelineStep {
  status: string;
  /** Identifier of the stage in progress (or the one that ended the run); earlier stages count as succeeded. */
  stage?: string;
  /** The current stage's own status; defaults to `status`. */
  stageStatus?: string;
  /** failureInfo.message of the pipeline and of the current stage. */
  failure?: string;
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

/** A pipeline execution whose status advances one step per read (as a real one does over time), or on demand. */
export class ScriptedPipeline {
  private index = 0;
  private lastServed: PipelineStep | undefined;
  private reads = 0;
  aborted = false;
  readonly startTs = Date.now();

  constructor(readonly spec: PipelineExecutionSpec) {
    if (spec.steps.length === 0) throw new Error(`pipeline ${spec.planExecutionId} has no steps`);
  }

  private stepAt(index: number): PipelineStep {
    return this.spec.steps[Math.min(index, this.spec.steps.length - 1)] as PipelineStep;
  }

  /** Where the execution is now: the step last read (the first before any read), or aborted. */
  now(): PipelineStep {
    const step = this.lastServed ?? this.stepAt(this.index);
    return this.aborted ? { status: 'Aborted', stage: step.stage, stageStatus: 'Aborted' } : step;
  }

  /** Moves a `manual` script to its next step. */
  advance(): void {
    this.index += 1;
  }

  /** The v2 execution detail a GET returns. */
  read(): object {
    this.reads += 1;
    if (!this.aborted) {
      this.lastServed = this.stepAt(this.index);
      if (this.spec.advance !== 'manual') this.index += 1;
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
