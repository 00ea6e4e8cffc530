import type { ListKind } from './api';
import type { Condition } from './condition';
import type { ConditionInput } from './form';

/** The condition's picked or typed value, with the field it came from and the Zitadel list it was picked from. */
export interface PickedValue {
  field: 'method' | 'service' | 'function' | 'event' | 'group';
  list?: ListKind;
  value: string;
}

export function pickedValue(input: ConditionInput): PickedValue | undefined {
  if (input.kind === 'function') return { field: 'function', list: 'functions', value: input.function };
  if (input.scope === 'all') return undefined;
  if (input.kind === 'event') {
    return input.scope === 'event'
      ? { field: 'event', value: input.event }
      : { field: 'group', value: input.group };
  }
  return input.scope === 'method'
    ? { field: 'method', list: 'methods', value: input.method }
    : { field: 'service', list: 'services', value: input.service };
}

/** The condition an input names; `value` replaces a picked value that stood for a longer one. */
export function conditionOf(input: ConditionInput, value?: string): Condition {
  const picked = pickedValue(input);
  const v = value ?? picked?.value ?? '';
  if (input.kind === 'function') return { kind: 'function', scope: 'name', value: v };
  if (input.scope === 'all') return { kind: input.kind, scope: 'all' };
  if (input.kind === 'event') return { kind: 'event', scope: input.scope, value: v };
  return { kind: input.kind, scope: input.scope, value: v };
}
