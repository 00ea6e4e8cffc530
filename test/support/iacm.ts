import { HarnessFake } from '../fakes/harness/harness-fake';
import type { PipelineExecutionSpec } from '../fakes/harness/pipeline-script';
import type { HarnessOptions } from './flightdeck-harness';
import type { StoreBackend } from './stores';
import { type UpstreamBot, upstreamBotPerTest } from './upstream-bot';

/** The IaCM section the bot suites use: org default, project infra, short timeouts, one read retry. */
export const IACM_CONFIG =
  'systems:\n  iacm:\n    org: default\n    project: infra\n    http: { timeoutMs: 400, readRetries: 1, retryDelayMs: 10 }\n';

/** The bot's environment for talking to `fake`. */
export function harnessEnv(fake: HarnessFake): Record<string, string> {
  return {
    HARNESS_BASE_URL: fake.baseUrl,
    HARNESS_API_KEY: fake.apiKey,
    HARNESS_ACCOUNT_ID: fake.accountId,
  };
}

/**
 * For each test of the calling describe block, a fresh Harness fake and a bot talking to it with
 * `IACM_CONFIG` (unless `options` brings its own `configYaml`).
 */
export function iacmBotPerTest(
  backend: StoreBackend,
  options: Omit<HarnessOptions, 'place' | 'env'> = {},
): UpstreamBot<HarnessFake> {
  return upstreamBotPerTest(backend, {
    fake: () => HarnessFake.start(),
    bot: (fake) => ({ configYaml: IACM_CONFIG, ...options, env: harnessEnv(fake) }),
  });
}

/** Scripts a "Module tests" pipeline execution in default/infra that moves only when the test advances it. */
export function addModuleTests(
  fake: HarnessFake,
  spec: Pick<PipelineExecutionSpec, 'planExecutionId' | 'runSequence' | 'stages' | 'steps'>,
): void {
  fake.addPipelineExecution({
    ...spec,
    org: 'default',
    project: 'infra',
    pipeline: 'module_tests',
    name: 'Module tests',
    advance: 'manual',
  });
}

/** What a person enters in the `/ops iacm run` modal to run module vpc-network's tests at their plan stage. */
export function iacmRunValues(moduleId: string, planExecutionId: string) {
  return {
    module: { value: moduleId, text: 'vpc-network' },
    pipeline: 'module_tests',
    pipelineExecutionId: planExecutionId,
    pipelineStageId: 'plan',
  };
}
