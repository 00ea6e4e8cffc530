import { ConfiguredGroups } from '../../../src/console/group-directory';
import { parseFileConfig } from '../../../src/config/file';
import { Policy } from '../../../src/core/policy/policy';

/** Rules about groups and the console's list of their members, as a config file holds them. */
const { config, problems } = parseFileConfig(
  `
policy:
  rules:
    - { name: oncall-deploys, operations: [itential.start], groups: [S0ONCALL01] }
    - name: prod-by-board
      effect: require-approval
      operations: [iacm.run]
      approvers: { groups: [S0BOARD001] }
    - { name: ghosts, operations: ['zitadel.*'], groups: [S0NOBODY01] }
console:
  groups:
    S0ONCALL01: [U0ALICE]
    S0BOARD001: [U0BOB, U0ALICE]
`,
  'flightdeck.yml',
);
const rules = config?.policy.rules ?? [];

describe('ConfiguredGroups: the console’s user groups from console.groups', () => {
  const groups = new ConfiguredGroups(config?.console.groups ?? {});

  it('the file parses', () => expect(problems).toEqual([]));
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
