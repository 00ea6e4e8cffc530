import type { FormValues, Preview } from '../../../src/core/operations/contract';
import { previewRowMrkdwn } from '../../../src/slack/ui/operation-modal';
import { apply, ctx, defined, failure, firstChoice, type Harness, parseInput, startHarness } from './harness';
import { isUpstreamError, PreviewOutdatedError } from '../../../src/core/errors';

/** The preview as the confirmation modal shows it in Slack. */
const slackLines = (preview: Preview) => preview.rows.map(previewRowMrkdwn);

const LIST_SESSIONS = '/zitadel.session.v2.SessionService/ListSessions';
const SESSION_SERVICE = 'zitadel.session.v2.SessionService';

let h: Harness;
let ids: Record<'audit' | 'allow' | 'geo' | 'notify', string>;

beforeEach(async () => {
  h = await startHarness();
  ids = {
    audit: h.fake.addTarget({ name: 'audit-log' }),
    allow: h.fake.addTarget({ name: 'ip-allow-list' }),
    geo: h.fake.addTarget({ name: 'geo-block' }),
    notify: h.fake.addTarget({ name: 'notify', type: 'restAsync' }),
  };
});

afterEach(() => h.close());

const putBodies = () => h.fake.requests('SetExecution').map((r) => r.body);

describe('each condition kind, end to end against the fake', () => {
  const cases: { name: string; values: FormValues; wire: Record<string, unknown>; label: string }[] = [
    {
      name: 'request method',
      values: { kind: 'request', scope: 'method', method: LIST_SESSIONS },
      wire: { request: { method: LIST_SESSIONS } },
      label: `request method ${LIST_SESSIONS}`,
    },
    {
      name: 'request service',
      values: { kind: 'request', scope: 'service', service: SESSION_SERVICE },
      wire: { request: { service: SESSION_SERVICE } },
      label: `request service ${SESSION_SERVICE}`,
    },
    {
      name: 'request all',
      values: { kind: 'request', scope: 'all' },
      wire: { request: { all: true } },
      label: 'request (all methods)',
    },
    {
      name: 'response method',
      values: { kind: 'response', scope: 'method', method: LIST_SESSIONS },
      wire: { response: { method: LIST_SESSIONS } },
      label: `response method ${LIST_SESSIONS}`,
    },
    {
      name: 'response service',
      values: { kind: 'response', scope: 'service', service: SESSION_SERVICE },
      wire: { response: { service: SESSION_SERVICE } },
      label: `response service ${SESSION_SERVICE}`,
    },
    {
      name: 'response all',
      values: { kind: 'response', scope: 'all' },
      wire: { response: { all: true } },
      label: 'response (all methods)',
    },
    {
      name: 'function',
      values: { kind: 'function', function: 'preaccesstoken' },
      wire: { function: { name: 'preaccesstoken' } },
      label: 'function preaccesstoken',
    },
    {
      name: 'event',
      values: { kind: 'event', scope: 'event', event: 'user.human.added' },
      wire: { event: { event: 'user.human.added' } },
      label: 'event user.human.added',
    },
    {
      name: 'event group',
      values: { kind: 'event', scope: 'group', group: 'user.human' },
      wire: { event: { group: 'user.human' } },
      label: 'event group user.human',
    },
    {
      name: 'event all',
      values: { kind: 'event', scope: 'all' },
      wire: { event: { all: true } },
      label: 'event (all events)',
    },
  ];

  it.each(cases)(
    '$name: previews, sets the ordered targets and reports them',
    async ({ values, wire, label }) => {
      const { preview, result } = await apply(h.op, { ...values, targets: [ids.geo, ids.audit] });
      expect(slackLines(preview)[0]).toContain('*Condition:*');
      expect(slackLines(preview).join('\n')).toContain(
        ':heavy_plus_sign: *Added:* `geo-block` (1st), `audit-log` (2nd)',
      );
      expect(putBodies()).toEqual([{ condition: wire, targets: [ids.geo, ids.audit] }]);
      expect(h.fake.targetsOf(wire)).toEqual([ids.geo, ids.audit]);
      expect(result.observation.state).toBe('succeeded');
      expect(result.facts).toEqual(
        expect.arrayContaining([
          { label: 'Targets before', value: 'none' },
          { label: 'Targets after', value: 'geo-block → audit-log' },
          expect.objectContaining({
            label: 'Set at (Zitadel)',
            value: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          }),
        ]),
      );
      expect(result.memo).toMatchObject({ previousTargets: [], targets: [ids.geo, ids.audit] });
      const described = h.op.describe(parseInput(h.op, { ...values, targets: [ids.geo] }));
      expect(described[0]).toEqual({ label: 'Condition', value: label });
    },
  );

  it('reads the current list back through Zitadel’s normalised condition (method without its slash, group with .*)', async () => {
    h.fake.setTargets({ request: { method: LIST_SESSIONS.slice(1) } }, [ids.audit]);
    h.fake.setTargets({ event: { group: 'user.human.*' } }, [ids.notify]);
    const method = await h.op.preview(
      parseInput(h.op, { kind: 'request', scope: 'method', method: LIST_SESSIONS, targets: [ids.audit] }),
    );
    expect(slackLines(method)).toContain(
      ':white_check_mark: *No change:* the condition already calls exactly these targets, in this order.',
    );
    const group = await h.op.preview(
      parseInput(h.op, { kind: 'event', scope: 'group', group: 'user.human', targets: [] }),
    );
    expect(slackLines(group)).toContain(
      ':warning: *All targets removed:* after this change the condition calls nothing.',
    );
  });
});

