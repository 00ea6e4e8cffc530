import { silentLog, type Log } from '../../../src/core/kit/log';
import { DEFAULT_SLACK_BUDGET, SlackBudget } from '../../../src/slack/slack-budget';
import { HomePublisher, VIEWS_PUBLISH } from '../../../src/slack/home-publisher';
import { notifierClient } from '../../../src/slack/slack-notifier';
import { FakeSlack } from '../../fakes/slack';
import { memoryBudgetStore } from './memory-budget';

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';

const home = (text: string) => ({
  type: 'home' as const,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

/**
 * App Home publishes against the fake Slack, with a views.publish budget of 2 a minute, on a clock of the
 * test's: waiting for a turn moves that clock instead of taking time.
 */
describe('HomePublisher', () => {
  let slack: FakeSlack;
  let now = 0;
  const clock = { now: () => new Date(now) };
  // Sleepers move the clock to when they wake, never back: concurrent ones do not add up.
  const sleep = async (ms: number) => {
    const wake = now + Math.max(0, ms);
    await Promise.resolve();
    now = Math.max(now, wake);
  };
  const warnings: string[] = [];
  const log: Log = { ...silentLog, warn: (_obj, msg) => warnings.push(msg ?? ''), child: () => log };

  /** When each views.publish left the publisher, on the test's clock. */
  const issued: number[] = [];
  const client = () => {
    const c = notifierClient({ token: slack.botToken, apiUrl: slack.apiUrl, log });
    const publish = c.views.publish.bind(c.views);
    c.views.publish = (args) => {
      issued.push(now);
      return publish(args);
    };
    return c;
  };
  const publisher = () =>
    new HomePublisher(
      client(),
      new SlackBudget(
        memoryBudgetStore(),
        clock,
        {
          ...DEFAULT_SLACK_BUDGET,
          workspace: { [VIEWS_PUBLISH]: { perMinute: 2, burst: 1 } },
          aheadMs: { urgent: 0, routine: 0 },
        },
        sleep,
      ),
      log,
      sleep,
    );
  const published = (user: string) =>
    slack
      .calls(VIEWS_PUBLISH)
      .filter((c) => c.response?.ok === true && c.params.user_id === user)
      .map((c) => JSON.stringify(c.params.view));

  beforeAll(async () => {
    slack = await FakeSlack.start();
  });
  beforeEach(() => {
    slack.reset();
    warnings.length = 0;
    issued.length = 0;
    now += 3_600_000;
  });
  afterAll(() => slack.close());

  it('publishes only the latest Home of a person: requests made while one waits for its turn join it', async () => {
    const homes = publisher();
    await homes.publish(ALICE, async () => home('first'));
    const waiting = homes.publish(ALICE, async () => home('second'));
    const latest = homes.publish(ALICE, async () => home('third'));
    expect(homes.waiting).toBe(1);
    await Promise.all([waiting, latest]);
    expect(published(ALICE)).toEqual([JSON.stringify(home('first')), JSON.stringify(home('third'))]);
    expect(homes.waiting).toBe(0);
  });

  it('keeps many people’s Homes within the workspace budget, every one published', async () => {
    const homes = publisher();
    const users = [ALICE, BOB, CAROL];
    for (const round of ['first', 'second'])
      await Promise.all(users.map((user) => homes.publish(user, async () => home(`${user} ${round}`))));
    for (const user of users)
      expect(published(user)).toEqual(
        [`${user} first`, `${user} second`].map((t) => JSON.stringify(home(t))),
      );
    // 2 a minute, no burst: no minute holds more than 2 (Tier 4 scaled down).
    expect(issued.filter((at, i) => (issued[i + 2] ?? Infinity) - at < 60_000)).toEqual([]);
  });

  it('pauses the method for everyone when Slack answers 429 anyway, and logs the Home it dropped', async () => {
    const homes = publisher();
    slack.inject(VIEWS_PUBLISH, { kind: 'rate_limited', retryAfterSec: 40 });
    const before = now;
    await homes.publish(ALICE, async () => home('dropped'));
    expect(warnings).toEqual(['could not publish the Home tab']);
    await homes.publish(BOB, async () => home('after the pause'));
    expect(published(BOB)).toEqual([JSON.stringify(home('after the pause'))]);
    expect(now - before).toBeGreaterThanOrEqual(40_000);
  });

  it('logs a Home Slack refuses and goes on with the next', async () => {
    const homes = publisher();
    slack.inject(VIEWS_PUBLISH, { kind: 'error', error: 'not_enabled' });
    await expect(homes.publish(ALICE, async () => home('refused'))).resolves.toBeUndefined();
    await homes.publish(ALICE, async () => home('next'));
    expect(warnings).toEqual(['could not publish the Home tab']);
    expect(published(ALICE)).toEqual([JSON.stringify(home('next'))]);
  });
});
