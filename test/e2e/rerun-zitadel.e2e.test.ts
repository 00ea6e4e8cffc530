import { FakeZitadel } from '../fakes/zitadel';
import { waitFor, type FakeView } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { inputBlockJson, messageShowing, openRerunForm, runIdOf, WAIT_MS } from '../support/rerun';
import { storeBackends } from '../support/stores';
import { upstreamBotPerTest } from '../support/upstream-bot';
import { zitadelConditionForm } from '../support/zitadel-form';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const HUMAN_ADDED = { event: { event: 'user.human.added' } };

describe.each(storeBackends())('Zitadel re-run end to end on $name', (backend) => {
  let zitadel: FakeZitadel;
  let h: Harness;

  const bot = upstreamBotPerTest(backend, {
    fake: () => FakeZitadel.start(),
    bot: (fake) => ({
      env: { ZITADEL_BASE_URL: fake.url, ZITADEL_TOKEN: fake.token },
      engine: { parentEditIntervalMs: 100 },
    }),
  });
  beforeEach(() => {
    ({ fake: zitadel, h } = bot);
  });

  /** Submits a set-execution form and confirms its preview; resolves once Zitadel was asked. */
  async function submitAndConfirm(
    user: string,
    form: FakeView,
    values: Record<string, unknown>,
    sets: number,
  ) {
    const sub = await h.driver.viewSubmission(form, values as never, user);
    expect(sub.body).toMatchObject({ response_action: 'update', view: { callback_id: 'fd.preview' } });
    const preview = await waitFor(() => {
      const v = h.slack.view(form.id);
      return v && v.callback_id === 'fd.preview' && v.submit ? v : undefined;
    }, WAIT_MS);
    await h.driver.viewSubmission(preview, {}, user);
    await waitFor(() => (zitadel.requests('SetExecution').length === sets ? true : undefined), WAIT_MS);
  }

  it('re-runs a set execution from a form filled in with its condition and targets, linked both ways', async () => {
    const audit = zitadel.addTarget({ name: 'audit-log' });
    const pager = zitadel.addTarget({ name: 'pager' });
    const form = await zitadelConditionForm(h, {
      user: ALICE,
      channelId: CHANNEL,
      kind: 'event',
      scope: 'event',
    });
    await submitAndConfirm(
      ALICE,
      form,
      {
        kind: 'event',
        scope: 'event',
        event: 'user.human.added',
        targets: [
          { value: audit, text: 'audit-log' },
          { value: pager, text: 'pager' },
        ],
      },
      1,
    );
    const first = await h.parentOf(CHANNEL);
    await h.threadTexts(CHANNEL, first.ts, (t) => t.some((x) => x.includes('Succeeded')));
    const done = await messageShowing(h, CHANNEL, first.ts, 'Re-run');
    const firstRunId = runIdOf(done);

    // Someone changes it by hand in Zitadel; Bob re-runs the change to put it back.
    zitadel.setTargets(HUMAN_ADDED, [audit]);
    const rerun = await openRerunForm(h, BOB, CHANNEL, first.ts);
    const initial = (blockId: string) => inputBlockJson(rerun, blockId);
    expect(initial('kind')).toContain('"initial_option":{"value":"event"');
    expect(initial('event')).toContain('"initial_value":"user.human.added"');
    expect(initial('targets')).toContain(`{"value":"${audit}"`);
    expect(initial('targets')).toContain(`{"value":"${pager}"`);
    expect(blocksText(rerun)).toContain(`Re-run of run ${firstRunId}`);

    await submitAndConfirm(BOB, rerun, {}, 2);
    expect(zitadel.targetsOf(HUMAN_ADDED)).toEqual([audit, pager]);
    const second = await h.parentOf(CHANNEL, (m) => blocksText(m).includes('Re-run of run'));
    expect(blocksText(second)).toContain(`Re-run of run \`${firstRunId}\``);
    const old = await h.threadTexts(CHANNEL, first.ts, (t) => t.some((x) => x.includes('Re-run as')));
    expect(old.find((x) => x.includes('Re-run as'))).toBe(
      `:repeat: Re-run as run \`${runIdOf(second)}\` by <@${BOB}>`,
    );
  });
});
