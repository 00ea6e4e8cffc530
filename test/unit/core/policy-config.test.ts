import { join } from 'node:path';
import { readFileConfig, parseFileConfig, toMs } from '../../../src/config/file';
import { Policy } from '../../../src/core/policy/policy';

const problems = (yaml: string) => parseFileConfig(yaml, 'fd.yml').problems;

describe('policy config validation', () => {
  it('the example config is valid and holds every kind of rule', () => {
    const { config, problems: found } = readFileConfig(join(__dirname, '../../../flightdeck.example.yml'));
    expect(found).toEqual([]);
    expect(new Set(config?.policy.rules.map((r) => r.effect))).toEqual(
      new Set(['allow', 'deny', 'require-approval']),
    );
  });

  it('parses require-approval rules with conditions, approvers, N, expiry and channel', () => {
    const { config, problems: found } = parseFileConfig(
      `
admins: [U0ADMIN]
auditChannel: C0AUDIT
approvals:
  expiresAfter: 2h
policy:
  rules:
    - name: prod
      effect: require-approval
      operations: [itential.start]
      groups: [S0ONCALL]
      when: { workflow: 'Prod *', type: [automation, job] }
      approvers: { groups: [S0APPROVERS] }
      approvals: 2
      expiresAfter: 30m
      approvalChannel: C0APPROVALS
`,
      'fd.yml',
    );
    expect(found).toEqual([]);
    expect(config?.admins).toEqual(['U0ADMIN']);
    expect(config?.auditChannel).toBe('C0AUDIT');
    expect(config?.approvals.expiresAfter).toBe(toMs('2h'));
    expect(config?.policy.rules[0]).toEqual({
      name: 'prod',
      effect: 'require-approval',
      operations: ['itential.start'],
      users: [],
      groups: ['S0ONCALL'],
      channels: [],
      when: { workflow: ['Prod *'], type: ['automation', 'job'] },
      approvers: { users: [], groups: ['S0APPROVERS'] },
      approvals: 2,
      expiresAfter: toMs('30m'),
      approvalChannel: 'C0APPROVALS',
    });
    // The parsed rules are what Policy takes.
    expect(
      new Policy(config?.policy.rules ?? [], { memberships: async () => [], members: async () => [] })
        .configured,
    ).toBe(true);
  });

  it('defaults: no admins, no audit channel, approvals expire after 4h', () => {
    const { config } = parseFileConfig('{}', 'fd.yml');
    expect(config).toMatchObject({ admins: [], approvals: { expiresAfter: toMs('4h') } });
    expect(config?.auditChannel).toBeUndefined();
  });

  it('a require-approval rule without approvers is refused with file, path and problem', () => {
    expect(
      problems(`
policy:
  rules:
    - name: ok
      operations: ['*']
    - name: four-eyes
      effect: require-approval
      operations: ['iacm.*']
`),
    ).toEqual([
      'fd.yml: policy.rules.1.approvers: a require-approval rule must name approvers: users and/or groups',
    ]);
  });

  it('approval settings on an allow or deny rule are refused, each by its key', () => {
    expect(
      problems(`
policy:
  rules:
    - name: a
      operations: ['*']
      approvers: { users: [U0BOB] }
      approvals: 2
`),
    ).toEqual([
      'fd.yml: policy.rules.0.approvers: only applies to rules with effect require-approval (this one is allow)',
      'fd.yml: policy.rules.0.approvals: only applies to rules with effect require-approval (this one is allow)',
    ]);
  });

  it('more approvals than listed approver users cannot ever be met', () => {
    expect(
      problems(`
policy:
  rules:
    - name: two
      effect: require-approval
      operations: ['*']
      approvers: { users: [U0BOB] }
      approvals: 2
`),
    ).toEqual([
      'fd.yml: policy.rules.0.approvals: needs 2 distinct approvers but approvers lists only 1 user(s)',
    ]);
  });

  it('digest operations cannot wait for approval: such a rule stops start-up, named', () => {
    expect(
      problems(`
policy:
  rules:
    - name: four-eyes-digests
      effect: require-approval
      operations: ['itential.*', 'digest.*']
      approvers: { users: [U0BOB] }
`),
    ).toEqual([
      'fd.yml: policy.rules.0.operations.1: digest.* cannot wait for approval: a digest is scheduled or removed at once, so use effect allow or deny',
    ]);
    expect(
      problems(`
policy:
  rules:
    - name: deny-digests
      effect: deny
      operations: [digest.schedule, digest.remove]
`),
    ).toEqual([]);
  });

  it('duplicate rule names are refused: denials and the audit trail name rules', () => {
    expect(
      problems(`
policy:
  rules:
    - { name: same, operations: ['*'] }
    - { name: other, operations: ['*'] }
    - { name: same, effect: deny, operations: ['*'] }
`),
    ).toEqual([
      'fd.yml: policy.rules.2.name: "same" is already the name of rule 0; rule names must be unique',
    ]);
  });

  it('bad effects, condition keys, empty patterns, durations and ids are named precisely', () => {
    expect(
      problems(`
admins: [alice]
auditChannel: audit
policy:
  rules:
    - name: x
      effect: maybe
      operations: ['*']
    - name: y
      operations: ['*']
      when: { 'Work Flow': 'a', workflow: [], project: '' }
    - name: z
      effect: require-approval
      operations: ['*']
      approvers: { users: [U0BOB], teams: [x] }
      expiresAfter: soon
      approvalChannel: approvals
`),
    ).toEqual([
      'fd.yml: policy.rules.0.effect: must be allow, deny or require-approval',
      'fd.yml: policy.rules.1.when.Work Flow: must be a form field id like workflow, org, project or kind',
      'fd.yml: policy.rules.1.when.workflow: must list at least one pattern',
      'fd.yml: policy.rules.1.when.project: must not be empty',
      'fd.yml: policy.rules.2.approvers: unknown key(s) teams',
      'fd.yml: policy.rules.2.expiresAfter: must be a duration like 500ms, 30s, 10m, 24h or 7d',
      'fd.yml: policy.rules.2.approvalChannel: must be a Slack channel id ([CG]…)',
      'fd.yml: admins.0: must be a Slack user id ([UW]…)',
      'fd.yml: auditChannel: must be a Slack channel id ([CG]…)',
    ]);
  });
});
