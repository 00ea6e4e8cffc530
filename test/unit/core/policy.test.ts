import {
  matchesOperation,
  Policy,
  type MembershipDirectory,
  type PolicyRule,
} from '../../../src/core/policy';

const directory = (groups: Record<string, string[]>): MembershipDirectory & { calls: number } => {
  const dir = {
    calls: 0,
    async memberships(userId: string, candidates: string[]) {
      dir.calls += 1;
      return candidates.filter((g) => groups[g]?.includes(userId));
    },
  };
  return dir;
};

const rule = (r: Partial<PolicyRule> & Pick<PolicyRule, 'name' | 'operations'>): PolicyRule => ({
  effect: 'allow',
  users: [],
  groups: [],
  channels: [],
  ...r,
});

describe('Policy', () => {
  it('allows everything when no rule exists', async () => {
    const d = await new Policy([], directory({})).decide({ userId: 'U1', channelId: 'C1' }, 'itential.start');
    expect(d.allowed).toBe(true);
    expect(d.reason).toContain('No policy');
  });

  it('denies by default once a rule exists, naming rules that would allow it and their contacts', async () => {
    const policy = new Policy(
      [
        rule({
          name: 'netops',
          operations: ['itential.*'],
          groups: ['S1'],
          channels: ['C9'],
          contact: '#netops-leads',
        }),
      ],
      directory({ S1: ['U2'] }),
    );
    const d = await policy.decide({ userId: 'U1', channelId: 'C1' }, 'itential.start');
    expect(d).toMatchObject({ allowed: false, contacts: ['#netops-leads'] });
    expect(d.reason).toContain('"netops" (<!subteam^S1> in <#C9>)');
  });

  it('allows by user, by group membership, and only in the listed channels', async () => {
    const policy = new Policy(
      [
        rule({ name: 'alice', operations: ['itential.start'], users: ['U1'] }),
        rule({ name: 'sre', operations: ['*'], groups: ['S1'], channels: ['C1'] }),
      ],
      directory({ S1: ['U2'] }),
    );
    expect(await policy.decide({ userId: 'U1', channelId: 'C7' }, 'itential.start')).toMatchObject({
      allowed: true,
      rule: 'alice',
    });
    expect(await policy.decide({ userId: 'U2', channelId: 'C1' }, 'iacm.run')).toMatchObject({
      allowed: true,
      rule: 'sre',
    });
    expect(await policy.decide({ userId: 'U2', channelId: 'C2' }, 'iacm.run')).toMatchObject({
      allowed: false,
    });
  });

  it('lets a matching deny win over an allow and names it', async () => {
    const policy = new Policy(
      [
        rule({ name: 'everyone', operations: ['*'] }),
        rule({
          name: 'no-zitadel-for-U3',
          effect: 'deny',
          operations: ['zitadel.*'],
          users: ['U3'],
          contact: '@iam',
        }),
      ],
      directory({}),
    );
    const d = await policy.decide({ userId: 'U3', channelId: 'C1' }, 'zitadel.set-execution');
    expect(d).toMatchObject({ allowed: false, rule: 'no-zitadel-for-U3', contacts: ['@iam'] });
    expect(await policy.decide({ userId: 'U4', channelId: 'C1' }, 'zitadel.set-execution')).toMatchObject({
      allowed: true,
    });
  });

  it('does not ask the directory when no candidate rule names a group', async () => {
    const dir = directory({});
    await new Policy([rule({ name: 'a', operations: ['*'], users: ['U1'] })], dir).decide(
      { userId: 'U1', channelId: 'C' },
      'x.y',
    );
    expect(dir.calls).toBe(0);
  });

  it('matches operation patterns', () => {
    expect(matchesOperation('*', 'a.b')).toBe(true);
    expect(matchesOperation('a.*', 'a.b')).toBe(true);
    expect(matchesOperation('a.*', 'ab.c')).toBe(false);
    expect(matchesOperation('a.b', 'a.b')).toBe(true);
    expect(matchesOperation('a.b', 'a.bc')).toBe(false);
  });
});
