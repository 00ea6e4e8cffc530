import { z } from 'zod';
import type { Choice, FormField, FormValues } from '../../core/operations/contract';
import { CONDITION_KINDS, type ConditionKind } from './condition';

/** Zitadel's limit on every condition string. */
const MAX_CONDITION_TEXT = 1000;
/** Zitadel's limit on an id. */
const MAX_ID = 200;
const MAX_TARGETS = 100;
const MAX_ORDER_TEXT = 3000;

/** Form field ids; also the keys of the operation's input. */
export const FIELD = {
  kind: 'kind',
  scope: 'scope',
  method: 'method',
  service: 'service',
  function: 'function',
  event: 'event',
  group: 'group',
  targets: 'targets',
  order: 'order',
  include: 'include',
} as const;

/** The condition part of the input, flat and keyed by field id, so a parsed input parses again unchanged. */
export type ConditionInput =
  | { kind: 'request' | 'response'; scope: 'method'; method: string }
  | { kind: 'request' | 'response'; scope: 'service'; service: string }
  | { kind: 'request' | 'response'; scope: 'all' }
  | { kind: 'function'; function: string }
  | { kind: 'event'; scope: 'event'; event: string }
  | { kind: 'event'; scope: 'group'; group: string }
  | { kind: 'event'; scope: 'all' };

export type SetExecutionInput = ConditionInput & {
  /** Target ids in execution order, as picked. Empty (and no include) removes every target. */
  targets: string[];
  /** Target names (or ids), comma- or line-separated, that run first, in this order. */
  order?: string;
  /** The execution (a picked condition key) whose targets are appended. */
  include?: string;
};

const KIND_CHOICES: Choice[] = [
  { value: 'request', label: 'Request: before Zitadel handles an API call' },
  { value: 'response', label: 'Response: before Zitadel answers an API call' },
  { value: 'function', label: 'Function: a Zitadel function (e.g. preaccesstoken)' },
  { value: 'event', label: 'Event: after an event is stored' },
];

const API_SCOPES: Choice[] = [
  { value: 'method', label: 'One method' },
  { value: 'service', label: 'Every method of one service' },
  { value: 'all', label: 'All API calls' },
];

const EVENT_SCOPES: Choice[] = [
  { value: 'event', label: 'One event' },
  { value: 'group', label: 'Every event of a group' },
  { value: 'all', label: 'All events' },
];

const isKind = (v: unknown): v is ConditionKind => CONDITION_KINDS.some((k) => k === v);
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const scopesFor = (kind: ConditionKind | undefined) =>
  kind === 'request' || kind === 'response' ? API_SCOPES : kind === 'event' ? EVENT_SCOPES : undefined;

/** Labels for values already picked, as far as they are known without a round trip. */
export interface FieldLabels {
  peekValue(picked: string): string | undefined;
  peekTargetName(id: string): string | undefined;
  includeLabel(picked: string): string;
}

const picked = (value: string | undefined, labels: FieldLabels): Choice | undefined =>
  value ? { value, label: labels.peekValue(value) ?? value } : undefined;

/** The modal: trigger, then what it applies to, then targets. Dependent fields follow `kind` and `scope`. */
export function setExecutionFields(values: FormValues, labels: FieldLabels): FormField[] {
  const kind = first(values.kind);
  const knownKind = isKind(kind) ? kind : undefined;
  const scopes = scopesFor(knownKind);
  const scope = first(values.scope);
  const knownScope = scopes?.some((c) => c.value === scope) ? scope : undefined;
  const fields: FormField[] = [
    {
      id: FIELD.kind,
      kind: 'select',
      label: 'Trigger',
      choices: KIND_CHOICES,
      initial: knownKind,
      refreshOnChange: true,
    },
  ];
  if (scopes) {
    fields.push({
      id: FIELD.scope,
      kind: 'select',
      label: knownKind === 'event' ? 'Which events' : 'Which API calls',
      choices: scopes,
      initial: knownScope,
      refreshOnChange: true,
    });
  }
  const search = (id: 'method' | 'service' | 'function', label: string, hint: string): FormField => ({
    id,
    kind: 'search',
    label,
    hint,
    minQueryLength: 0,
    initial: picked(first(values[id]), labels),
  });
  const text = (id: 'event' | 'group', label: string, placeholder: string): FormField => ({
    id,
    kind: 'text',
    label,
    placeholder,
    maxLength: MAX_CONDITION_TEXT,
    initial: first(values[id]),
  });
  if (knownKind === 'function')
    fields.push(search(FIELD.function, 'Function', 'From Zitadel’s list of functions'));
  if (knownScope === 'method')
    fields.push(search(FIELD.method, 'Method', 'From Zitadel’s list of API methods; type to filter'));
  if (knownScope === 'service')
    fields.push(search(FIELD.service, 'Service', 'From Zitadel’s list of API services'));
  if (knownKind === 'event' && knownScope === 'event')
    fields.push(text(FIELD.event, 'Event', 'user.human.added'));
  if (knownKind === 'event' && knownScope === 'group')
    fields.push(text(FIELD.group, 'Event group', 'user.human'));
  const include = first(values.include);
  fields.push(
    {
      id: FIELD.targets,
      kind: 'multi_search',
      label: 'Targets, in execution order',
      optional: true,
      hint: 'The order you pick them in is the order Zitadel calls them. No targets and no include = remove every target.',
      minQueryLength: 0,
      maxSelected: MAX_TARGETS,
      initial: asList(values.targets).map((id) => ({ value: id, label: labels.peekTargetName(id) ?? id })),
    },
    {
      id: FIELD.order,
      kind: 'text',
      label: 'Order',
      optional: true,
      placeholder: 'audit-log, ip-allow-list',
      hint: 'Target names, comma-separated, that run first in this order; the others keep their place after them.',
      maxLength: MAX_ORDER_TEXT,
      initial: first(values.order),
    },
    {
      id: FIELD.include,
      kind: 'search',
      label: 'Also include the targets of',
      optional: true,
      hint: 'Another execution: its current targets are appended after yours, duplicates dropped.',
      minQueryLength: 0,
      initial: include ? { value: include, label: labels.includeLabel(include) } : undefined,
    },
  );
  return fields;
}

