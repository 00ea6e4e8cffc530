import { SecretScrubber } from '../../../src/core/operations/secrets';
import { systemClock } from '../../../src/core/kit/clock';
import type {
  Choice,
  FormValues,
  Operation,
  Preview,
  Query,
  StartContext,
  StartResult,
} from '../../../src/core/operations/contract';
import { zitadel, type ZitadelConfig } from '../../../src/integrations/zitadel';
import { FakeZitadel, type FakeZitadelOptions } from '../../fakes/zitadel';
import { RecordingLog } from '../../support/recording-log';

/** set-execution implements every optional part of the contract. */
export type FullOperation = Operation &
  Required<Pick<Operation, 'preview' | 'search' | 'validate' | 'recover' | 'revertInput'>>;

function full(op: Operation): FullOperation {
  const { preview, search, validate, recover, revertInput } = op;
  if (!preview || !search || !validate || !recover || !revertInput)
    throw new Error(`${op.id} lacks part of the contract`);
  return { ...op, preview, search, validate, recover, revertInput };
}

export interface Harness {
  fake: FakeZitadel;
  config: ZitadelConfig;
  op: FullOperation;
  query: Query;
  log: RecordingLog;
  close(): Promise<void>;
}

export interface HarnessOptions extends FakeZitadelOptions {
  config?: Partial<ZitadelConfig>;
  /** Appended to the fake's URL, e.g. a proxy prefix the fake does not serve. */
  basePath?: string;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = await FakeZitadel.start(options);
  const config: ZitadelConfig = {
    baseUrl: `${fake.url}${options.basePath ?? ''}`,
    token: fake.token,
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
    listCacheMs: 60_000,
    ...options.config,
  };
  const log = new RecordingLog();
  const runtime = zitadel.create(config, { log, clock: systemClock, secrets: new SecretScrubber() });
  const [op] = runtime.operations;
  const [query] = runtime.queries;
  if (!op || !query) throw new Error('zitadel runtime is missing its operation or query');
  return { fake, config, op: full(op), query, log, close: () => fake.close() };
}

export const ctx = (runId = 'run-1'): StartContext => ({
  runId,
  requester: { id: 'U123', name: 'ada' },
  tag: `fd-${runId}`,
});

/** Form values → parsed input (throws on invalid input, with the zod issues). */
export function parseInput(op: Operation, values: FormValues): unknown {
  return op.input.parse(values);
}

export interface Applied {
  input: unknown;
  preview: Preview;
  result: StartResult;
}

/** The requester's path: form → preview → confirm. */
export async function apply(op: FullOperation, values: FormValues): Promise<Applied> {
  const input = parseInput(op, values);
  const preview = await op.preview(input);
  const result = await op.start(input, ctx(), preview.fingerprint);
  return { input, preview, result };
}

export { rejection as failure } from '../../support/rejection';

/** The first option a picker offers. */
export async function firstChoice(choices: Promise<Choice[]>): Promise<Choice> {
  const [choice] = await choices;
  if (!choice) throw new Error('the picker offered nothing');
  return choice;
}

export function defined<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}
