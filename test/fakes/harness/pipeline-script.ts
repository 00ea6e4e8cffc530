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
  /** Each GET returns the next step; the last one repeats. */
  steps: PipelineStep[];
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

/** A pipeline execution whose status advances one step per read, as a real one advances over time. */
export class ScriptedPipeline {
  private served = 0;
  aborted = false;
  readonly startTs = Date.now();

  constructor(readonly spec: PipelineExecutionSpec) {}

  /** The step the next read returns (or the one just returned, once the script has ended). */
  current(): PipelineStep {
    if (this.aborted) {
      const last = this.spec.steps[Math.min(Math.max(this.served - 1, 0), this.spec.steps.length - 1)];
      return { status: 'Aborted', stage: last?.stage, stageStatus: 'Aborted' };
    }
    const step = this.spec.steps[Math.min(this.served, this.spec.steps.length - 1)];
    if (!step) throw new Error(`pipeline ${this.spec.planExecutionId} has no steps`);
    return step;
  }

  /** The v2 execution detail for the next step, and advance. */
  read(): object {
    const step = this.current();
    if (!this.aborted) this.served += 1;
    return this.detail(step);
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
      correlationId: `corr-${this.served}`,
    };
  }
}
