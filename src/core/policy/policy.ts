import {
  conditionsHold,
  describeConditions,
  inputValues,
  type Conditions,
  type Holds,
  type KnownInput,
} from './conditions';
import { channel, code, group, joinText, type Text, type TextPart, textOf, txt, user } from '../kit/text';

export type Effect = 'allow' | 'deny' | 'require-approval';

export interface Approvers {
  users: string[];
  groups: string[];
}

/** Who may run what, where, with which arguments: rules from the config. */
export interface PolicyRule {
  name: string;
  effect: Effect;
  /** Operation ids, `system.*` or `*`. */
  operations: string[];
  /** Whom the rule is about (none listed = everyone). */
  users: string[];
  groups: string[];
  /** Where (none listed = every channel). */
  channels: string[];
  /** Conditions on the input; every key must match. */
  when: Conditions;
  /** require-approval only. */
  approvers?: Approvers;
  approvals?: number;
  /** Milliseconds. */
  expiresAfter?: number;
  approvalChannel?: string;
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
  /** Everyone in any of `groups`, each once. */
  members(groups: string[]): Promise<string[]>;
}

/** What a require-approval rule asks for before a run may start. */
export interface ApprovalNeed {
  rule: string;
  approvers: Approvers;
  /** Distinct approvers needed. */
  approvals: number;
  expiresAfterMs: number;
  /** Where the request is posted, when not in the run's channel. */
  channelId?: string;
}

export interface Decision {
  /** May request it. When `approval` is set, the run waits for approvals before it starts. */
  allowed: boolean;
  /** The rule that decided; absent when no policy is configured or no rule matched. */
  rule?: string;
  /** One sentence a person can read. */
  reason: Text;
  /** Who can grant access (or approve). */
  contacts: string[];
  approval?: ApprovalNeed;
}

/** Who may do something at once: everyone, or these people. */
export type Deciders = { anyone: true } | { anyone: false; userIds: string[] };

/** What a person may do with one operation, before (or without) running it: `/ops whoami`, `/ops can-i`. */
export interface Outlook {
  verdict: 'yes' | 'approval' | 'conditional' | 'no';
  /** The verdict, the rule and what else applies. */
  summary: Text;
  contacts: string[];
}

/**
 * Managing a channel's digests, under the policy like runs. `*` means every run operation and not
 * these: a policy written before digests were governed keeps its meaning, so rules name them
 * (`digest.schedule`, `digest.remove` or `digest.*`).
 */
export const DIGEST_OPERATIONS = ['digest.schedule', 'digest.remove'] as const;
export type DigestOperation = (typeof DIGEST_OPERATIONS)[number];

export function isDigestOperation(operationId: string): operationId is DigestOperation {
  return (DIGEST_OPERATIONS as readonly string[]).includes(operationId);
}

/** Who stands behind a digest schedule, for `digest.remove`. */
export interface DigestOwnership {
  creatorId: string;
  /** A Flightdeck admin (`admins` in the config). */
  isAdmin: boolean;
}

export function matchesOperation(pattern: string, operationId: string): boolean {
  if (pattern === '*') return !isDigestOperation(operationId);
  if (pattern.endsWith('.*')) return operationId.startsWith(pattern.slice(0, -1));
  return pattern === operationId;
}

interface Match {
  rule: PolicyRule;
  holds: Holds;
}

/** The rules that apply to one subject and operation, with whether their conditions hold. */
interface Evaluation {
  deny: Match[];
  approval: Match[];
  allow: Match[];
}

const DEFAULT_EXPIRY_MS = 4 * 3_600_000;

/**
 * Evaluates rules: deny overrides, then require-approval, then allow; once any rule exists, what none
 * allows is denied. Conditions on arguments are only `maybe` before the input is known, so a command
 * (no arguments yet) is refused only when it is refused for every possible argument.
 */
export class Policy {
  private readonly defaultExpiryMs: number;

  constructor(
    private readonly rules: PolicyRule[],
    private readonly directory: MembershipDirectory,
    options: { defaultExpiresAfterMs?: number } = {},
  ) {
    this.defaultExpiryMs = options.defaultExpiresAfterMs ?? DEFAULT_EXPIRY_MS;
  }

  /** Whether any rule is about runs; rules only about digests leave runs open to everyone. */
  get configured(): boolean {
    return this.rules.some((rule) => rule.operations.some((p) => !p.startsWith('digest.')));
  }

