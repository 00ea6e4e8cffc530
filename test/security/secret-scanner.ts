import type { Harness } from '../support/flightdeck-harness';

export interface Secret {
  name: string;
  value: string;
}

export interface Hit {
  secret: string;
  /** Where it was found, e.g. `chat.postMessage #12 blocks[0].text.text` or `log line 88`. */
  where: string;
  /** The text around it, with the secret itself masked. */
  excerpt: string;
}

export interface ScanResult {
  hits: Hit[];
  slackCalls: number;
  responseUrlPosts: number;
  httpAnswers: number;
  logLines: number;
  auditRecords: number;
}

/** A piece long enough to be the secret's alone: a truncated value (`abc…`) leaks its head, a masked one its tail. */
const FRAGMENT = 12;

function needles(secret: Secret): string[] {
  const { value } = secret;
  return value.length >= 2 * FRAGMENT ? [value, value.slice(0, FRAGMENT), value.slice(-FRAGMENT)] : [value];
}

function excerpt(text: string, needle: string): string {
  const at = text.indexOf(needle);
  const around = text.slice(Math.max(0, at - 60), at + needle.length + 60);
  return around.split(needle).join('«secret»');
}

/** The start of the line's `msg`, which says what wrote it (the excerpt shows the rest, masked). */
function logMessage(line: string): string {
  try {
    const { msg } = JSON.parse(line) as { msg?: unknown };
    return typeof msg === 'string' ? `"${msg.slice(0, 60)}${msg.length > 60 ? '…' : ''}"` : '';
  } catch {
    return '';
  }
}

/** `text` with every secret (and telling piece of one) masked, so a report never repeats what it found. */
function masked(text: string, secrets: Secret[]): string {
  return secrets.reduce(
    (t, secret) => needles(secret).reduce((u, n) => u.split(n).join('«secret»'), t),
    text,
  );
}

function walk(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${String(i)}]`, visit));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      visit(key, `${at} (the key)`);
      walk(child, at, visit);
    }
  }
}

/** Every place a secret (or a telling piece of one) appears in `value`, a string or any JSON value. */
export function findSecrets(value: unknown, secrets: Secret[], where: string): Hit[] {
  const hits: Hit[] = [];
  walk(value, '', (text, path) => {
    for (const secret of secrets) {
      const needle = needles(secret).find((n) => text.includes(n));
      if (needle)
        hits.push({
          secret: secret.name,
          where: masked(`${where} ${path}`.trim(), secrets),
          excerpt: masked(excerpt(text, needle), secrets),
        });
    }
  });
  return hits;
}

/**
 * Scans everything the bot said or recorded: each Slack Web API call's arguments (blocks, views, metadata
 * included), each response_url post, the HTTP answers it gave Slack, every log line and the audit trail.
 */
export async function scanEverything(
  h: Harness,
  secrets: Secret[],
  httpAnswers: { label: string; body: unknown }[],
): Promise<ScanResult> {
  const hits: Hit[] = [];
  const calls = h.slack.calls();
  calls.forEach((call, i) =>
    hits.push(...findSecrets(call.params, secrets, `Slack ${call.method} #${String(i)}`)),
  );
  const posts = h.slack.responses();
  posts.forEach((post, i) => hits.push(...findSecrets(post, secrets, `response_url post #${String(i)}`)));
  for (const answer of httpAnswers)
    hits.push(...findSecrets(answer.body, secrets, `HTTP answer to ${answer.label}`));
  h.logs.lines.forEach((line, i) =>
    hits.push(...findSecrets(line, secrets, `log line ${String(i)} ${logMessage(line)}`)),
  );
  const audit = await h.bot.store.listAudit({ limit: 10_000 });
  audit.forEach((record, i) =>
    hits.push(...findSecrets(record, secrets, `audit #${String(i)} (${record.action})`)),
  );
  return {
    hits,
    slackCalls: calls.length,
    responseUrlPosts: posts.length,
    httpAnswers: httpAnswers.length,
    logLines: h.logs.lines.length,
    auditRecords: audit.length,
  };
}
