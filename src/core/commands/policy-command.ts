import { code, joinText, txt, type Text } from '../kit/text';
import type { SystemDefinition } from '../operations/contract';

/** `/ops whoami`, `/ops can-i <operation> [key=value …]`, `/ops audit [--user U] [--since 24h]`. */
export type PolicyCommand =
  | { kind: 'whoami' }
  | { kind: 'can-i'; operationId: string; args: Record<string, string> }
  | { kind: 'audit'; user?: string; sinceMs: number; sinceText: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: Text };

const CAN_I_USAGE = txt`Usage: ${code('/ops can-i <operation> [key=value …]')}, e.g. ${code('/ops can-i itential start workflow="Backup Devices"')}.`;
const AUDIT_USAGE = txt`Usage: ${code('/ops audit [--user U0123ABCD] [--since 24h]')} (since: 30m, 12h, 7d; at most 90d).`;
const MAX_ARGS = 10;
const MAX_VALUE = 200;
const MAX_SINCE_MS = 90 * 86_400_000;

/** `key=value`, `key="a value"` (straight or curly quotes, as Slack may send them). */
const ARG = /^([a-z][a-zA-Z0-9_]{0,39})=(?:"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+))/;

export function parseCanI(rest: string, systems: SystemDefinition[]): Parsed<PolicyCommand> {
  const words = rest.split(/\s+/).filter((w) => w !== '');
  const [first = '', second = ''] = words;
  const operations = systems.flatMap((s) => s.operations);
  const byId = operations.find((op) => op.id === first.toLowerCase());
  const byWords = operations.find((op) => op.id === `${first.toLowerCase()}.${second.toLowerCase()}`);
  const operation = byId ?? byWords;
  if (!operation) {
    const known = joinText(
      operations.map((op) => code(op.id)),
      ', ',
    );
    const what = first ? txt`${code(first)} is not an operation. ` : [];
    return { ok: false, error: txt`${what}${CAN_I_USAGE} Operations: ${known}.` };
  }
  let text = rest
    .trim()
    .split(/\s+/)
    .slice(byId ? 1 : 2)
    .join(' ');
  const args: Record<string, string> = {};
  while (text !== '') {
    const match = ARG.exec(text);
    if (!match)
      return {
        ok: false,
        error: txt`${code(text.split(/\s+/)[0] ?? '')} is not ${code('key=value')}. ${CAN_I_USAGE}`,
      };
    const [whole, key = '', ...values] = match;
    const value = values.find((v) => v !== undefined) ?? '';
    if (value.length > MAX_VALUE)
      return { ok: false, error: txt`The value of ${code(key)} is longer than ${MAX_VALUE} characters.` };
    args[key] = value;
    if (Object.keys(args).length > MAX_ARGS)
      return { ok: false, error: txt`At most ${MAX_ARGS} arguments. ${CAN_I_USAGE}` };
    text = text.slice(whole.length).trim();
  }
  return { ok: true, value: { kind: 'can-i', operationId: operation.id, args } };
}

const USER = /^(?:<@)?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?$/;

export function parseAudit(rest: string): Parsed<PolicyCommand> {
  const words = rest.split(/\s+/).filter((w) => w !== '');
  let user: string | undefined;
  let sinceText = '24h';
  for (let i = 0; i < words.length; i += 2) {
    const flag = words[i]?.toLowerCase();
    const value = words[i + 1];
    if (value === undefined) return { ok: false, error: AUDIT_USAGE };
    if (flag === '--user') {
      const match = USER.exec(value);
      if (!match?.[1])
        return {
          ok: false,
          error: txt`${code(value)} is not a Slack user id. Use the member id (U0123ABCD, from the user's profile). ${AUDIT_USAGE}`,
        };
      user = match[1];
    } else if (flag === '--since') {
      sinceText = value.toLowerCase();
    } else {
      return { ok: false, error: AUDIT_USAGE };
    }
  }
  const since = /^(\d{1,5})(m|h|d)$/.exec(sinceText);
  if (!since) return { ok: false, error: txt`${code(sinceText)} is not a duration. ${AUDIT_USAGE}` };
  const sinceMs = Number(since[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[since[2] as 'm' | 'h' | 'd'];
  if (sinceMs === 0 || sinceMs > MAX_SINCE_MS)
    return { ok: false, error: txt`${code('--since')} must be between 1m and 90d. ${AUDIT_USAGE}` };
  return { ok: true, value: { kind: 'audit', sinceMs, sinceText, ...(user ? { user } : {}) } };
}
