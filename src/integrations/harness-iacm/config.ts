import { z } from 'zod';
import type { Env, IntegrationSettings } from '../../core/operations/integration';
import { ACCOUNT_ID, harnessIdentifier, stageIdentifier } from './identifiers';

export interface HttpSettings {
  /** Whole-request deadline, connect to last byte. */
  timeoutMs: number;
  /** Extra attempts for a read after a transient error. */
  readRetries: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  maxResponseBytes: number;
}

export interface HarnessDefaults {
  org?: string;
  project?: string;
  pipeline?: string;
  stage?: string;
}

export interface HarnessConfig {
  /** API root, e.g. https://app.harness.io/gateway (no trailing slash). */
  baseUrl: string;
  apiKey: string;
  accountId: string;
  /** Web UI root for links, e.g. https://app.harness.io. */
  uiUrl: string;
  defaults: HarnessDefaults;
  http: HttpSettings;
}

export const DEFAULT_BASE_URL = 'https://app.harness.io/gateway';

export const DEFAULT_HTTP: HttpSettings = {
  timeoutMs: 15_000,
  readRetries: 3,
  backoffInitialMs: 500,
  backoffMaxMs: 8_000,
  maxResponseBytes: 5 * 1024 * 1024,
};

const VARIABLES = ['HARNESS_BASE_URL', 'HARNESS_API_KEY', 'HARNESS_ACCOUNT_ID', 'HARNESS_UI_URL'] as const;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The API key travels with every request, so only loopback hosts (tests, tunnels) may use plain http. */
const httpsUrl = (hint: string) =>
  z
    .url(`must be a URL such as ${hint}`)
    .refine((v) => {
      // An unparsable value already has the URL message; zod runs every check.
      if (!URL.canParse(v)) return true;
      const url = new URL(v);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    }, 'must use https (http is accepted only for localhost)')
    .transform((v) => v.replace(/\/+$/, ''));

const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const envSchema = z.object({
  HARNESS_BASE_URL: z.preprocess(blankAsUnset, httpsUrl(DEFAULT_BASE_URL).default(DEFAULT_BASE_URL)),
  HARNESS_API_KEY: z.preprocess(
    blankAsUnset,
    z
      .string({
        error: 'missing: set it to a Harness API key (a personal or service account token, pat.… or sat.…)',
      })
      .min(
        16,
        'looks too short: copy the whole token from Harness (Profile → API keys, or the service account)',
      )
      .regex(/^\S+$/, 'must not contain spaces or line breaks'),
  ),
  HARNESS_ACCOUNT_ID: z.preprocess(
    blankAsUnset,
    z
      .string({
        error: 'missing: set it to the Harness account id (Account Settings → Overview → Account Id)',
      })
      .regex(ACCOUNT_ID, 'must be a Harness account id (letters, digits, _ and -)'),
  ),
  HARNESS_UI_URL: z.preprocess(blankAsUnset, httpsUrl('https://app.harness.io').optional()),
});

/** Tuning for slow tenants, and for tests that need short deadlines. */
const httpSectionSchema = z
  .object({
    timeoutMs: z.int('must be a whole number of milliseconds').min(100).max(120_000).optional(),
    readRetries: z.int('must be a whole number').min(0).max(6).optional(),
    retryDelayMs: z.int('must be a whole number of milliseconds').min(1).max(10_000).optional(),
  })
  .strict();

const sectionSchema = z
  .object({
    org: harnessIdentifier('org').optional(),
    project: harnessIdentifier('project').optional(),
    pipeline: harnessIdentifier('pipeline').optional(),
    stage: stageIdentifier.optional(),
    http: httpSectionSchema.optional(),
  })
  .strict();

type HttpSection = z.infer<typeof httpSectionSchema>;

function httpSettings(section: HttpSection | undefined): HttpSettings {
  const delay = section?.retryDelayMs;
  return {
    ...DEFAULT_HTTP,
    timeoutMs: section?.timeoutMs ?? DEFAULT_HTTP.timeoutMs,
    readRetries: section?.readRetries ?? DEFAULT_HTTP.readRetries,
    ...(delay !== undefined ? { backoffInitialMs: delay, backoffMaxMs: delay * 16 } : {}),
  };
}

/** Harness tokens read `pat.<account>.<id>.<secret>` (or `sat.`): a key for another account always fails with 401. */
function tokenAccount(apiKey: string): string | undefined {
  const match = /^(?:pat|sat)\.([^.]+)\./.exec(apiKey);
  return match?.[1];
}

/** The API gateway's sibling UI root: https://app.harness.io/gateway → https://app.harness.io. */
function uiRootOf(baseUrl: string): string {
  return baseUrl.replace(/\/gateway$/, '');
}

/**
 * Reads HARNESS_* and the `systems.iacm` section. Problems name the variable or path and never repeat a value,
 * since the key is a secret.
 */
export function configureHarness(env: Env, section: unknown): IntegrationSettings<HarnessConfig> {
  const anySet = ['HARNESS_BASE_URL', 'HARNESS_API_KEY', 'HARNESS_ACCOUNT_ID'].some(
    (name) => blankAsUnset(env[name]) !== undefined,
  );
  if (!anySet) return { problems: [] };

  const problems: string[] = [];
  const parsedEnv = envSchema.safeParse(Object.fromEntries(VARIABLES.map((name) => [name, env[name]])));
  if (!parsedEnv.success) {
    problems.push(...parsedEnv.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const parsedSection = sectionSchema.safeParse(section ?? {});
  if (!parsedSection.success) {
    problems.push(
      ...parsedSection.error.issues.map((issue) => {
        const where = ['systems', 'iacm', ...issue.path.map(String)].join('.');
        const known = Object.keys(issue.path[0] === 'http' ? httpSectionSchema.shape : sectionSchema.shape);
        const message =
          issue.code === 'unrecognized_keys'
            ? `unknown key(s) ${issue.keys.join(', ')} (known: ${known.join(', ')})`
            : issue.message;
        return `${where}: ${message}`;
      }),
    );
  }
  if (parsedEnv.success) {
    const owner = tokenAccount(parsedEnv.data.HARNESS_API_KEY);
    if (owner !== undefined && owner !== parsedEnv.data.HARNESS_ACCOUNT_ID) {
      problems.push(
        'HARNESS_API_KEY: the token belongs to a different account than HARNESS_ACCOUNT_ID; use a key from that account',
      );
    }
  }
  if (problems.length > 0 || !parsedEnv.success || !parsedSection.success) return { problems };

  const vars = parsedEnv.data;
  return {
    problems: [],
    config: {
      baseUrl: vars.HARNESS_BASE_URL,
      apiKey: vars.HARNESS_API_KEY,
      accountId: vars.HARNESS_ACCOUNT_ID,
      uiUrl: vars.HARNESS_UI_URL ?? uiRootOf(vars.HARNESS_BASE_URL),
      defaults: {
        org: parsedSection.data.org,
        project: parsedSection.data.project,
        pipeline: parsedSection.data.pipeline,
        stage: parsedSection.data.stage,
      },
      http: httpSettings(parsedSection.data.http),
    },
  };
}