  /**
   * Decides adding or removing a channel's digest. Deny rules naming the operation refuse first, then
   * allow rules grant. Beyond those: anyone in the channel may schedule until an allow rule names
   * `digest.schedule` (then only whom the allow rules name may), and a schedule's creator or an admin
   * may remove it. So deny rules only take away, and digest rules never wait for approval (the config
   * refuses them).
   */
  async decideDigest(
    subject: Subject,
    operationId: DigestOperation,
    input: Record<string, string>,
    owner?: DigestOwnership,
  ): Promise<Decision> {
    const ev = await this.evaluate(subject, operationId, { values: input, partial: false });
    const deny = ev.deny.find((m) => m.holds === 'yes');
    if (deny) return denied(deny.rule, operationId);
    const allow = ev.allow.find((m) => m.holds === 'yes');
    if (allow) return allowedBy(allow.rule);
    const granted = this.rules.some(
      (rule) => rule.effect === 'allow' && rule.operations.some((p) => matchesOperation(p, operationId)),
    );
    if (operationId === 'digest.schedule') {
      return granted
        ? this.noRuleAllows(operationId, false)
        : { allowed: true, reason: txt`Anyone in the channel may schedule its digests.`, contacts: [] };
    }
    if (owner?.creatorId === subject.userId)
      return { allowed: true, reason: txt`You scheduled this digest.`, contacts: [] };
    if (owner?.isAdmin) return { allowed: true, reason: txt`You are a Flightdeck admin.`, contacts: [] };
    const fallback = txt`Only whoever scheduled it${owner ? txt` (${user(owner.creatorId)})` : ''} or a Flightdeck admin may remove a digest.`;
    if (!granted) return { allowed: false, reason: fallback, contacts: [] };
    const refusal = this.noRuleAllows(operationId, false);
    return { ...refusal, reason: txt`${fallback} ${refusal.reason}` };
  }

  /**
   * Decides a request. Without `input` (a command, before the form), only what is certain counts: an
   * unconditional deny refuses; any rule that may allow lets the form open. With the parsed input, the
   * decision is final, including whether approval is needed.
   */
  async decide(subject: Subject, operationId: string, input?: unknown): Promise<Decision> {
    if (!this.configured) return { allowed: true, reason: txt`${NO_POLICY}`, contacts: [] };
    const known = input === undefined ? undefined : { values: inputValues(input), partial: false };
    const ev = await this.evaluate(subject, operationId, known);
    const deny = ev.deny.find((m) => m.holds === 'yes');
    if (deny) return denied(deny.rule, operationId);
    const approval = ev.approval.find((m) => m.holds === 'yes');
    if (approval) {
      const need = this.need(approval.rule);
      return {
        allowed: true,
        rule: approval.rule.name,
        reason: txt`Rule "${approval.rule.name}" needs ${approverPhrase(need)}.`,
        contacts: contactsOf([approval.rule]),
        approval: need,
      };
    }
    const allow = ev.allow.find((m) => m.holds === 'yes');
    if (allow) return allowedBy(allow.rule);
    const possible = [...ev.approval, ...ev.allow].find((m) => m.holds !== 'no');
    if (!known && possible) {
      return {
        allowed: true,
        rule: possible.rule.name,
        reason: txt`Rule "${possible.rule.name}" may allow it, depending on the arguments.`,
        contacts: [],
      };
    }
    return this.noRuleAllows(operationId, known !== undefined);
  }

  /**
   * What `subject` may do with the operation, for people to read. `args` (from `/ops can-i`) pin some
   * input keys; keys not given stay open.
   */
  async outlook(subject: Subject, operationId: string, args?: Record<string, string>): Promise<Outlook> {
    if (!this.configured) return { verdict: 'yes', summary: txt`Yes. ${NO_POLICY}`, contacts: [] };
    const known = args ? { values: args, partial: true } : undefined;
    const ev = await this.evaluate(subject, operationId, known);
    const deny = ev.deny.find((m) => m.holds === 'yes');
    if (deny) {
      return {
        verdict: 'no',
        summary: txt`No, by rule "${deny.rule.name}".`,
        contacts: contactsOf([deny.rule]),
      };
    }
    const unless = ev.deny
      .filter((m) => m.holds === 'maybe')
      .map((m) => txt`never when ${when(m.rule)} (rule "${m.rule.name}")`);
    const approval = ev.approval.find((m) => m.holds === 'yes');
    if (approval) {
      return {
        verdict: 'approval',
        summary: joinNotes(
          txt`Yes, with ${approverPhrase(this.need(approval.rule))} (rule "${approval.rule.name}")`,
          unless,
        ),
        contacts: contactsOf([approval.rule]),
      };
    }
    const approvalWhen = ev.approval
      .filter((m) => m.holds === 'maybe')
      .map(
        (m) => txt`needs ${approverPhrase(this.need(m.rule))} when ${when(m.rule)} (rule "${m.rule.name}")`,
      );
    const allow = ev.allow.find((m) => m.holds === 'yes');
    if (allow) {
      return {
        verdict: 'yes',
        summary: joinNotes(txt`Yes (rule "${allow.rule.name}")`, [...approvalWhen, ...unless]),
        contacts: [],
      };
    }
    const allowWhen = ev.allow
      .filter((m) => m.holds === 'maybe')
      .map((m) => txt`when ${when(m.rule)} (rule "${m.rule.name}")`);
    if (allowWhen.length > 0 || approvalWhen.length > 0) {
      return {
        verdict: 'conditional',
        summary: joinNotes(txt`Only`, [...allowWhen, ...approvalWhen, ...unless], ': '),
        contacts: contactsOf([...ev.allow, ...ev.approval].map((m) => m.rule)),
      };
    }
    const refusal = this.noRuleAllows(operationId, known !== undefined);
    return { verdict: 'no', summary: txt`No. ${refusal.reason}`, contacts: refusal.contacts };
  }

