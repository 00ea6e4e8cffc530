import type { WireCondition } from './schemas';

/** When an execution runs: Zitadel's `condition` oneof, flattened. */
export type Condition =
  | { kind: 'request' | 'response'; scope: 'method' | 'service'; value: string }
  | { kind: 'request' | 'response' | 'event'; scope: 'all' }
  | { kind: 'function'; scope: 'name'; value: string }
  | { kind: 'event'; scope: 'event' | 'group'; value: string };

export const CONDITION_KINDS = ['request', 'response', 'function', 'event'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

export function toWire(c: Condition): WireCondition {
  switch (c.kind) {
    case 'function':
      return { function: { name: c.value } };
    case 'request':
    case 'response':
      return { [c.kind]: c.scope === 'all' ? { all: true } : { [c.scope]: c.value } };
    case 'event':
      return { event: c.scope === 'all' ? { all: true } : { [c.scope]: c.value } };
  }
}

/** Undefined for a condition type this version of Flightdeck does not know. */
export function fromWire(w: WireCondition | undefined): Condition | undefined {
  if (!w) return undefined;
  for (const kind of ['request', 'response'] as const) {
    const api = w[kind];
    if (!api) continue;
    if (api.method) return { kind, scope: 'method', value: api.method };
    if (api.service) return { kind, scope: 'service', value: api.service };
    if (api.all) return { kind, scope: 'all' };
    return undefined;
  }
  if (w.function?.name) return { kind: 'function', scope: 'name', value: w.function.name };
  if (w.event) {
    if (w.event.event) return { kind: 'event', scope: 'event', value: w.event.event };
    if (w.event.group) return { kind: 'event', scope: 'group', value: w.event.group };
    if (w.event.all) return { kind: 'event', scope: 'all' };
  }
  return undefined;
}

/**
 * Zitadel stores a condition under an id that drops a leading `/` and, for groups, a trailing `.*`;
 * what it lists back may differ from what was set in exactly those ways.
 */
function normalise(c: Condition): string {
  if (c.scope === 'all') return '';
  const value = c.value.replace(/^\//, '');
  return c.scope === 'group' ? value.replace(/\.\*$/, '') : value;
}

/** A stable identity for a condition: equal keys = the same execution in Zitadel. */
export function conditionKey(c: Condition): string {
  return c.scope === 'all' ? `${c.kind}:all` : `${c.kind}:${c.scope}:${normalise(c)}`;
}

const SCOPE_WORDS: Record<Condition['scope'], string> = {
  method: 'method',
  service: 'service',
  name: '',
  event: '',
  group: 'group',
  all: '',
};

/** "request method /zitadel.session.v2.SessionService/ListSessions", "event (all events)". */
export function conditionLabel(c: Condition): string {
  if (c.scope === 'all') return `${c.kind} (all ${c.kind === 'event' ? 'events' : 'methods'})`;
  const word = SCOPE_WORDS[c.scope];
  return `${c.kind} ${word ? `${word} ` : ''}${c.value}`;
}

/** The condition a key stands for (the inverse of `conditionKey`, up to Zitadel's normalisation). */
export function conditionFromKey(key: string): Condition | undefined {
  const [kind, scope, ...rest] = key.split(':');
  const value = rest.join(':');
  if (scope === 'all' && (kind === 'request' || kind === 'response' || kind === 'event'))
    return { kind, scope };
  if (!value) return undefined;
  if ((kind === 'request' || kind === 'response') && (scope === 'method' || scope === 'service'))
    return { kind, scope, value };
  if (kind === 'function' && scope === 'name') return { kind, scope, value };
  if (kind === 'event' && (scope === 'event' || scope === 'group')) return { kind, scope, value };
  return undefined;
}