describe('the diff', () => {
  const condition = { event: { event: 'user.human.added' } };
  const values = (targets: string[], extra: FormValues = {}): FormValues => ({
    kind: 'event',
    scope: 'event',
    event: 'user.human.added',
    targets,
    ...extra,
  });
  const previewOf = async (v: FormValues) => slackLines(await h.op.preview(parseInput(h.op, v))).join('\n');

  beforeEach(() => h.fake.setTargets(condition, [ids.audit, ids.allow, ids.geo]));

  it('shows the current and the new list, added targets with their position, and removed ones', async () => {
    const lines = await previewOf(values([ids.audit, ids.notify, ids.geo]));
    expect(lines).toContain('*Now:* 1. `audit-log` → 2. `ip-allow-list` → 3. `geo-block`');
    expect(lines).toContain('*After:* 1. `audit-log` → 2. `notify` → 3. `geo-block`');
    expect(lines).toContain(':heavy_plus_sign: *Added:* `notify` (2nd)');
    expect(lines).toContain(':heavy_minus_sign: *Removed:* `ip-allow-list`');
    expect(lines).not.toContain('Reordered');
  });

  it('names only the targets that moved relative to the others', async () => {
    const lines = await previewOf(values([ids.geo, ids.audit, ids.allow]));
    expect(lines).toContain(':twisted_rightwards_arrows: *Reordered:* `geo-block` (3rd → 1st)');
    expect(lines).not.toContain('Added');
    expect(lines).not.toContain('Removed');
  });

  it('shows removing every target as such, and the PUT sends an empty list that clears the condition', async () => {
    const { preview } = await apply(h.op, values([]));
    expect(slackLines(preview)).toContain('*After:* _no targets_');
    expect(slackLines(preview)).toContain(
      ':warning: *All targets removed:* after this change the condition calls nothing.',
    );
    expect(slackLines(preview).join('\n')).toContain(
      ':heavy_minus_sign: *Removed:* `audit-log`, `ip-allow-list`, `geo-block`',
    );
    expect(putBodies()).toEqual([{ condition, targets: [] }]);
    expect(h.fake.targetsOf(condition)).toEqual([]);
    expect(h.fake.executions()).toEqual([]);
  });

  it('says when nothing changes', async () => {
    const lines = await previewOf(values([ids.audit, ids.allow, ids.geo]));
    expect(lines).toContain(':white_check_mark: *No change:*');
    expect(lines).not.toMatch(/Added|Removed|Reordered|All targets removed/);
  });

  it('shows a Slack-looking target name escaped, as words and never as a ping or a link', async () => {
    const hostile = h.fake.addTarget({ name: '<!channel> & <https://evil.example|x>' });
    const preview = await h.op.preview(parseInput(h.op, values([hostile])));
    const shown = slackLines(preview).join('\n');
    expect(shown).toContain('`&lt;!channel&gt; &amp; &lt;https://evil.example|x&gt;` (1st)');
    expect(shown).not.toContain('<!channel>');
    expect(preview.rows).toContainEqual(
      expect.objectContaining({
        label: 'Added',
        value: expect.arrayContaining([{ kind: 'code', text: '<!channel> & <https://evil.example|x>' }]),
      }),
    );
  });

  it('adds the id when two targets share a name, and flags ids Zitadel does not know', async () => {
    const twin = h.fake.addTarget({ name: 'audit-log' });
    const lines = await previewOf(values([ids.audit, twin, '999']));
    expect(lines).toContain(`\`audit-log\` (\`${twin}\`) (2nd)`);
    expect(lines).toContain(`1. \`audit-log\` (\`${ids.audit}\`)`);
    expect(lines).toContain('unknown target (`999`) (3rd)');
    expect(lines).toContain(
      ':warning: *Not in Zitadel’s target list* (deleted?): `999`. Zitadel will refuse this change.',
    );
  });

  it('escapes target names so they cannot break out of mrkdwn', async () => {
    const odd = h.fake.addTarget({ name: '<!channel> `x` & co' });
    const lines = await previewOf(values([odd]));
    expect(lines).toContain("`&lt;!channel&gt; 'x' &amp; co`");
    expect(lines).not.toContain('<!channel>');
  });

  it('keeps a fingerprint that changes with the current list and with the requested one', async () => {
    const a = await h.op.preview(parseInput(h.op, values([ids.audit])));
    const same = await h.op.preview(parseInput(h.op, values([ids.audit])));
    const other = await h.op.preview(parseInput(h.op, values([ids.geo])));
    h.fake.setTargets(condition, [ids.audit]);
    const moved = await h.op.preview(parseInput(h.op, values([ids.audit])));
    expect(same.fingerprint).toBe(a.fingerprint);
    expect(other.fingerprint).not.toBe(a.fingerprint);
    expect(moved.fingerprint).not.toBe(a.fingerprint);
  });
});