const oneValue = z
  .union([z.string(), z.array(z.string()).max(1)])
  .optional()
  .transform(first);
const manyValues = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform(asList);

const formSchema = z.object({
  kind: oneValue,
  scope: oneValue,
  method: oneValue,
  service: oneValue,
  function: oneValue,
  event: oneValue,
  group: oneValue,
  targets: manyValues,
  order: oneValue,
  include: oneValue,
});
type RawForm = z.output<typeof formSchema>;

type Issue = { path: [string]; message: string };

function conditionText(
  raw: RawForm,
  id: 'method' | 'service' | 'function' | 'event' | 'group',
  missing: string,
  issues: Issue[],
) {
  const value = id === 'event' || id === 'group' ? raw[id]?.trim() : raw[id];
  if (!value) issues.push({ path: [id], message: missing });
  else if (value.length > MAX_CONDITION_TEXT) {
    issues.push({
      path: [id],
      message: `At most ${MAX_CONDITION_TEXT} characters (Zitadel’s limit); this has ${value.length}.`,
    });
  }
  return value ?? '';
}

function conditionInput(raw: RawForm, issues: Issue[]): ConditionInput | undefined {
  const { kind, scope } = raw;
  if (!isKind(kind)) {
    issues.push({
      path: [FIELD.kind],
      message: 'Choose what triggers the execution: request, response, function or event.',
    });
    return undefined;
  }
  if (kind === 'function')
    return { kind, function: conditionText(raw, 'function', 'Choose a function from the list.', issues) };
  if (kind === 'event') {
    if (scope === 'all') return { kind, scope };
    if (scope === 'event')
      return {
        kind,
        scope,
        event: conditionText(raw, 'event', 'Enter the event, e.g. user.human.added.', issues),
      };
    if (scope === 'group')
      return {
        kind,
        scope,
        group: conditionText(raw, 'group', 'Enter the event group, e.g. user.human.', issues),
      };
    issues.push({ path: [FIELD.scope], message: 'Choose one event, a group of events, or all events.' });
    return undefined;
  }
  if (scope === 'all') return { kind, scope };
  if (scope === 'method')
    return { kind, scope, method: conditionText(raw, 'method', 'Choose a method from the list.', issues) };
  if (scope === 'service')
    return { kind, scope, service: conditionText(raw, 'service', 'Choose a service from the list.', issues) };
  issues.push({ path: [FIELD.scope], message: 'Choose one method, one service, or all API calls.' });
  return undefined;
}

function targetIds(raw: RawForm, issues: Issue[]): string[] {
  const ids = [...new Set(raw.targets.map((t) => t.trim()).filter((t) => t !== ''))];
  if (ids.some((id) => id.length > MAX_ID))
    issues.push({ path: [FIELD.targets], message: 'A target id is longer than Zitadel allows.' });
  if (ids.length > MAX_TARGETS)
    issues.push({ path: [FIELD.targets], message: `At most ${MAX_TARGETS} targets.` });
  return ids;
}

function optionalText(
  raw: RawForm,
  id: 'order' | 'include',
  max: number,
  issues: Issue[],
): string | undefined {
  const value = raw[id]?.trim();
  if (!value) return undefined;
  if (value.length > max) issues.push({ path: [id], message: `At most ${max} characters.` });
  return value;
}

/** Parses the modal (or a stored input: the result parses again unchanged). Issue paths are field ids. */
export const setExecutionInputSchema = formSchema.transform((raw, ctx): SetExecutionInput => {
  const issues: Issue[] = [];
  const condition = conditionInput(raw, issues);
  const targets = targetIds(raw, issues);
  const order = optionalText(raw, FIELD.order, MAX_ORDER_TEXT, issues);
  const include = optionalText(raw, FIELD.include, MAX_CONDITION_TEXT, issues);
  if (!condition || issues.length > 0) {
    for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
    return z.NEVER;
  }
  return { ...condition, targets, ...(order ? { order } : {}), ...(include ? { include } : {}) };
});

/** The condition fields of an input, without its targets: what a revert keeps. */
export function conditionPart(input: SetExecutionInput): ConditionInput {
  switch (input.kind) {
    case 'function':
      return { kind: input.kind, function: input.function };
    case 'event':
      if (input.scope === 'event') return { kind: input.kind, scope: input.scope, event: input.event };
      if (input.scope === 'group') return { kind: input.kind, scope: input.scope, group: input.group };
      return { kind: input.kind, scope: input.scope };
    default:
      if (input.scope === 'method') return { kind: input.kind, scope: input.scope, method: input.method };
      if (input.scope === 'service') return { kind: input.kind, scope: input.scope, service: input.service };
      return { kind: input.kind, scope: input.scope };
  }
}
