import { AuditTrail } from '../../../src/core/audit/trail';
import { silentLog } from '../../../src/core/kit/log';
import { FormGate } from '../../../src/core/policy/form-gate';
import { Policy, type PolicyRule } from '../../../src/core/policy/policy';
import { rule } from '../../support/policy-rules';
import { storeBackends, type StoreFixture } from '../../support/stores';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const sqlite = storeBackends().filter((b) => b.name === 'sqlite');
const noGroups = { memberships: async () => [] };

const RULES: PolicyRule[] = [
  rule({ name: 'netops', operations: ['itential.*'], users: ['U0ALICE'] }),
  rule({ name: 'no-interns', effect: 'deny', operations: ['*'], users: ['U0INTERN'] }),
  rule({ name: 'zitadel-ops', operations: ['zitadel.*'] }),
  rule({
    name: 'no-prod-methods',
    effect: 'deny',
    operations: ['zitadel.*'],
    when: { method: ['/zitadel.admin.*'] },
  }),
];

describe.each(sqlite)('FormGate on $name', (backend) => {
  let db: StoreFixture;
  let gate: FormGate;
  beforeEach(async () => {
    db = await backend.open();
    const clock = { now: () => T0 };
    const audit = new AuditTrail({
      store: db.store,
      access: { isAdmin: () => false },
      clock,
      log: silentLog,
    });
    gate = new FormGate({ policy: new Policy(RULES, noGroups), audit, clock });
  });
  afterEach(() => db.dispose());

  const trail = () => db.store.listAudit({ limit: 10 });

  it('lets an allowed person open the form and records nothing (the launch is what gets audited)', async () => {
    const decision = await gate.mayOpen({ userId: 'U0ALICE', channelId: 'C0OPS' }, 'itential.start');
    expect(decision.allowed).toBe(true);
    expect(await trail()).toEqual([]);
  });

  it('refuses whom no rule allows and records the refusal as open/denied', async () => {
    const decision = await gate.mayOpen({ userId: 'U0BOB', channelId: 'C0OPS' }, 'itential.start');
    expect(decision.allowed).toBe(false);
    expect(await trail()).toEqual([
      expect.objectContaining({
        at: T0,
        actorId: 'U0BOB',
        channelId: 'C0OPS',
        action: 'open',
        operationId: 'itential.start',
        runId: null,
        outcome: 'denied',
        rule: null,
        detail: {},
      }),
    ]);
  });

  it('names the deny rule that refused in the record', async () => {
    const decision = await gate.mayOpen({ userId: 'U0INTERN', channelId: 'C0OPS' }, 'zitadel.set-execution');
    expect(decision).toMatchObject({ allowed: false, rule: 'no-interns' });
    expect(await trail()).toEqual([
      expect.objectContaining({ actorId: 'U0INTERN', outcome: 'denied', rule: 'no-interns' }),
    ]);
  });

  it('opens the form when a refusal depends on input not given yet, and records nothing', async () => {
    const decision = await gate.mayOpen({ userId: 'U0BOB', channelId: 'C0OPS' }, 'zitadel.set-execution');
    expect(decision.allowed).toBe(true);
    expect(await trail()).toEqual([]);
  });
});
