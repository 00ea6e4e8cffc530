import { parseDigestCommand, type DigestCommand } from '../digest/spec';
import { code, joinText, txt, type Text } from '../kit/text';
import type { SystemDefinition } from '../operations/contract';
import { parseAudit, parseCanI, type PolicyCommand } from './policy-command';

export type OpsCommand =
  | { kind: 'launcher' }
  | { kind: 'help' }
  | { kind: 'system'; systemId: string }
  | { kind: 'operation'; operationId: string; args: string }
  | { kind: 'query'; queryId: string; args: string }
  | { kind: 'runs'; mine: boolean }
  | { kind: 'status'; runId: string }
  | { kind: 'digest'; command: DigestCommand }
  | PolicyCommand
  /** What was wrong, for people; each surface adds its own pointer to help. */
  | { kind: 'unknown'; reason: Text }
  /** A digest command that does not parse: the surface adds its own usage to the refusal. */
  | { kind: 'digest-usage'; error: Text };

/** `/ops <system>` alone: what the system can do. */
export function systemUsage(system: SystemDefinition): Text {
  const verbs = joinText(
    [...system.operations, ...system.queries].map((c) => code(c.verb)),
    ', ',
  );
  return txt`What should Flightdeck do in ${system.name}? Try: ${verbs}.`;
}

/** Longer input than this is never a command; Slack allows more, the bot does not need it. */
export const MAX_COMMAND_LENGTH = 500;

/**
 * Parses the text after `/ops`. Words are case-insensitive; arguments keep their case.
 * Pure: the systems it knows come in as data.
 */
export function parseOpsCommand(raw: string, systems: SystemDefinition[]): OpsCommand {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be stripped
  const text = raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (text.length > MAX_COMMAND_LENGTH) {
    return {
      kind: 'unknown',
      reason: txt`That command is ${text.length} characters long; the limit is ${MAX_COMMAND_LENGTH}.`,
    };
  }
  if (text === '') return { kind: 'launcher' };
  const [first = '', second = '', ...rest] = text.split(/\s+/);
  const word = first.toLowerCase();
  const args = (after: number) => text.split(/\s+/).slice(after).join(' ');

  if (word === 'help' || word === '?') return { kind: 'help' };
  if (word === 'whoami' && second === '') return { kind: 'whoami' };
  if (word === 'can-i' || word === 'audit') {
    const rest = text.slice(first.length);
    const policy = word === 'audit' ? parseAudit(rest) : parseCanI(rest, systems);
    return policy.ok ? policy.value : { kind: 'unknown', reason: policy.error };
  }
  if (word === 'runs') {
    if (second === '') return { kind: 'runs', mine: false };
    if (second.toLowerCase() === 'mine' && rest.length === 0) return { kind: 'runs', mine: true };
    return { kind: 'unknown', reason: txt`Usage: ${code('/ops runs [mine]')}.` };
  }
  if (word === 'status') {
    if (/^[0-9a-f-]{8,36}$/i.test(second) && rest.length === 0)
      return { kind: 'status', runId: second.toLowerCase() };
    return {
      kind: 'unknown',
      reason: txt`Usage: ${code('/ops status <run id>')} (the run id is at the bottom of the run message).`,
    };
  }

  if (word === 'digest') {
    const digest = parseDigestCommand(text.split(/\s+/).slice(1), {
      systems: systems.map((s) => s.id),
      operations: systems.flatMap((s) => s.operations.map((op) => op.id)),
    });
    return digest.ok
      ? { kind: 'digest', command: digest.value }
      : { kind: 'digest-usage', error: digest.error };
  }

  const system = systems.find((s) => s.id === word);
  if (!system) {
    const known = joinText(
      systems.map((s) => code(s.id)),
      ', ',
    );
    return { kind: 'unknown', reason: txt`${code(first)} is not a Flightdeck command. Systems: ${known}.` };
  }
  if (second === '') return { kind: 'system', systemId: system.id };
  const verb = second.toLowerCase();
  const operation = system.operations.find((op) => op.verb === verb);
  if (operation) return { kind: 'operation', operationId: operation.id, args: args(2) };
  const query = system.queries.find((q) => q.verb === verb);
  if (query) return { kind: 'query', queryId: query.id, args: args(2) };
  const verbs = joinText(
    [...system.operations, ...system.queries].map((c) => code(c.verb)),
    ', ',
  );
  return { kind: 'unknown', reason: txt`${code(system.id)} has no ${code(second)} command. Try: ${verbs}.` };
}
