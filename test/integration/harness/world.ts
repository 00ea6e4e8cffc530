import { SecretScrubber } from '../../../src/core/operations/secrets';
import type { Clock } from '../../../src/core/kit/clock';
import type { Query } from '../../../src/core/operations/contract';
import { harnessIacm, type HarnessConfig } from '../../../src/integrations/harness-iacm';
import { RunOperation, type RunInput } from '../../../src/integrations/harness-iacm/run-operation';
import { type LogEntry, RecordingLog } from '../../support/recording-log';
import { HarnessFake, type FakeHarnessOptions } from '../../fakes/harness/harness-fake';
import type { PipelineExecutionSpec, PipelineStep } from '../../fakes/harness/pipeline-script';

/**
 * Short backoff so transient-error tests stay fast. The deadline is only for a fake that never answers: on a
 * loaded machine the fake can take over a second to answer, which a short deadline would turn into a timeout.
 * Tests of the deadline itself set HANGING_HTTP.
 */
export const FAST_HTTP: HarnessConfig['http'] = {
  timeoutMs: 10_000,
  readRetries: 2,
  backoffInitialMs: 10,
  backoffMaxMs: 40,
  maxResponseBytes: 1024 * 1024,
};

/** For tests whose fake never answers: they wait out this deadline. */
export const HANGING_HTTP: Partial<HarnessConfig['http']> = { timeoutMs: 500 };

export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

export interface HarnessWorld {
  fake: HarnessFake;
  config: HarnessConfig;
  op: RunOperation;
  query: Query;
  /** The scrubber the operation seals its secrets with. */
  secrets: SecretScrubber;
  logs: LogEntry[];
  close(): Promise<void>;
}

export const SECTION = { org: 'default', project: 'infra', pipeline: 'module_tests', stage: 'plan' };

export async function harnessWorld(
  options: FakeHarnessOptions & { http?: Partial<HarnessConfig['http']>; clock?: Clock } = {},
): Promise<HarnessWorld> {
  const fake = await HarnessFake.start(options);
  const settings = harnessIacm.configure(
    { HARNESS_BASE_URL: fake.baseUrl, HARNESS_API_KEY: fake.apiKey, HARNESS_ACCOUNT_ID: fake.accountId },
    SECTION,
  );
  if (!settings.config) throw new Error(`fake config rejected: ${settings.problems.join('; ')}`);
  const config: HarnessConfig = { ...settings.config, http: { ...FAST_HTTP, ...options.http } };
  const log = new RecordingLog();
  const secrets = new SecretScrubber();
  const runtime = harnessIacm.create(config, {
    log,
    clock: options.clock ?? { now: () => new Date() },
    secrets,
  });
  const [op] = runtime.operations;
  const [query] = runtime.queries;
  if (!(op instanceof RunOperation) || !query)
    throw new Error('the Harness integration has no run operation or query');
  return { fake, config, op, query, secrets, logs: log.entries, close: () => fake.close() };
}

export const STAGES = [
  { id: 'plan', name: 'Plan' },
  { id: 'approve', name: 'Approve' },
  { id: 'apply', name: 'Apply' },
];

/** Scripts pipeline execution exec_0001 of module_tests in default/infra, with STAGES, at `steps`. */
export function addPlanExecution(
  fake: HarnessFake,
  steps: PipelineStep[] = [{ status: 'Running', stage: 'plan' }],
  extra: Partial<PipelineExecutionSpec> = {},
): void {
  fake.addPipelineExecution({
    planExecutionId: 'exec_0001',
    org: 'default',
    project: 'infra',
    pipeline: 'module_tests',
    stages: STAGES,
    steps,
    ...extra,
  });
}

export function runInput(overrides: Partial<RunInput> = {}): RunInput {
  return {
    module: 'missing-module',
    org: 'default',
    project: 'infra',
    pipeline: 'module_tests',
    pipelineExecutionId: 'exec_0001',
    pipelineStageId: 'plan',
    ...overrides,
  };
}
