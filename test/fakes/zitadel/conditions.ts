import { GrpcError } from './grpc-error';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const stripSlash = (v: string) => v.replace(/^\//, '');
const invalid = (message: string) => new GrpcError(3, message);

const KINDS = ['request', 'response', 'function', 'event'] as const;
const API_OPTIONS = ['method', 'service', 'all'] as const;
const EVENT_OPTIONS = ['event', 'group', 'all'] as const;
const MESSAGE_NAMES = {
  request: 'RequestExecution',
  response: 'ResponseExecution',
  event: 'EventExecution',
} as const;

export type ConditionKind = (typeof KINDS)[number];

export interface ParsedCondition {
  /** Zitadel's execution id: `request/zitadel.session.v2.SessionService/ListSessions`, `event/user.human.*`, `event`. */
  id: string;
  kind: ConditionKind;
  option: 'method' | 'service' | 'all' | 'event' | 'group' | 'name';
  value?: string;
}

function setKeys<K extends string>(obj: Json, keys: readonly K[]): K[] {
  return keys.filter((k) => obj[k] !== undefined && obj[k] !== null);
}

function checkString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(`proto: invalid value for string field ${field}`);
  if (value.length < 1 || [...value].length > 1000) {
    throw invalid(`invalid ${field}: value length must be between 1 and 1000 runes, inclusive`);
  }
  return value;
}

/**
 * Zitadel's condition → execution id, validated the way the v2 API does (protojson oneof, then
 * protoc-gen-validate): exactly one condition type, exactly one of its options, strings 1..1000,
 * `all` literally true.
 */
export function parseCondition(condition: unknown): ParsedCondition {
  if (!isObject(condition)) throw invalid('invalid SetExecutionRequest.Condition: value is required');
  const kinds = setKeys(condition, KINDS);
  const [kind] = kinds;
  if (!kind) throw invalid('invalid Condition.ConditionType: value is required');
  if (kinds.length > 1) {
    throw invalid(
      'proto: error parsing "condition", oneof zitadel.action.v2.Condition.condition_type is already set',
    );
  }
  const body = condition[kind];
  if (!isObject(body)) throw invalid(`proto: invalid value for message field ${kind}`);
  if (kind === 'function') {
    const name = stripSlash(checkString(body.name, 'FunctionExecution.Name'));
    return { id: `function/${name}`, kind, option: 'name', value: name };
  }
  const message = MESSAGE_NAMES[kind];
  const options = setKeys(body, kind === 'event' ? EVENT_OPTIONS : API_OPTIONS);
  const [option] = options;
  if (!option) throw invalid(`invalid ${message}.Condition: value is required`);
  if (options.length > 1)
    throw invalid(`proto: error parsing "${kind}", oneof ${message}.condition is already set`);
  if (option === 'all') {
    if (body.all !== true) throw invalid(`invalid ${message}.All: value must equal true`);
    return { id: kind, kind, option };
  }
  const field = `${message}.${option.charAt(0).toUpperCase()}${option.slice(1)}`;
  const value = stripSlash(checkString(body[option], field));
  if (option === 'group') {
    const group = value.replace(/\.\*$/, '');
    return { id: `event/${group}.*`, kind, option, value: group };
  }
  return { id: `${kind}/${value}`, kind, option, value };
}

/** What ListExecutions answers for an execution id (methods come back with their leading slash). */
export function conditionOfId(id: string): Json {
  const slash = id.indexOf('/');
  const kind = slash < 0 ? id : id.slice(0, slash);
  const rest = slash < 0 ? '' : id.slice(slash + 1);
  if (kind === 'function') return { function: { name: rest } };
  if (kind === 'event') {
    if (rest === '') return { event: { all: true } };
    if (rest.endsWith('.*')) return { event: { group: rest.slice(0, -2) } };
    return { event: { event: rest } };
  }
  if (rest === '') return { [kind]: { all: true } };
  return { [kind]: rest.includes('/') ? { method: `/${rest}` } : { service: rest } };
}

export const EXECUTION_TYPES: Record<string, ConditionKind> = {
  EXECUTION_TYPE_REQUEST: 'request',
  EXECUTION_TYPE_RESPONSE: 'response',
  EXECUTION_TYPE_EVENT: 'event',
  EXECUTION_TYPE_FUNCTION: 'function',
};
