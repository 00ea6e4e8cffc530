import { SecretScrubber } from '../../../src/core/operations/secrets';
import { type Clock, systemClock } from '../../../src/core/kit/clock';
import type { Env } from '../../../src/core/operations/integration';
import type { Operation, StartContext } from '../../../src/core/operations/contract';
import { itential, type ItentialConfig } from '../../../src/integrations/itential';
import { DEFAULT_TUNING, type ItentialTuning } from '../../../src/integrations/itential/config';
import type { StartInput } from '../../../src/integrations/itential/start-input';
import { FakeItential, type FakeItentialOptions } from '../../fakes/itential';
import { RecordingLog } from '../../support/recording-log';

export const USER = { username: 'flightdeck', password: 'pw-Sup3r-secret' };
export const CLIENT = { clientId: 'flightdeck-client', clientSecret: 'cs-Sup3r-secret' };
export const STATIC_TOKEN = 'st-Sup3r-secret-token';

export type AuthMode = 'login' | 'oauth' | 'token';

/** Test timings: short enough for fast tests, long enough for a loaded two-core machine. */
export const TEST_TUNING: ItentialTuning = {
  ...DEFAULT_TUNING,
  searchTimeoutMs: 500,
  requestTimeoutMs: 1500,
  startTimeoutMs: 800,
  retryInitialDelayMs: 20,
};

export function envFor(url: string, auth: AuthMode): Env {
  const creds: Record<AuthMode, Env> = {
    login: { ITENTIAL_USERNAME: USER.username, ITENTIAL_PASSWORD: USER.password },
    oauth: { ITENTIAL_CLIENT_ID: CLIENT.clientId, ITENTIAL_CLIENT_SECRET: CLIENT.clientSecret },
    token: { ITENTIAL_TOKEN: STATIC_TOKEN },
  };
  return { ITENTIAL_BASE_URL: url, ...creds[auth] };
}

export interface Rig {
  fake: FakeItential;
  op: Operation<StartInput>;
  config: ItentialConfig;
  log: RecordingLog;
}

export interface RigOptions {
  auth?: AuthMode;
  fake?: FakeItentialOptions;
  tuning?: Partial<ItentialTuning>;
  env?: Env;
  /** Point the client somewhere else (a closed port). */
  baseUrl?: string;
  clock?: Clock;
}

/** A fake Itential and the `itential.start` operation configured against it, through the public Integration. */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const fake = await new FakeItential({
    user: USER,
    client: CLIENT,
    staticTokens: [STATIC_TOKEN],
    ...options.fake,
  }).start();
  const env = { ...envFor(options.baseUrl ?? fake.url, options.auth ?? 'login'), ...options.env };
  const settings = itential.configure(env, undefined);
  if (!settings.config) throw new Error(`rig config: ${settings.problems.join('; ')}`);
  const config: ItentialConfig = { ...settings.config, tuning: { ...TEST_TUNING, ...options.tuning } };
  const log = new RecordingLog();
  const runtime = itential.create(config, {
    log,
    clock: options.clock ?? systemClock,
    secrets: new SecretScrubber(),
  });
  const op = runtime.operations[0] as Operation<StartInput>;
  return { fake, op, config, log };
}

export function startContext(runId = 'run-0001'): StartContext {
  return { runId, requester: { id: 'U123', name: 'alice' }, tag: `flightdeck:${runId}` };
}

/** Parses form values the way the Slack layer does; throws with the field errors when invalid. */
export function parseInput(
  op: Operation<StartInput>,
  values: Record<string, string | undefined>,
): StartInput {
  const result = op.input.safeParse(values);
  if (!result.success)
    throw new Error(JSON.stringify(result.error.issues.map((i) => [i.path.join('.'), i.message])));
  return result.data;
}

/** The secret each way of authenticating configures, for leak scans. */
export const SECRET_OF: Record<AuthMode, string> = {
  login: USER.password,
  oauth: CLIENT.clientSecret,
  token: STATIC_TOKEN,
};

export { rejection as caught } from '../../support/rejection';
