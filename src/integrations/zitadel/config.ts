import { z } from 'zod';
import type { Env, IntegrationSettings } from '../../core/operations/integration';
import type { RetrySettings } from '../shared/retry-policy';

export interface ZitadelConfig {
  /** Without a trailing slash; may carry a path prefix when Zitadel sits behind a proxy. */
  baseUrl: string;
  /** A service user's personal access token, sent as `Authorization: Bearer`. */
  token: string;
  /** Sent as `x-zitadel-orgid`; Actions v2 resources are instance-wide, so it is rarely needed. */
  orgId?: string;
  timeoutMs: number;
  retry: RetrySettings;
  /** How long the method, service and function lists are reused. */
  listCacheMs: number;
}

const DEFAULTS = {
  timeoutMs: 10_000,
  retry: { maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 2_000 },
  listCacheMs: 5 * 60_000,
} as const;

const VARIABLES = ['ZITADEL_BASE_URL', 'ZITADEL_TOKEN', 'ZITADEL_ORG_ID'] as const;

const present = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/** The optional `systems.zitadel` section of the YAML config. */
const sectionSchema = z
  .object({
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
    listCacheSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .strict();

function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'ZITADEL_BASE_URL: must be a URL such as https://my-instance.zitadel.cloud';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'ZITADEL_BASE_URL: must start with https:// (or http://)';
  if (url.search || url.hash) return 'ZITADEL_BASE_URL: must not carry a query or fragment';
  if (url.username || url.password)
    return 'ZITADEL_BASE_URL: must not carry credentials; put the token in ZITADEL_TOKEN';
  return undefined;
}

function tokenProblem(token: string): string | undefined {
  if (/^bearer\s/i.test(token)) return "ZITADEL_TOKEN: give the token alone, without the 'Bearer ' prefix";
  if (/\s/.test(token))
    return 'ZITADEL_TOKEN: must not contain spaces or line breaks (copy the personal access token again)';
  return undefined;
}

/** Reads ZITADEL_* (never echoing the token). All unset → not configured. */
export function configureZitadel(env: Env, section: unknown): IntegrationSettings<ZitadelConfig> {
  const [baseUrl, token, orgId] = VARIABLES.map((name) => present(env[name]));
  if (!baseUrl && !token && !orgId) return { problems: [] };
  const problems: string[] = [];
  if (!baseUrl)
    problems.push(
      'ZITADEL_BASE_URL: missing: set it to the instance URL, e.g. https://my-instance.zitadel.cloud',
    );
  else {
    const problem = baseUrlProblem(baseUrl);
    if (problem) problems.push(problem);
  }
  if (!token)
    problems.push(
      'ZITADEL_TOKEN: missing: create a personal access token for a service user and set it here',
    );
  else {
    const problem = tokenProblem(token);
    if (problem) problems.push(problem);
  }
  if (orgId && !/^[A-Za-z0-9_-]{1,200}$/.test(orgId)) {
    problems.push('ZITADEL_ORG_ID: must be an organization id (letters, digits, - and _), or unset');
  }
  const parsedSection = sectionSchema.safeParse(section ?? {});
  if (!parsedSection.success) {
    for (const issue of parsedSection.error.issues) {
      problems.push(`systems.zitadel${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !baseUrl || !token || !parsedSection.success) return { problems };
  const { timeoutMs, listCacheSeconds } = parsedSection.data;
  return {
    problems: [],
    config: {
      baseUrl: baseUrl.replace(/\/+$/, ''),
      token,
      ...(orgId ? { orgId } : {}),
      timeoutMs: timeoutMs ?? DEFAULTS.timeoutMs,
      retry: { ...DEFAULTS.retry },
      listCacheMs: listCacheSeconds === undefined ? DEFAULTS.listCacheMs : listCacheSeconds * 1000,
    },
  };
}
