/** Who may run what, where: rules from the config, evaluated with deny-overrides. */
export interface PolicyRule {
  name: string;
  effect: 'allow' | 'deny';
  /** Operation ids, `system.*` or `*`. */
  operations: string[];
  users: string[];
  groups: string[];
  channels: string[];
  contact?: string;
}

export interface Subject {
  userId: string;
  channelId: string;
}

/** Resolves Slack user-group membership (cached by the implementation). */
export interface MembershipDirectory {
  /** The subset of `groups` that `userId` belongs to. */
  memberships(userId: string, groups: string[]): Promise<string[]>;
}

export interface Decision {
  allowed: boolean;
  /** The rule that decided; absent when no policy is configured or no rule matched. */
  rule?: string;
  /** One sentence a person can read. Slack mentions (`<@U…>`, `<#C…>`, `<!subteam^S…>`) are allowed. */
  reason: string;
  /** Who can grant access, from the rules that would allow it. */
  contacts: string[];
}

export function matchesOperation(pattern: string, operationId: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return operationId.startsWith(pattern.slice(0, -1));
  return pattern === operationId;
}

export class Policy {
  constructor(
    private readonly rules: PolicyRule[],
    private readonly directory: MembershipDirectory,
  ) {}

  get configured(): boolean {
    return this.rules.length > 0;
  }

  async decide(subject: Subject, operationId: string): Promise<Decision> {
    if (!this.configured) {
      return {
        allowed: true,
        reason: 'No policy is configured, so everyone may run everything.',
        contacts: [],
      };
    }
    const candidates = this.rules.filter(
      (rule) =>
        rule.operations.some((p) => matchesOperation(p, operationId)) &&
        (rule.channels.length === 0 || rule.channels.includes(subject.channelId)),
    );
    const groups = [...new Set(candidates.flatMap((rule) => rule.groups))];
    const memberOf = new Set(
      groups.length > 0 ? await this.directory.memberships(subject.userId, groups) : [],
    );
    const applies = (rule: PolicyRule) =>
      (rule.users.length === 0 && rule.groups.length === 0) ||
      rule.users.includes(subject.userId) ||
      rule.groups.some((g) => memberOf.has(g));

    const deny = candidates.find((rule) => rule.effect === 'deny' && applies(rule));
    if (deny) {
      return {
        allowed: false,
        rule: deny.name,
        reason: `Rule "${deny.name}" denies \`${operationId}\` to you${scope(deny)}.`,
        contacts: deny.contact ? [deny.contact] : [],
      };
    }
    const allow = candidates.find((rule) => rule.effect === 'allow' && applies(rule));
    if (allow)
      return { allowed: true, rule: allow.name, reason: `Allowed by rule "${allow.name}".`, contacts: [] };

    const wouldAllow = this.rules.filter(
      (rule) => rule.effect === 'allow' && rule.operations.some((p) => matchesOperation(p, operationId)),
    );
    const who = wouldAllow.map((rule) => `"${rule.name}" (${subjects(rule)}${scope(rule)})`);
    return {
      allowed: false,
      reason:
        `No rule allows \`${operationId}\` to you in this channel, and what no rule allows is denied.` +
        (who.length > 0 ? ` Rules that allow it: ${who.join('; ')}.` : ' No rule allows it to anyone.'),
      contacts: [...new Set(wouldAllow.flatMap((rule) => (rule.contact ? [rule.contact] : [])))],
    };
  }
}

function subjects(rule: PolicyRule): string {
  const parts = [...rule.users.map((u) => `<@${u}>`), ...rule.groups.map((g) => `<!subteam^${g}>`)];
  return parts.length > 0 ? parts.join(', ') : 'everyone';
}

function scope(rule: PolicyRule): string {
  return rule.channels.length > 0 ? ` in ${rule.channels.map((c) => `<#${c}>`).join(', ')}` : '';
}
