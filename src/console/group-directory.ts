import type { MembershipDirectory, PolicyRule } from '../core/policy/policy';

/** Group id → member user ids, as the config file's `console.groups` lists them. */
export type GroupMembers = Readonly<Record<string, readonly string[]>>;

/**
 * The console's MembershipDirectory: Slack user groups as the config file lists them, so rules that name
 * groups (who a rule is about, who approves) decide as they do in Slack. A group the file does not list
 * has no members here.
 */
export class ConfiguredGroups implements MembershipDirectory {
  constructor(private readonly members: GroupMembers) {}

  async memberships(userId: string, groups: string[]): Promise<string[]> {
    return groups.filter((group) => this.members[group]?.includes(userId));
  }

  /** Groups the rules name that the file does not list: they match nobody in the console. */
  unlisted(rules: readonly PolicyRule[]): string[] {
    const named = rules.flatMap((rule) => [...rule.groups, ...(rule.approvers?.groups ?? [])]);
    return [...new Set(named)].filter((group) => this.members[group] === undefined);
  }
}
