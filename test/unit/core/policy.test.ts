import { matchesOperation, Policy, type MembershipDirectory } from '../../../src/core/policy/policy';
import { mrkdwnText as slack } from '../../../src/slack/ui/text';
import { rule } from '../../support/policy-rules';

const directory = (groups: Record<string, string[]>): MembershipDirectory & { calls: number } => {
  const dir = {
    calls: 0,
    async memberships(userId: string, candidates: string[]) {
      dir.calls += 1;
      return candidates.filter((g) => groups[g]?.includes(userId));
    },
    async members(candidates: string[]) {
      return [...new Set(candidates.flatMap((g) => groups[g] ?? []))];
    },
  };
  return dir;
};

describe('Policy', () => {
  it('allows everything when no rule exists', async () => {
    const d = await new Policy([], directory({})).decide({ userId: 'U1', channelId: 'C1' }, 'itential.start');
    expect(d.allowed).toBe(true);
    expect(slack(d.reason)).toContain('No policy');
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
    expect(slack(d.reason)).toContain('"netops" (<!subteam^S1> in <#C9>)');
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

  it('`*` means every run operation, not digest management, which rules name', () => {
    expect(matchesOperation('*', 'digest.schedule')).toBe(false);
    expect(matchesOperation('digest.*', 'digest.remove')).toBe(true);
    expect(matchesOperation('digest.remove', 'digest.remove')).toBe(true);
  });
});

describe('Policy: digest management', () => {
  const subject = { userId: 'U1', channelId: 'C1' };
  const owner = (creatorId: string, isAdmin = false) => ({ creatorId, isAdmin });

  it('without digest rules: anyone schedules; the creator or an admin removes; runs stay open', async () => {
    const policy = new Policy(
      [rule({ name: 'deny-prod', effect: 'deny', operations: ['*'] })],
      directory({}),
    );
    expect((await policy.decideDigest(subject, 'digest.schedule', {})).allowed).toBe(true);
    expect((await policy.decideDigest(subject, 'digest.remove', {}, owner('U1'))).allowed).toBe(true);
    expect((await policy.decideDigest(subject, 'digest.remove', {}, owner('U2', true))).allowed).toBe(true);
    const refused = await policy.decideDigest(subject, 'digest.remove', {}, owner('U2'));
    expect(refused.allowed).toBe(false);
    expect(slack(refused.reason)).toBe(
      'Only whoever scheduled it (<@U2>) or a Flightdeck admin may remove a digest.',
    );
    expect(refused.reason).toContainEqual({ kind: 'user', id: 'U2' });
    const digestOnly = new Policy(
      [rule({ name: 'd', effect: 'deny', operations: ['digest.*'] })],
      directory({}),
    );
    expect(digestOnly.configured).toBe(false);
    expect((await digestOnly.decide(subject, 'itential.start')).allowed).toBe(true);
  });

  it('deny rules take away, even from the creator; allow rules add to whoever may remove', async () => {
    const policy = new Policy(
      [
        rule({ name: 'no-u1', effect: 'deny', operations: ['digest.*'], users: ['U1'] }),
        rule({ name: 'tidy', operations: ['digest.remove'], users: ['U3'] }),
      ],
      directory({}),
    );
    expect(await policy.decideDigest(subject, 'digest.remove', {}, owner('U1'))).toMatchObject({
      allowed: false,
      rule: 'no-u1',
    });
    expect(await policy.decideDigest(subject, 'digest.schedule', {})).toMatchObject({ allowed: false });
    const u3 = { userId: 'U3', channelId: 'C1' };
    expect(await policy.decideDigest(u3, 'digest.remove', {}, owner('U2'))).toMatchObject({
      allowed: true,
      rule: 'tidy',
    });
    expect((await policy.decideDigest(u3, 'digest.schedule', {})).allowed).toBe(true);
  });

  it('an allow rule naming digest.schedule limits scheduling to whom it names, with conditions on the schedule', async () => {
    const policy = new Policy(
      [rule({ name: 'daily-only', operations: ['digest.schedule'], when: { cron: ['0 9 * * *'] } })],
      directory({}),
    );
    expect((await policy.decideDigest(subject, 'digest.schedule', { cron: '0 9 * * *' })).allowed).toBe(true);
    const hourly = await policy.decideDigest(subject, 'digest.schedule', { cron: '0 * * * *' });
    expect(hourly.allowed).toBe(false);
    expect(slack(hourly.reason)).toContain('No rule allows `digest.schedule` to you');
  });
});

describe('Policy: conditions on arguments and approvals', () => {
  const approvers = { users: [], groups: ['SAPPR'] };
  const policy = new Policy(
    [
      rule({
        name: 'oncall-backups',
        operations: ['itential.start'],
        groups: ['SONCALL'],
        when: { workflow: ['Backup *'] },
      }),
      rule({
        name: 'prod-needs-approval',
        effect: 'require-approval',
        operations: ['itential.start'],
        groups: ['SONCALL'],
        when: { workflow: ['Prod*'] },
        approvers,
        approvals: 2,
        expiresAfter: 60_000,
        approvalChannel: 'CAPPR',
        contact: '#change-board',
      }),
      rule({
        name: 'no-wipe',
        effect: 'deny',
        operations: ['*'],
        when: { workflow: ['*wipe*'] },
        contact: '@sec',
      }),
      rule({
        name: 'zitadel-readers',
        operations: ['zitadel.*'],
        users: ['U9'],
        when: { kind: ['event', 'function'] },
      }),
      rule({ name: 'targets', operations: ['zitadel.*'], users: ['U8'], when: { targets: ['audit-*'] } }),
    ],
    directory({ SONCALL: ['U1', 'U2'], SAPPR: ['U2', 'U3'] }),
    { defaultExpiresAfterMs: 3_600_000 },
  );
  const u1 = { userId: 'U1', channelId: 'C1' };

  it('allows one workflow and asks approval for another, matching globs case-insensitively', async () => {
    expect(await policy.decide(u1, 'itential.start', { workflow: 'backup devices' })).toMatchObject({
      allowed: true,
      rule: 'oncall-backups',
    });
    const d = await policy.decide(u1, 'itential.start', { workflow: 'Prod Push' });
    expect(d).toMatchObject({
      allowed: true,
      rule: 'prod-needs-approval',
      contacts: ['#change-board'],
      approval: {
        rule: 'prod-needs-approval',
        approvers,
        approvals: 2,
        expiresAfterMs: 60_000,
        channelId: 'CAPPR',
      },
    });
    expect(slack(d.reason)).toBe('Rule "prod-needs-approval" needs 2 approvals from <!subteam^SAPPR>.');
  });

  it('denies what no rule allows for these arguments, and a matching deny wins with its condition named', async () => {
    const other = await policy.decide(u1, 'itential.start', { workflow: 'Other' });
    expect(other.allowed).toBe(false);
    expect(slack(other.reason)).toContain('with these arguments');
    expect(slack(other.reason)).toContain(
      '"oncall-backups" (<!subteam^SONCALL>, when `workflow` is `Backup *`)',
    );
    expect(other.contacts).toEqual(['#change-board']);
    const wipe = await policy.decide(u1, 'itential.start', { workflow: 'Prod wipe' });
    expect(wipe).toMatchObject({ allowed: false, rule: 'no-wipe', contacts: ['@sec'] });
    expect(slack(wipe.reason)).toContain('when `workflow` is `*wipe*`');
  });

  it('at command time (no input) refuses only what is refused for every argument', async () => {
    expect(await policy.decide(u1, 'itential.start')).toMatchObject({ allowed: true });
    expect(await policy.decide({ userId: 'U7', channelId: 'C1' }, 'itential.start')).toMatchObject({
      allowed: false,
    });
  });

  it('a key the input lacks, or a value that is not text, never matches', async () => {
    expect((await policy.decide(u1, 'itential.start', {})).allowed).toBe(false);
    expect((await policy.decide(u1, 'itential.start', { workflow: { name: 'Backup x' } })).allowed).toBe(
      false,
    );
    expect(
      await policy.decide({ userId: 'U9', channelId: 'C' }, 'zitadel.set-execution', { kind: 'EVENT' }),
    ).toMatchObject({
      allowed: true,
    });
  });

  it('a list value must match every item to allow, any item to deny', async () => {
    const u8 = { userId: 'U8', channelId: 'C' };
    expect(
      (await policy.decide(u8, 'zitadel.set-execution', { targets: ['audit-a', 'audit-b'] })).allowed,
    ).toBe(true);
    expect(
      (await policy.decide(u8, 'zitadel.set-execution', { targets: ['audit-a', 'other'] })).allowed,
    ).toBe(false);
    expect((await policy.decide(u8, 'zitadel.set-execution', { targets: [] })).allowed).toBe(false);
    const denyAny = new Policy(
      [
        rule({ name: 'all', operations: ['*'] }),
        rule({ name: 'no-x', effect: 'deny', operations: ['*'], when: { targets: ['x'] } }),
      ],
      directory({}),
    );
    expect((await denyAny.decide(u8, 'z.s', { targets: ['a', 'x'] })).rule).toBe('no-x');
  });

  it('explains per operation for whoami and can-i: yes, with approval, only when, no', async () => {
    const conditional = await policy.outlook(u1, 'itential.start');
    expect(conditional.verdict).toBe('conditional');
    expect(slack(conditional.summary)).toBe(
      'Only: when `workflow` is `Backup *` (rule "oncall-backups"); needs 2 approvals from <!subteam^SAPPR> when `workflow` is `Prod*` (rule "prod-needs-approval"); never when `workflow` is `*wipe*` (rule "no-wipe").',
    );
    const approval = await policy.outlook(u1, 'itential.start', { workflow: 'Prod x' });
    expect(approval.verdict).toBe('approval');
    expect(slack(approval.summary)).toBe(
      'Yes, with 2 approvals from <!subteam^SAPPR> (rule "prod-needs-approval").',
    );
    expect(await policy.outlook(u1, 'itential.start', { workflow: 'Backup all' })).toMatchObject({
      verdict: 'yes',
    });
    const wipe = await policy.outlook(u1, 'itential.start', { workflow: 'wipe' });
    expect(wipe.verdict).toBe('no');
    expect(slack(wipe.summary)).toBe('No, by rule "no-wipe".');
    const nobody = await policy.outlook({ userId: 'U7', channelId: 'C1' }, 'itential.start');
    expect(nobody.verdict).toBe('no');
    expect(slack(nobody.summary)).toContain('No rule allows `itential.start` to you');
  });

  it('can-i keys not given stay open; given keys decide', async () => {
    const twoKeys = new Policy(
      [rule({ name: 'prod-infra', operations: ['iacm.run'], when: { org: ['prod'], project: ['infra'] } })],
      directory({}),
    );
    const s = { userId: 'U1', channelId: 'C' };
    expect((await twoKeys.outlook(s, 'iacm.run', { org: 'prod' })).verdict).toBe('conditional');
    expect((await twoKeys.outlook(s, 'iacm.run', { org: 'prod', project: 'infra' })).verdict).toBe('yes');
    expect((await twoKeys.outlook(s, 'iacm.run', { org: 'dev' })).verdict).toBe('no');
  });

  it('an unconditional approval rule decides at command time too, with the default expiry', async () => {
    const p = new Policy(
      [
        rule({
          name: 'four-eyes',
          effect: 'require-approval',
          operations: ['*'],
          approvers: { users: ['U3'], groups: [] },
        }),
      ],
      directory({}),
    );
    const d = await p.decide(u1, 'iacm.run');
    expect(d).toMatchObject({ allowed: true, approval: { approvals: 1, expiresAfterMs: 4 * 3_600_000 } });
    expect(d.approval?.channelId).toBeUndefined();
  });

  it('knows approvers by user and by group, and the groups a user is in', async () => {
    const need = {
      rule: 'r',
      approvers: { users: ['U9'], groups: ['SAPPR'] },
      approvals: 1,
      expiresAfterMs: 1,
    };
    expect(await policy.isApprover('U9', need)).toBe(true);
    expect(await policy.isApprover('U3', need)).toBe(true);
    expect(await policy.isApprover('U1', need)).toBe(false);
    expect(await policy.groupsOf('U2')).toEqual(['SONCALL', 'SAPPR']);
    expect(await policy.groupsOf('U7')).toEqual([]);
  });

  describe('deciders', () => {
    const policy = new Policy(
      [
        rule({ name: 'leads', operations: ['itential.task'], users: ['U1', 'U4'], groups: ['S1'] }),
        rule({ name: 'not-u4', effect: 'deny', operations: ['itential.task'], users: ['U4'] }),
        rule({
          name: 'u5-asks',
          effect: 'require-approval',
          operations: ['itential.task'],
          users: ['U5'],
          approvers: { users: ['U1'], groups: [] },
        }),
        rule({ name: 'u5-too', operations: ['itential.task'], users: ['U5'] }),
        rule({ name: 'elsewhere', operations: ['itential.task'], users: ['U6'], channels: ['C9'] }),
        rule({
          name: 'prod-only',
          operations: ['itential.task'],
          users: ['U7'],
          when: { workflow: ['Prod *'] },
        }),
        rule({ name: 'anyone-backups', operations: ['iacm.approve'], when: { workflow: ['Backup *'] } }),
      ],
      directory({ S1: ['U2', 'U3'] }),
    );

    it('lists the people and group members allowed at once, as their own click would be decided', async () => {
      expect(await policy.deciders('C1', 'itential.task', { workflow: 'Change' })).toEqual({
        anyone: false,
        userIds: ['U1', 'U2', 'U3'],
      });
      expect(await policy.deciders('C9', 'itential.task', { workflow: 'Prod push' })).toEqual({
        anyone: false,
        userIds: ['U1', 'U6', 'U7', 'U2', 'U3'],
      });
    });

    it('says anyone when a rule that holds names nobody, or no policy is configured', async () => {
      expect(await policy.deciders('C1', 'iacm.approve', { workflow: 'Backup all' })).toEqual({
        anyone: true,
      });
      expect(await policy.deciders('C1', 'iacm.approve', { workflow: 'Other' })).toEqual({
        anyone: false,
        userIds: [],
      });
      expect(await new Policy([], directory({})).deciders('C1', 'itential.task', {})).toEqual({
        anyone: true,
      });
    });
  });
});