describe('include and order', () => {
  const included = { request: { method: LIST_SESSIONS } };
  const base: FormValues = { kind: 'function', function: 'preuserinfo' };

  beforeEach(() => h.fake.setTargets(included, [ids.allow, ids.geo]));

  it('appends the included execution’s targets after the chosen ones, without duplicates', async () => {
    const choice = await firstChoice(h.op.search('include', 'ListSessions', {}));
    expect(choice).toEqual({
      value: `request:method:${LIST_SESSIONS.slice(1)}`,
      label: `request method ${LIST_SESSIONS}`,
      description: '2 targets',
    });
    const { input, preview } = await apply(h.op, {
      ...base,
      targets: [ids.geo, ids.audit],
      include: choice.value,
    });
    expect(h.op.describe(input)).toContainEqual({
      label: 'Include targets of',
      value: `request method ${LIST_SESSIONS.slice(1)}`,
    });
    expect(putBodies()).toEqual([
      { condition: { function: { name: 'preuserinfo' } }, targets: [ids.geo, ids.audit, ids.allow] },
    ]);
    expect(slackLines(preview)).toContain(
      `:link: *Included from* request method \`${LIST_SESSIONS}\`: \`ip-allow-list\`, \`geo-block\``,
    );
  });

  it('includes alone (no chosen targets) copy the other execution’s list', async () => {
    const choice = await firstChoice(h.op.search('include', '', {}));
    await apply(h.op, { ...base, include: choice.value });
    expect(h.fake.targetsOf({ function: { name: 'preuserinfo' } })).toEqual([ids.allow, ids.geo]);
  });

  it('an include whose execution lost its targets is a field error, not a silent empty list', async () => {
    const choice = await firstChoice(h.op.search('include', '', {}));
    h.fake.setTargets(included, []);
    const input = parseInput(h.op, { ...base, targets: [ids.audit], include: choice.value });
    expect(await h.op.validate(input, 1000)).toEqual({
      include: expect.stringContaining('no targets in Zitadel any more'),
    });
    const err = await failure(h.op.preview(input));
    expect(isUpstreamError(err) && err.upstreamCode).toBe('INVALID_ARGUMENT');
    expect(putBodies()).toEqual([]);
  });

  it('puts the targets named in "order" first, in that order, over chosen and included ones', async () => {
    const choice = await firstChoice(h.op.search('include', '', {}));
    await apply(h.op, {
      ...base,
      targets: [ids.audit, ids.notify],
      include: choice.value,
      order: 'geo-block, NOTIFY',
    });
    expect(h.fake.targetsOf({ function: { name: 'preuserinfo' } })).toEqual([
      ids.geo,
      ids.notify,
      ids.audit,
      ids.allow,
    ]);
  });

  it('accepts ids in "order" and rejects names that are not chosen or that are ambiguous', async () => {
    const twin = h.fake.addTarget({ name: 'audit-log' });
    const check = (targets: string[], order: string) =>
      h.op.validate(parseInput(h.op, { ...base, targets, order }), 1000);
    expect(await check([ids.audit, ids.geo], `${ids.geo}`)).toBeUndefined();
    expect(await check([ids.audit], 'geo-block')).toEqual({
      order: '"geo-block" is not one of the chosen or included targets.',
    });
    expect(await check([ids.audit, twin], 'audit-log')).toEqual({
      order: '"audit-log" names 2 targets; use the target id instead.',
    });
    expect(await check([ids.audit, twin], twin)).toBeUndefined();
  });

  it('validate reports chosen targets that Zitadel does not know', async () => {
    expect(await h.op.validate(parseInput(h.op, { ...base, targets: [ids.audit, '424242'] }), 1000)).toEqual({
      targets: 'Not in Zitadel’s target list: unknown target (424242). Pick the targets again.',
    });
  });
});