  /** The user groups the rules mention (as subjects or approvers) that `userId` belongs to. */
  async groupsOf(userId: string): Promise<string[]> {
    const groups = new Set(this.rules.flatMap((rule) => [...rule.groups, ...(rule.approvers?.groups ?? [])]));
    return groups.size > 0 ? this.directory.memberships(userId, [...groups]) : [];
  }

  async isApprover(userId: string, need: ApprovalNeed): Promise<boolean> {
    if (need.approvers.users.includes(userId)) return true;
    if (need.approvers.groups.length === 0) return false;
    return (await this.directory.memberships(userId, need.approvers.groups)).length > 0;
  }

  /** Everyone who may decide a request: the approvers named, and the members of the groups named. */
  async approverIds(need: Pick<ApprovalNeed, 'approvers'>): Promise<string[]> {
    const members =
      need.approvers.groups.length > 0 ? await this.directory.members(need.approvers.groups) : [];
    return [...new Set([...need.approvers.users, ...members])];
  }

  /**
   * Who may do `operationId` in `channelId` with `input` at once (allowed, no approval needed), to tell them
   * it waits: the people and group members the allow rules name, each decided as their own request would be.
   * `anyone` when a rule that holds allows it to everyone (or no policy is configured): not a list to tell.
   */
  async deciders(channelId: string, operationId: string, input: unknown): Promise<Deciders> {
    if (!this.configured) return { anyone: true };
    const known = { values: inputValues(input), partial: false };
    const allowing = this.rules.filter(
      (rule) =>
        rule.effect === 'allow' &&
        rule.operations.some((p) => matchesOperation(p, operationId)) &&
        (rule.channels.length === 0 || rule.channels.includes(channelId)) &&
        conditionsHold(rule.when, known, 'every') === 'yes',
    );
    if (allowing.some((rule) => rule.users.length === 0 && rule.groups.length === 0)) return { anyone: true };
    const groups = [...new Set(allowing.flatMap((rule) => rule.groups))];
    const members = groups.length > 0 ? await this.directory.members(groups) : [];
    const candidates = [...new Set([...allowing.flatMap((rule) => rule.users), ...members])];
    const userIds: string[] = [];
    for (const userId of candidates) {
      const decision = await this.decide({ userId, channelId }, operationId, input);
      if (decision.allowed && !decision.approval) userIds.push(userId);
    }
    return { anyone: false, userIds };
  }

  /**
   * Whether `userId` may run the operation in some channel, for a launch button that asks for the channel
   * next: some allow or require-approval rule is about them, and no deny rule refuses it to them everywhere
   * whatever the arguments. The channel's own decision comes once it is picked.
   */
  async mayLaunch(userId: string, operationId: string): Promise<boolean> {
    if (!this.configured) return true;
    const candidates = this.rules.filter((rule) =>
      rule.operations.some((p) => matchesOperation(p, operationId)),
    );
    const groups = [...new Set(candidates.flatMap((rule) => rule.groups))];
    const memberOf = new Set(groups.length > 0 ? await this.directory.memberships(userId, groups) : []);
    const about = candidates.filter(
      (rule) =>
        (rule.users.length === 0 && rule.groups.length === 0) ||
        rule.users.includes(userId) ||
        rule.groups.some((g) => memberOf.has(g)),
    );
    const deniedEverywhere = about.some(
      (rule) => rule.effect === 'deny' && rule.channels.length === 0 && Object.keys(rule.when).length === 0,
    );
    return !deniedEverywhere && about.some((rule) => rule.effect !== 'deny');
  }

