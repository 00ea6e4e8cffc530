import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { DEFAULT_SECRET_NAME_PATTERNS } from '../core/operations/secrets';

const slackId = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}[A-Z0-9]{2,}$`), `must be a Slack ${what} id (${prefix}…)`);

/** `itential.start`, `itential.*` or `*`. */
const operationPattern = z
  .string()
  .regex(
    /^(\*|[a-z][a-z0-9-]*\.(\*|[a-z][a-z0-9-]*))$/,
    'must be an operation id like itential.start, a system wildcard like itential.*, or *',
  );

const durationMs = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration like 500ms, 30s, 10m, 24h or 7d')
  .transform(toMs);

const DEFAULT_POLLS_PER_SECOND = 10;
const pollRate = z.number().positive('must be more than 0').max(1000, 'must be at most 1000');

const glob = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/**
 * Conditions on the operation's input: field id → glob(s). Keys are not checked against the operations
 * here (a system may be off, and a form's fields depend on its values); a key the input lacks never matches.
 */
const whenSchema = z.record(
  z
    .string()
    .regex(/^[a-z][a-zA-Z0-9_]{0,39}$/, 'must be a form field id like workflow, org, project or kind'),
  z
    .union([glob, z.array(glob).min(1, 'must list at least one pattern')])
    .transform((v) => (Array.isArray(v) ? v : [v])),
);

const ruleSchema = z
  .object({
    name: z.string().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
    effect: z
      .enum(['allow', 'deny', 'require-approval'], { error: 'must be allow, deny or require-approval' })
      .default('allow'),
    operations: z.array(operationPattern).min(1, 'must list at least one operation'),
    users: z.array(slackId('[UW]', 'user')).default([]),
    groups: z.array(slackId('S', 'user group')).default([]),
    channels: z.array(slackId('[CG]', 'channel')).default([]),
    when: whenSchema.default({}),
    /** require-approval: who may approve. */
    approvers: z
      .object({
        users: z.array(slackId('[UW]', 'user')).default([]),
        groups: z.array(slackId('S', 'user group')).default([]),
      })
      .strict()
      .optional(),
    /** require-approval: how many distinct approvers. */
    approvals: z.number().int('must be a whole number').min(1).max(10).optional(),
    /** require-approval: how long a request waits before it is rejected. */
    expiresAfter: durationMs.optional(),
    /** require-approval: where the request is posted; default the run's channel. */
    approvalChannel: slackId('[CG]', 'channel').optional(),
    /** Shown in denials: who can grant access. */
    contact: z.string().max(200).optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const approvalKeys = (['approvers', 'approvals', 'expiresAfter', 'approvalChannel'] as const).filter(
      (key) => rule[key] !== undefined,
    );
    if (rule.effect !== 'require-approval') {
      for (const key of approvalKeys)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `only applies to rules with effect require-approval (this one is ${rule.effect})`,
        });
      return;
    }
    rule.operations.forEach((pattern, index) => {
      // Digest commands have no approval flow; reading such a rule as deny would surprise whoever wrote it.
      if (pattern.startsWith('digest.'))
        ctx.addIssue({
          code: 'custom',
          path: ['operations', index],
          message: `${pattern} cannot wait for approval: a digest is scheduled or removed at once, so use effect allow or deny`,
        });
    });
    const approvers = rule.approvers ?? { users: [], groups: [] };
    if (approvers.users.length === 0 && approvers.groups.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['approvers'],
        message: 'a require-approval rule must name approvers: users and/or groups',
      });
    }
    const needed = rule.approvals ?? 1;
    if (approvers.groups.length === 0 && approvers.users.length > 0 && approvers.users.length < needed) {
      ctx.addIssue({
        code: 'custom',
        path: ['approvals'],
        message: `needs ${needed} distinct approvers but approvers lists only ${approvers.users.length} user(s)`,
      });
    }
  });

const fileSchema = z
  .object({
    policy: z
      .object({ rules: z.array(ruleSchema).superRefine(uniqueNames).default([]) })
      .strict()
      .default({ rules: [] }),
    /** Who may read the audit trail (`/ops audit`). */
    admins: z.array(slackId('[UW]', 'user')).default([]),
    /** Where every audit record is posted as it happens, one line each. */
    auditChannel: slackId('[CG]', 'channel').optional(),
    approvals: z
      .object({
        /** How long a request waits when its rule does not say. */
        expiresAfter: durationMs.default(toMs('4h')),
      })
      .strict()
      .default({ expiresAfter: toMs('4h') }),
    tracking: z
      .object({
        /** How long a run is followed before it is reported as timed out. */
        giveUpAfter: durationMs.default(toMs('7d')),
        /** How long a failed run that may still be retried upstream is watched. */
        watchFailedFor: durationMs.default(toMs('24h')),
        watchFailedEvery: durationMs.default(toMs('5m')),
        /** Upstream status polls per second, per system and per bot process: the polling budget. */
        pollsPerSecond: pollRate.default(DEFAULT_POLLS_PER_SECOND),
        /** The budget of particular systems, by system id (`itential`, `iacm`, …). */
        pollsPerSecondBySystem: z.record(z.string(), pollRate).default({}),
      })
      .strict()
      .default({
        giveUpAfter: toMs('7d'),
        watchFailedFor: toMs('24h'),
        watchFailedEvery: toMs('5m'),
        pollsPerSecond: DEFAULT_POLLS_PER_SECOND,
        pollsPerSecondBySystem: {},
      }),
    /** Input fields (job variables, module variables) whose values are secrets, by name pattern. */
    secrets: z
      .object({
        namePatterns: z
          .array(z.string().refine(isRegExp, 'must be a regular expression, e.g. password|passphrase'))
          .min(1, 'must list at least one pattern')
          .default([...DEFAULT_SECRET_NAME_PATTERNS]),
      })
      .strict()
      .default({ namePatterns: [...DEFAULT_SECRET_NAME_PATTERNS] }),
    /** Per-system settings, read by each integration. */
    systems: z.record(z.string(), z.unknown()).default({}),
    /**
     * Read by `npm run console` only, which has no Slack to ask: the members of the user groups the
     * policy names (group id → user ids). The bot asks Slack (`usergroups.users.list`) and ignores it.
     */
    console: z
      .object({ groups: z.record(slackId('S', 'user group'), z.array(slackId('[UW]', 'user'))).default({}) })
      .strict()
      .default({ groups: {} }),
  })
  .strict();

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'i');
    return true;
  } catch {
    return false;
  }
}

export type FileConfig = z.infer<typeof fileSchema>;

/** Rule names appear in denials and the audit trail, so each must say which rule it is. */
function uniqueNames(rules: { name: string }[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const first = seen.get(rule.name);
    if (first === undefined) seen.set(rule.name, index);
    else
      ctx.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `"${rule.name}" is already the name of rule ${first}; rule names must be unique`,
      });
  });
}

export function toMs(duration: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}

export const EMPTY_FILE_CONFIG: FileConfig = fileSchema.parse({});

/** Reads the YAML config; every problem names the file, the path inside it and what is wrong. */
export function readFileConfig(path: string | undefined): { config?: FileConfig; problems: string[] } {
  if (!path) return { config: EMPTY_FILE_CONFIG, problems: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return { problems: [`FLIGHTDECK_CONFIG: cannot read ${path} (${code})`] };
  }
  return parseFileConfig(text, path);
}

export function parseFileConfig(text: string, path: string): { config?: FileConfig; problems: string[] } {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const line = e.linePos?.[0];
        return `${path}${line ? `:${line.line}:${line.col}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`;
      }),
    };
  }
  const result = fileSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return { config: result.data, problems: [] };
  return {
    problems: result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown key(s) ${issue.keys.join(', ')}`
          : issue.code === 'invalid_key'
            ? (issue.issues[0]?.message ?? issue.message)
            : issue.message;
      return `${path}: ${where}: ${message}`;
    }),
  };
}
