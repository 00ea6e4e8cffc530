import { z } from 'zod';
import type { Env, IntegrationSettings } from '../../core/operations/integration';

export type ItentialAuth =
  | { kind: 'token'; token: string }
  | { kind: 'login'; username: string; password: string }
  | { kind: 'oauth'; clientId: string; clientSecret: string };

/** Timeouts and limits; defaults suit production, tests shrink them. */
export interface ItentialTuning {
  /** A picker answer must reach Slack within 3 s, so one short try. */
  searchTimeoutMs: number;
  requestTimeoutMs: number;
  /** jobs/start is never retried: a generous wait beats an ambiguous outcome. */
  startTimeoutMs: number;
  /** Total tries for a read (network errors, 502/503/504, timeouts). */
  readAttempts: number;
  retryInitialDelayMs: number;
  maxResponseBytes: number;
  /** How long a picker answer is reused while the user types. */
  searchCacheMs: number;
  /** How long a workflow's input schema is reused between validate() and start(). */
  schemaCacheMs: number;
  /** Refresh an OAuth token this long before it expires. */
  tokenRefreshMarginMs: number;
  /** How many recent jobs of the workflow recover() looks through for the run's tag. */
  recoverScanLimit: number;
}

export interface ItentialConfig {
  /** Without a trailing slash. */
  baseUrl: string;
  /** Where job links point: a base URL, or a template containing `{jobId}`. */
  uiUrl?: string;
  auth: ItentialAuth;
  /** The job type the modal proposes ("automation" unless the config file says otherwise). */
  jobType: string;
  tuning: ItentialTuning;
}

export const DEFAULT_TUNING: ItentialTuning = {
  searchTimeoutMs: 1500,
  requestTimeoutMs: 10_000,
  startTimeoutMs: 30_000,
  readAttempts: 3,
  retryInitialDelayMs: 200,
  maxResponseBytes: 8 * 1024 * 1024,
  searchCacheMs: 30_000,
  schemaCacheMs: 60_000,
  tokenRefreshMarginMs: 60_000,
  recoverScanLimit: 50,
};

const VARIABLES = [
  'ITENTIAL_BASE_URL',
  'ITENTIAL_UI_URL',
  'ITENTIAL_TOKEN',
  'ITENTIAL_USERNAME',
  'ITENTIAL_PASSWORD',
  'ITENTIAL_CLIENT_ID',
  'ITENTIAL_CLIENT_SECRET',
] as const;

/** `systems.itential` in the YAML config file. */
const sectionSchema = z
  .strictObject({
    jobType: z.string().trim().min(1, 'must not be empty').optional(),
  })
  .optional();

const AUTH_CHOICES =
  'set ITENTIAL_TOKEN, or ITENTIAL_USERNAME and ITENTIAL_PASSWORD, or ITENTIAL_CLIENT_ID and ITENTIAL_CLIENT_SECRET';

function present(env: Env, name: string): string | undefined {
  const value = env[name];
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** A base URL problem, or undefined. The value is never repeated: it may embed credentials. */
function urlProblem(name: string, value: string, allowTemplate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(allowTemplate ? value.replace('{jobId}', 'job') : value);
  } catch {
    return `${name}: not a URL; expected something like https://itential.example.com`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `${name}: must start with https:// or http://`;
  if (url.username || url.password) {
    return `${name}: must not contain credentials; use ITENTIAL_USERNAME/ITENTIAL_PASSWORD or the OAuth client variables`;
  }
  if (!allowTemplate && (url.search || url.hash))
    return `${name}: must not contain a query string or fragment`;
  return undefined;
}

function readAuth(env: Env): { auth?: ItentialAuth; problems: string[] } {
  const token = present(env, 'ITENTIAL_TOKEN');
  const username = present(env, 'ITENTIAL_USERNAME');
  const password = present(env, 'ITENTIAL_PASSWORD');
  const clientId = present(env, 'ITENTIAL_CLIENT_ID');
  const clientSecret = present(env, 'ITENTIAL_CLIENT_SECRET');
  const problems: string[] = [];
  const pair = (a: string, av: string | undefined, b: string, bv: string | undefined) => {
    if (av && !bv) problems.push(`${b}: missing; it must be set together with ${a}`);
    if (bv && !av) problems.push(`${a}: missing; it must be set together with ${b}`);
  };
  pair('ITENTIAL_USERNAME', username, 'ITENTIAL_PASSWORD', password);
  pair('ITENTIAL_CLIENT_ID', clientId, 'ITENTIAL_CLIENT_SECRET', clientSecret);
  const methods = [
    token ? 'ITENTIAL_TOKEN' : undefined,
    username || password ? 'ITENTIAL_USERNAME/ITENTIAL_PASSWORD' : undefined,
    clientId || clientSecret ? 'ITENTIAL_CLIENT_ID/ITENTIAL_CLIENT_SECRET' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (methods.length > 1)
    problems.push(`ITENTIAL_*: set only one way to authenticate, found ${methods.join(' and ')}`);
  if (problems.length > 0) return { problems };
  // One complete method is left, or none was given at all.
  if (token) return { auth: { kind: 'token', token }, problems };
  if (username && password) return { auth: { kind: 'login', username, password }, problems };
  if (clientId && clientSecret) return { auth: { kind: 'oauth', clientId, clientSecret }, problems };
  return { problems: [`ITENTIAL_*: no credentials; ${AUTH_CHOICES}`] };
}

/** Reads the ITENTIAL_* variables; none set means Itential is simply not configured. */
export function configureItential(env: Env, section: unknown): IntegrationSettings<ItentialConfig> {
  if (!VARIABLES.some((name) => present(env, name))) return { problems: [] };
  const problems: string[] = [];
  const baseUrl = present(env, 'ITENTIAL_BASE_URL');
  if (!baseUrl) {
    problems.push(
      'ITENTIAL_BASE_URL: missing; set it to the platform URL (https://itential.example.com) or unset every ITENTIAL_* variable',
    );
  } else {
    const problem = urlProblem('ITENTIAL_BASE_URL', baseUrl, false);
    if (problem) problems.push(problem);
  }
  const uiUrl = present(env, 'ITENTIAL_UI_URL');
  if (uiUrl) {
    const problem = urlProblem('ITENTIAL_UI_URL', uiUrl, true);
    if (problem) problems.push(problem);
  }
  const { auth, problems: authProblems } = readAuth(env);
  problems.push(...authProblems);
  const parsedSection = sectionSchema.safeParse(section);
  if (!parsedSection.success) {
    problems.push(
      ...parsedSection.error.issues.map(
        (issue) =>
          `systems.itential${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue.message}`,
      ),
    );
  }
  if (problems.length > 0 || !baseUrl || !auth) return { problems };
  return {
    config: {
      baseUrl: baseUrl.replace(/\/+$/, ''),
      ...(uiUrl ? { uiUrl: uiUrl.replace(/\/+$/, '') } : {}),
      auth,
      jobType: parsedSection.data?.jobType ?? 'automation',
      tuning: DEFAULT_TUNING,
    },
    problems,
  };
}