describe('revert', () => {
  const condition = { response: { service: SESSION_SERVICE } };
  const values = (targets: string[]): FormValues => ({
    kind: 'response',
    scope: 'service',
    service: SESSION_SERVICE,
    targets,
  });

  it('gives the input that restores the previous list, which previews and applies like any change', async () => {
    h.fake.setTargets(condition, [ids.audit, ids.allow]);
    const { input, result } = await apply(h.op, values([ids.geo]));
    expect(h.fake.targetsOf(condition)).toEqual([ids.geo]);
    const revert = h.op.revertInput({
      upstreamId: result.upstreamId,
      input,
      memo: JSON.parse(JSON.stringify(result.memo)) as Record<string, unknown>,
    });
    expect(revert).toEqual({
      kind: 'response',
      scope: 'service',
      service: SESSION_SERVICE,
      targets: [ids.audit, ids.allow],
    });
    expect(parseInput(h.op, revert as FormValues)).toEqual(revert);
    const preview = await h.op.preview(revert);
    expect(slackLines(preview).join('\n')).toContain(
      ':heavy_plus_sign: *Added:* `audit-log` (1st), `ip-allow-list` (2nd)',
    );
    expect(slackLines(preview).join('\n')).toContain(':heavy_minus_sign: *Removed:* `geo-block`');
    await h.op.start(revert, ctx('run-2'), preview.fingerprint);
    expect(h.fake.targetsOf(condition)).toEqual([ids.audit, ids.allow]);
  });

  it('reverting a first-time set removes the targets again; include and order are not replayed', async () => {
    h.fake.setTargets({ event: { all: true } }, [ids.notify]);
    const { input, result } = await apply(h.op, {
      ...values([ids.geo]),
      include: 'event:all',
      order: 'notify',
    });
    expect(h.fake.targetsOf(condition)).toEqual([ids.notify, ids.geo]);
    const revert = h.op.revertInput({ upstreamId: result.upstreamId, input, memo: result.memo });
    expect(revert).toEqual({ kind: 'response', scope: 'service', service: SESSION_SERVICE, targets: [] });
    const preview = await h.op.preview(revert);
    expect(slackLines(preview)).toContain(
      ':warning: *All targets removed:* after this change the condition calls nothing.',
    );
  });

  it('has no revert without a memo of the previous list', () => {
    const input = parseInput(h.op, values([ids.geo]));
    expect(h.op.revertInput({ upstreamId: 'x', input, memo: {} })).toBeUndefined();
    expect(
      h.op.revertInput({ upstreamId: 'x', input: { junk: true }, memo: { previousTargets: [] } }),
    ).toBeUndefined();
  });
});

