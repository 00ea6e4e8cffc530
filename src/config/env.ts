import { z } from 'zod';
import type { Env } from '../core/operations/integration';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 (any free port) and 65535')
  .max(65535, 'must be between 0 (any free port) and 65535');

/** Settings every surface shares: where the store is, the YAML config, logging. */
const runtimeFields = {
  DATABASE_URL: optional(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL (leave it unset for the embedded store)'),
  ),
  DATA_DIR: optional(z.string()).default('./data'),
  FLIGHTDECK_CONFIG: optional(z.string()),
  // Seals the secret inputs of a run in the store; without it each process makes up its own key.
  FLIGHTDECK_SECRETS_KEY: optional(
    z.string().min(16, 'must be at least 16 characters: a long random passphrase shared by every replica'),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' && v !== '' ? v.toLowerCase() : undefined),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
};

/**
 * The core runtime contract (the README's "Configuration" table). Each message says how to fix the value
 * and never repeats it, since most of these are secrets.
 */
const envSchema = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({ error: 'missing: set it to the Bot User OAuth Token (xoxb-…) from OAuth & Permissions' })
      .startsWith(
        'xoxb-',
        'must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)',
      ),
    SLACK_APP_TOKEN: optional(
      z
        .string()
        .startsWith(
          'xapp-',
          'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)',
        ),
    ),
    SLACK_SIGNING_SECRET: optional(
      z.string().min(8, 'looks too short: copy the Signing Secret from Basic Information'),
    ),
    SLACK_API_URL: optional(z.url('must be a URL such as https://slack.com/api/')),
    PORT: port.default(3000),
    ...runtimeFields,
    // Metrics and health on their own port, on loopback unless told otherwise: /metrics names systems,
    // operations and volumes that the public Slack port has no reason to show.
    METRICS_PORT: port.default(9464),
    METRICS_HOST: optional(
      z.string().regex(/^[^\s/]+$/, 'must be a host name or an address such as 127.0.0.1 or 0.0.0.0'),
    ).default('127.0.0.1'),
  })
  .superRefine((env, ctx) => {
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message:
          'missing: HTTP mode needs the Signing Secret (Basic Information); or set SLACK_APP_TOKEN for Socket Mode',
      });
    }
  });

export type CoreEnv = z.infer<typeof envSchema>;

/** The console surface (`npm run console`) has no Slack app, so it reads only the shared settings. */
const consoleEnvSchema = z.object(runtimeFields);
export type ConsoleEnv = z.infer<typeof consoleEnvSchema>;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function parseCoreEnv(env: Env): { env?: CoreEnv; problems: string[] } {
  return parseWith(envSchema, env);
}

export function parseConsoleEnv(env: Env): { env?: ConsoleEnv; problems: string[] } {
  return parseWith(consoleEnvSchema, env);
}

function parseWith<T>(schema: z.ZodType<T>, env: Env): { env?: T; problems: string[] } {
  const result = schema.safeParse(env);
  if (result.success) return { env: result.data, problems: [] };
  return {
    problems: result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`,
    ),
  };
}