  private need(rule: PolicyRule): ApprovalNeed {
    return {
      rule: rule.name,
      approvers: rule.approvers ?? { users: [], groups: [] },
      approvals: rule.approvals ?? 1,
      expiresAfterMs: rule.expiresAfter ?? this.defaultExpiryMs,
      ...(rule.approvalChannel ? { channelId: rule.approvalChannel } : {}),
    };
  }

  private async evaluate(
    subject: Subject,
    operationId: string,
    known: KnownInput | undefined,
  ): Promise<Evaluation> {
    const candidates = this.rules.filter(
      (rule) =>
        rule.operations.some((p) => matchesOperation(p, operationId)) &&
        (rule.channels.length === 0 || rule.channels.includes(subject.channelId)),
    );
    const groups = [...new Set(candidates.flatMap((rule) => rule.groups))];
    const memberOf = new Set(
      groups.length > 0 ? await this.directory.memberships(subject.userId, groups) : [],
    );
    const applies = candidates.filter(
      (rule) =>
        (rule.users.length === 0 && rule.groups.length === 0) ||
        rule.users.includes(subject.userId) ||
        rule.groups.some((g) => memberOf.has(g)),
    );
    const of = (effect: Effect): Match[] =>
      applies
        .filter((rule) => rule.effect === effect)
        .map((rule) => ({
          rule,
          holds: conditionsHold(rule.when, known, effect === 'deny' ? 'any' : 'every'),
        }));
    return { deny: of('deny'), approval: of('require-approval'), allow: of('allow') };
  }

  private noRuleAllows(operationId: string, withArguments: boolean): Decision {
    const wouldAllow = this.rules.filter(
      (rule) => rule.effect !== 'deny' && rule.operations.some((p) => matchesOperation(p, operationId)),
    );
    const who = wouldAllow.map(
      (rule) =>
        txt`"${rule.name}" (${subjects(rule)}${scope(rule)}${Object.keys(rule.when).length > 0 ? txt`, when ${when(rule)}` : ''}${rule.effect === 'require-approval' ? ', with approval' : ''})`,
    );
    return {
      allowed: false,
      reason: textOf(
        txt`No rule allows ${code(operationId)} to you in this channel${withArguments ? ' with these arguments' : ''}, and what no rule allows is denied.`,
        who.length > 0 ? txt` Rules that allow it: ${joinText(who, '; ')}.` : ' No rule allows it to anyone.',
      ),
      contacts: contactsOf(wouldAllow),
    };
  }
}

const NO_POLICY = 'No policy is configured, so everyone may run everything.';

function allowedBy(rule: PolicyRule): Decision {
  return { allowed: true, rule: rule.name, reason: txt`Allowed by rule "${rule.name}".`, contacts: [] };
}

function denied(rule: PolicyRule, operationId: string): Decision {
  const condition = Object.keys(rule.when).length > 0 ? txt` when ${when(rule)}` : '';
  return {
    allowed: false,
    rule: rule.name,
    reason: txt`Rule "${rule.name}" denies ${code(operationId)} to you${scope(rule)}${condition}.`,
    contacts: contactsOf([rule]),
  };
}

function contactsOf(rules: PolicyRule[]): string[] {
  return [...new Set(rules.flatMap((rule) => (rule.contact ? [rule.contact] : [])))];
}

function when(rule: PolicyRule): Text {
  return describeConditions(rule.when);
}

function joinNotes(head: Text, notes: Text[], separator = '; '): Text {
  return notes.length > 0 ? txt`${head}${separator}${joinText(notes, '; ')}.` : txt`${head}.`;
}

/** "approval by @U1 or @S1" / "2 approvals from …", with the people and groups as parts. */
export function approverPhrase(need: Pick<ApprovalNeed, 'approvers' | 'approvals'>): Text {
  const who = joinText(mentions(need.approvers), ' or ');
  return need.approvals > 1 ? txt`${need.approvals} approvals from ${who}` : txt`approval by ${who}`;
}

export function mentions(who: Approvers): TextPart[] {
  return [...who.users.map(user), ...who.groups.map(group)];
}

function subjects(rule: PolicyRule): Text {
  const parts = mentions(rule);
  return parts.length > 0 ? joinText(parts, ', ') : txt`everyone`;
}

function scope(rule: PolicyRule): Text {
  return rule.channels.length > 0 ? txt` in ${joinText(rule.channels.map(channel), ', ')}` : [];
}
