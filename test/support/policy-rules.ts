import type { PolicyRule } from '../../src/core/policy/policy';

/** A policy rule with the defaults of the config file: allow, for everyone, everywhere, on any input. */
export const rule = (r: Partial<PolicyRule> & Pick<PolicyRule, 'name' | 'operations'>): PolicyRule => ({
  effect: 'allow',
  users: [],
  groups: [],
  channels: [],
  when: {},
  ...r,
});
