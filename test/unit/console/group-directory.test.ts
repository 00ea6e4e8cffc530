import { ConfiguredGroups } from '../../../src/console/group-directory';
import { Policy, type PolicyRule } from '../../../src/core/policy/policy';

const rule = (over: Partial<PolicyRule>): PolicyRule => ({
  name: 'r',
  effect: 'allow',
  operations: ['*'],
  users: [],
  groups: [],
  channels: [],
  when: {},
  ...over,
});

const rules: PolicyRule[] = [
  rule({ name: 'oncall-deploys', operations: ['itential.start'], groups: ['S0ONCALL01'] }),
  rule({
    name: 'prod-by-board',
    effect: 'require-approval',
    operations: ['iacm.run'],
    approvers: { users: [], groups: ['S0BOARD001'] },
  }),
  rule({ name: 'ghosts', operations: ['zitadel.*'], groups: ['S0NOBODY01'] }),
];

describe('ConfiguredGroups: the console’s user groups from console.groups', () => {
  const groups = new ConfiguredGroups({ S0ONCALL01: ['U0ALICE'], S0BOARD001: ['U0BOB', 'U0ALICE'] });
  const policy = new Policy(rules, groups);
  const here = (userId: string) => ({ userId, channelId: 'C0OPS' });

  it('a rule about a group applies to its listed members only', async () => {
    expect((await policy.decide(here('U0ALICE'), 'itential.start')).allowed).toBe(true);
    const outsider = await policy.decide(here('U0CAROL'), 'itential.start');
    expect(outsider.allowed).toBe(false);
  });

  it('approvers named by group are the group’s listed members', async () => {
    const need = (await policy.decide(here('U0ALICE'), 'iacm.run')).approval;
    expect(need).toBeDefined();
    if (!need) return;
    expect(await policy.isApprover('U0BOB', need)).toBe(true);
    expect(await policy.isApprover('U0CAROL', need)).toBe(false);
  });

  it('whoami lists the groups a user is in; the groups the file does not list are reported', async () => {
    expect(await policy.groupsOf('U0ALICE')).toEqual(['S0ONCALL01', 'S0BOARD001']);
    expect(await policy.groupsOf('U0CAROL')).toEqual([]);
    expect(groups.unlisted(rules)).toEqual(['S0NOBODY01']);
  });
});