describe('two people changing the same condition', () => {
  const condition = { request: { method: LIST_SESSIONS } };
  const values: FormValues = { kind: 'request', scope: 'method', method: LIST_SESSIONS };

  it('a change between preview and confirm sends back the new diff and writes nothing', async () => {
    h.fake.setTargets(condition, [ids.allow]);
    const input = parseInput(h.op, { ...values, targets: [ids.audit] });
    const seen = await h.op.preview(input);
    h.fake.setTargets(condition, [ids.allow, ids.geo]);
    const err = await failure(h.op.start(input, ctx(), seen.fingerprint));
    expect(err).toBeInstanceOf(PreviewOutdatedError);
    const fresh = (err as PreviewOutdatedError).preview;
    expect(fresh.fingerprint).not.toBe(seen.fingerprint);
    expect(slackLines(fresh).join('\n')).toContain(
      ':heavy_minus_sign: *Removed:* `ip-allow-list`, `geo-block`',
    );
    expect(putBodies()).toEqual([]);
    expect(h.fake.targetsOf(condition)).toEqual([ids.allow, ids.geo]);
    await h.op.start(input, ctx(), fresh.fingerprint);
    expect(h.fake.targetsOf(condition)).toEqual([ids.audit]);
  });

  it('an included execution changing in between also counts as a change', async () => {
    h.fake.setTargets({ event: { all: true } }, [ids.notify]);
    const input = parseInput(h.op, {
      kind: 'function',
      function: 'preaccesstoken',
      targets: [ids.audit],
      include: 'event:all',
    });
    const seen = await h.op.preview(input);
    h.fake.setTargets({ event: { all: true } }, [ids.geo]);
    expect(await failure(h.op.start(input, ctx(), seen.fingerprint))).toBeInstanceOf(PreviewOutdatedError);
    expect(putBodies()).toEqual([]);
  });

  it('two confirmed starts from the same preview at once: one writes, the other gets the new diff', async () => {
    h.fake.setTargets(condition, [ids.allow]);
    const mine = parseInput(h.op, { ...values, targets: [ids.audit] });
    const theirs = parseInput(h.op, { ...values, targets: [ids.geo] });
    const [myPreview, theirPreview] = await Promise.all([h.op.preview(mine), h.op.preview(theirs)]);
    h.fake.inject('SetExecution', { kind: 'delay', ms: 150 });
    const outcomes = await Promise.allSettled([
      h.op.start(mine, ctx('run-a'), myPreview.fingerprint),
      h.op.start(theirs, ctx('run-b'), theirPreview.fingerprint),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    const second = outcomes[1];
    expect(second?.status === 'rejected' && second.reason).toBeInstanceOf(PreviewOutdatedError);
    expect(putBodies()).toHaveLength(1);
    expect(h.fake.targetsOf(condition)).toEqual([ids.audit]);
  });

  it('a start without a confirmed preview is refused with a preview to confirm', async () => {
    const input = parseInput(h.op, { ...values, targets: [ids.audit] });
    const err = await failure(h.op.start(input, ctx(), undefined));
    expect(err).toBeInstanceOf(PreviewOutdatedError);
    expect(putBodies()).toEqual([]);
  });
});

describe('retries and lost answers on SetExecution', () => {
  const condition = { event: { event: 'user.human.added' } };
  const values: FormValues = { kind: 'event', scope: 'event', event: 'user.human.added' };

  it('retries a transient code after re-reading the condition', async () => {
    h.fake.inject('SetExecution', {
      kind: 'grpc',
      code: 14,
      message: 'upstream connect error',
      errorId: 'GW-1',
    });
    await apply(h.op, { ...values, targets: [ids.audit] });
    expect(putBodies()).toHaveLength(2);
    expect(h.fake.targetsOf(condition)).toEqual([ids.audit]);
  });

  it('a deadline that passed after the write landed is recognised on re-read, with the right previous list', async () => {
    h.fake.setTargets(condition, [ids.geo]);
    h.fake.inject('SetExecution', {
      kind: 'grpc',
      code: 4,
      message: 'context deadline exceeded',
      afterApplying: true,
    });
    const { result } = await apply(h.op, { ...values, targets: [ids.audit] });
    expect(putBodies()).toHaveLength(1);
    expect(result.memo).toMatchObject({ previousTargets: [ids.geo], targets: [ids.audit] });
    expect(result.observation.detail).toBe('1 added, 1 removed');
  });

  it('does not retry a lost answer; recover finds the change applied (without a revert)', async () => {
    h.fake.inject('SetExecution', { kind: 'reset', afterApplying: true });
    const input = parseInput(h.op, { ...values, targets: [ids.audit] });
    const preview = await h.op.preview(input);
    const err = await failure(h.op.start(input, ctx(), preview.fingerprint));
    expect(isUpstreamError(err) && { kind: err.kind, ambiguous: err.ambiguous }).toEqual({
      kind: 'network',
      ambiguous: true,
    });
    expect(putBodies()).toHaveLength(1);
    const recovered = defined(await h.op.recover(input, ctx()));
    expect(recovered.observation.state).toBe('succeeded');
    expect(recovered.facts).toContainEqual({
      label: 'Targets before',
      value: 'unknown (Zitadel’s answer was lost)',
    });
    expect(
      h.op.revertInput({ upstreamId: recovered.upstreamId, input, memo: recovered.memo }),
    ).toBeUndefined();
  });

  it('recover finds nothing when the change did not land', async () => {
    const input = parseInput(h.op, { ...values, targets: [ids.audit] });
    expect(await h.op.recover(input, ctx())).toBeUndefined();
  });
});
