import { FakeZitadel } from '../fakes/zitadel';
import { waitFor, type FakeView } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { storeBackends } from '../support/stores';
import { upstreamBotPerTest } from '../support/upstream-bot';
import { zitadelConditionForm } from '../support/zitadel-form';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const CAROL = 'U0CAROL';
const HUMAN_ADDED = { event: { event: 'user.human.added' } };

const POLICY = `
policy:
  rules:
    - name: iam-admins
      operations: ['zitadel.*']
      users: [U0ALICE, U0BOB]
      contact: '@iam-oncall'
`;

describe.each(storeBackends())('Zitadel end to end on $name', (backend) => {
  let zitadel: FakeZitadel;
  let h: Harness;
  let audit: string;
  let slackHook: string;
  let pager: string;

  const bot = upstreamBotPerTest(backend, {
    fake: () => FakeZitadel.start(),
    bot: (fake) => ({ configYaml: POLICY, env: { ZITADEL_BASE_URL: fake.url, ZITADEL_TOKEN: fake.token } }),
  });
  beforeEach(() => {
    ({ fake: zitadel, h } = bot);
    audit = zitadel.addTarget({ name: 'audit-log' });
    slackHook = zitadel.addTarget({ name: 'slack-hook' });
    pager = zitadel.addTarget({ name: 'pager' });
  });

  /** The form with an event condition filled in, as a person would fill it. */
  const openEventForm = () => openForm('event', 'event');

  async function previewOf(view: FakeView, targets: string[], names: string[]): Promise<FakeView> {
    const sub = await h.driver.viewSubmission(
      view,
      {
        kind: 'event',
        scope: 'event',
        event: 'user.human.added',
        targets: targets.map((value, i) => ({ value, text: names[i] ?? value })),
      },
      ALICE,
    );
    expect(sub.body).toMatchObject({ response_action: 'update', view: { callback_id: 'fd.preview' } });
    return waitFor(() => {
      const v = h.slack.openStack(ALICE).at(-1);
      return v && v.callback_id === 'fd.preview' && v.submit ? v : undefined;
    }, 3000);
  }

  async function confirm(preview: FakeView): Promise<FakeView> {
    const sub = await h.driver.viewSubmission(preview, {}, ALICE);
    expect(sub.status).toBe(200);
    return waitFor(() => {
      const v = h.slack.view(preview.id);
      return v &&
        !JSON.stringify(v.blocks).includes('Reading the current state') &&
        v.callback_id !== 'fd.preview'
        ? v
        : undefined;
    }, 3000).catch(() => h.slack.view(preview.id) as FakeView);
  }

  it('shows the diff, sets the execution on confirm, records it in the thread, and reverts with the same flow', async () => {
    zitadel.setTargets(HUMAN_ADDED, [audit, pager]);
    const form = await openEventForm();
    const preview = await previewOf(form, [slackHook, audit], ['slack-hook', 'audit-log']);
    const diff = blocksText(preview);
    expect(diff).toContain('slack-hook');
    expect(diff).toMatch(/[Aa]dded/);
    expect(diff).toMatch(/[Rr]emoved[^\n]*pager|pager[^\n]*removed/);
    expect(zitadel.requests('SetExecution')).toHaveLength(0);

    const done = await confirm(preview);
    expect(blocksText(done)).toContain('Done');
    expect(zitadel.targetsOf(HUMAN_ADDED)).toEqual([slackHook, audit]);
    expect(zitadel.requests('SetExecution')).toHaveLength(1);

    const parent = await h.parentOf(CHANNEL);
    const texts = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
    expect(texts.join('\n')).toContain('<@U0ALICE>');
    const parentText = blocksText(parent);
    expect(parentText).toMatch(/Set at/);
    expect(JSON.stringify(parent.blocks)).toContain('fd.run.revert');

    const before = h.slack.openedViews().length;
    await h.driver.blockAction({
      user: ALICE,
      actionId: 'fd.run.revert',
      channelId: CHANNEL,
      messageTs: parent.ts,
    });
    const revertPreview = await waitFor(() => {
      const v = h.slack.openedViews().slice(before).at(-1);
      const current = v ? h.slack.view(v.id) : undefined;
      return current && current.callback_id === 'fd.preview' && current.submit ? current : undefined;
    }, 3000);
    expect(blocksText(revertPreview)).toContain('pager');
    await h.driver.viewSubmission(revertPreview, {}, ALICE);
    await waitFor(
      () => (zitadel.targetsOf(HUMAN_ADDED).join() === [audit, pager].join() ? true : undefined),
      3000,
    );
    expect(zitadel.requests('SetExecution')).toHaveLength(2);
    const records = await h.bot.store.listAudit({ actorId: ALICE, limit: 50 });
    expect(records.map((a) => a.action)).toContain('revert');
  });

  it('a change made by someone else between the diff and the confirmation is shown again, not overwritten', async () => {
    zitadel.setTargets(HUMAN_ADDED, [audit]);
    const form = await openEventForm();
    const preview = await previewOf(form, [slackHook], ['slack-hook']);
    zitadel.setTargets(HUMAN_ADDED, [audit, pager]);
    await h.driver.viewSubmission(preview, {}, ALICE);
    const again = await waitFor(() => {
      const v = h.slack.view(preview.id);
      return v && blocksText(v).includes('changed since you reviewed it') ? v : undefined;
    }, 3000);
    expect(blocksText(again)).toContain('pager');
    expect(zitadel.requests('SetExecution')).toHaveLength(0);
    expect(zitadel.targetsOf(HUMAN_ADDED)).toEqual([audit, pager]);
  });

  it('removing every target is possible and shown as such', async () => {
    zitadel.setTargets(HUMAN_ADDED, [audit, pager]);
    const form = await openEventForm();
    const preview = await previewOf(form, [], []);
    expect(blocksText(preview)).toMatch(/[Aa]ll targets removed/);
    await confirm(preview);
    await waitFor(() => (zitadel.targetsOf(HUMAN_ADDED).length === 0 ? true : undefined), 3000);
  });

  it('a permission error from Zitadel reaches the person with Zitadel’s message, id and a hint', async () => {
    zitadel.setTargets(HUMAN_ADDED, [audit]);
    const form = await openEventForm();
    const preview = await previewOf(form, [pager], ['pager']);
    zitadel.inject('SetExecution', {
      kind: 'grpc',
      code: 7,
      message: 'No matching permissions found (AUTH-5mWD2)',
      errorId: 'AUTH-5mWD2',
    });
    const after = await confirm(preview);
    const text = blocksText(after);
    expect(text).toContain('No matching permissions found');
    expect(text).toContain('AUTH-5mWD2');
    expect(text).toContain('action.execution.write');
    const parent = await h.parentOf(CHANNEL);
    const thread = await h.threadTexts(CHANNEL, parent.ts, (t) => t.some((x) => x.includes('Failed')));
    expect(thread.join('\n')).toContain('AUTH-5mWD2');
  });

  const openForm = (kind: string, scope?: string) =>
    zitadelConditionForm(h, { user: ALICE, channelId: CHANNEL, kind, scope });

  /** Types into a picker and takes the first option Slack would show. */
  async function pick(view: FakeView, blockId: string, typed: string) {
    const res = await h.driver.blockSuggestion({
      user: ALICE,
      view,
      blockId,
      actionId: `fd.field.${blockId}`,
      value: typed,
    });
    const options = (res.body as { options: { value: string; text: { text: string } }[] }).options;
    const first = options[0];
    if (!first) throw new Error(`no option for ${typed} in ${blockId}`);
    return { value: first.value, text: first.text.text };
  }

  async function setAndConfirm(view: FakeView, values: Record<string, unknown>) {
    const sub = await h.driver.viewSubmission(view, values as never, ALICE);
    expect(sub.body).toMatchObject({ response_action: 'update' });
    const preview = await waitFor(() => {
      const v = h.slack.view(view.id);
      return v && v.callback_id === 'fd.preview' && v.submit ? v : undefined;
    }, 3000);
    await h.driver.viewSubmission(preview, {}, ALICE);
    await waitFor(() => (zitadel.requests('SetExecution').length > 0 ? true : undefined), 3000);
    return {
      preview,
      put: zitadel.requests('SetExecution')[0]?.body as { condition: unknown; targets: string[] },
    };
  }

  it.each([
    [
      'request',
      'method',
      'ListSessions',
      { request: { method: expect.stringContaining('SessionService/ListSessions') } },
    ],
    ['request', 'service', 'Session', { request: { service: 'zitadel.session.v2.SessionService' } }],
    ['request', 'all', undefined, { request: { all: true } }],
    [
      'response',
      'method',
      'AddHuman',
      { response: { method: expect.stringContaining('UserService/AddHumanUser') } },
    ],
    ['response', 'all', undefined, { response: { all: true } }],
    ['function', undefined, 'preaccess', { function: { name: 'preaccesstoken' } }],
    ['event', 'group', 'user.human', { event: { group: 'user.human' } }],
    ['event', 'all', undefined, { event: { all: true } }],
  ] as const)('sets a %s condition (%s) through the modal', async (kind, scope, typed, condition) => {
    const view = await openForm(kind, scope);
    const values: Record<string, unknown> = { kind, targets: [{ value: audit, text: 'audit-log' }] };
    if (scope) values.scope = scope;
    const field = kind === 'function' ? 'function' : scope;
    if (typed && field === 'group') values.group = typed;
    else if (typed && field) values[field] = await pick(view, field, typed);
    const { put } = await setAndConfirm(view, values);
    expect(put.condition).toEqual(condition);
    expect(put.targets).toEqual([audit]);
  });

  it.each([
    ['request', undefined, {}, { scope: 'Choose one method, one service, or all API calls.' }],
    ['request', 'method', {}, { method: 'Choose a method from the list.' }],
    ['response', 'service', {}, { service: 'Choose a service from the list.' }],
    ['function', undefined, {}, { function: 'Choose a function from the list.' }],
    ['event', undefined, {}, { scope: 'Choose one event, a group of events, or all events.' }],
    ['event', 'event', { event: '   ' }, { event: 'Enter the event, e.g. user.human.added.' }],
    ['event', 'group', {}, { group: 'Enter the event group, e.g. user.human.' }],
  ] as const)(
    'a %s condition (%s) missing its value gets the error under that field',
    async (kind, scope, typed, errors) => {
      const view = await openForm(kind, scope);
      const before = zitadel.requests().length;
      const sub = await h.driver.viewSubmission(view, { kind, ...(scope ? { scope } : {}), ...typed }, ALICE);
      expect(sub.body).toEqual({ response_action: 'errors', errors });
      expect(sub.viewProblem).toBeUndefined();
      expect(zitadel.requests()).toHaveLength(before);
    },
  );

  it('a picked method Zitadel no longer offers is reported under the method', async () => {
    const view = await openForm('request', 'method');
    const gone = {
      value: '~gonegonegonegonegonego',
      text: 'zitadel.gone.v2.GoneService/RemovedLongMethodName',
    };
    const sub = await h.driver.viewSubmission(
      view,
      { kind: 'request', scope: 'method', method: gone },
      ALICE,
    );
    expect(sub.body).toEqual({
      response_action: 'errors',
      errors: { method: 'Zitadel no longer offers this method; pick it again.' },
    });
    expect(sub.viewProblem).toBeUndefined();
  });

  it('a form submitted before it was rebuilt for a new trigger gets the error on a block it shows', async () => {
    const view = await openForm('request', 'method');
    const sub = await h.driver.viewSubmission(view, { kind: 'function', scope: 'method' }, ALICE);
    expect(sub.body).toEqual({
      response_action: 'errors',
      errors: { kind: 'Function: Choose a function from the list.' },
    });
    expect(sub.viewProblem).toBeUndefined();
  });

  it('a reorder is shown as such and the order is kept', async () => {
    zitadel.setTargets(HUMAN_ADDED, [audit, pager]);
    const form = await openEventForm();
    const preview = await previewOf(form, [pager, audit], ['pager', 'audit-log']);
    expect(blocksText(preview)).toMatch(/[Rr]eorder|order/);
    await confirm(preview);
    await waitFor(
      () => (zitadel.targetsOf(HUMAN_ADDED).join() === [pager, audit].join() ? true : undefined),
      3000,
    );
  });

  it('include appends the targets of another execution, de-duplicated', async () => {
    zitadel.setTargets({ function: { name: 'preaccesstoken' } }, [slackHook, audit]);
    const form = await openEventForm();
    const include = await pick(form, 'include', 'preaccess');
    const sub = await h.driver.viewSubmission(
      form,
      {
        kind: 'event',
        scope: 'event',
        event: 'user.human.added',
        targets: [{ value: audit, text: 'audit-log' }],
        include,
      } as never,
      ALICE,
    );
    expect(sub.body).toMatchObject({ response_action: 'update' });
    const preview = await waitFor(() => {
      const v = h.slack.view(form.id);
      return v && v.callback_id === 'fd.preview' && v.submit ? v : undefined;
    }, 3000);
    await h.driver.viewSubmission(preview, {}, ALICE);
    await waitFor(
      () => (zitadel.targetsOf(HUMAN_ADDED).join() === [audit, slackHook].join() ? true : undefined),
      3000,
    );
  });

  it('the Connect error form is read the same way (unauthenticated: the token or its audience)', async () => {
    zitadel.errorStyle = 'connect';
    const form = await openEventForm();
    const preview = await previewOf(form, [pager], ['pager']);
    zitadel.inject('SetExecution', {
      kind: 'grpc',
      code: 16,
      message: 'Token is invalid (AUTH-7fs1e)',
      errorId: 'AUTH-7fs1e',
    });
    const after = await confirm(preview);
    const text = blocksText(after);
    expect(text).toContain('Token is invalid');
    expect(text).toContain('AUTH-7fs1e');
    expect(text).toMatch(/audience|ZITADEL_TOKEN/);
  });

  it('a user the policy does not allow is told which rule and whom to ask; nothing is read or written', async () => {
    const before = zitadel.requests().length;
    await h.driver.command('zitadel set-execution', { userId: CAROL, channelId: CHANNEL });
    const denial = await waitFor(
      () => h.slack.ephemerals(undefined, CAROL).find((e) => e.text.includes("can't")),
      3000,
    );
    expect(blocksText(denial)).toContain('@iam-oncall');
    expect(zitadel.requests()).toHaveLength(before);
  });

  it('/ops zitadel executions lists conditions and their targets by name', async () => {
    zitadel.setTargets(HUMAN_ADDED, [audit, pager]);
    await h.driver.command('zitadel executions human', { userId: ALICE, channelId: CHANNEL });
    const list = await waitFor(
      () => h.slack.ephemerals(CHANNEL, ALICE).find((e) => e.via === 'response_url'),
      3000,
    );
    const text = blocksText(list);
    expect(text).toContain('user.human.added');
    expect(text).toContain('audit-log');
    expect(text).toContain('pager');
  });
});
