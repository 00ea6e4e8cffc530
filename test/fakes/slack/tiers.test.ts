import { webApi } from '@slack/bolt';
import { FakeSlack, SLACK_TIERS } from '.';

/** The fake's rate tiers, on an injected clock: nothing here waits for real minutes. */
describe('FakeSlack rate tiers', () => {
  let slack: FakeSlack;
  let now = 1_000_000;
  let client: webApi.WebClient;

  beforeAll(async () => {
    slack = await FakeSlack.start({ tiers: { ...SLACK_TIERS, now: () => now } });
    client = new webApi.WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
  });
  afterAll(() => slack.close());

  const post = (channel: string) =>
    client.chat.postMessage({ channel, text: 'hi' }).then(
      () => 'ok',
      (err: unknown) => (err instanceof webApi.WebAPIRateLimitedError ? `429 ${err.retryAfter}` : 'error'),
    );

  it('answers chat.update past Tier 3 (50 a minute per workspace) with 429 and Retry-After until the minute has passed', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0OPS', text: 'parent' });
    const edit = () =>
      client.chat.update({ channel: 'C0OPS', ts: String(ts), text: 'edit' }).then(
        () => 'ok',
        (err: unknown) => (err instanceof webApi.WebAPIRateLimitedError ? `429 ${err.retryAfter}` : 'error'),
      );
    for (let i = 0; i < 50; i += 1) {
      now += 100;
      expect(await edit()).toBe('ok');
    }
    expect(await edit()).toBe('429 56');
    now += 55_000;
    expect(await edit()).toBe('429 1');
    now += 1_000;
    expect(await edit()).toBe('ok');
    expect(slack.calls('chat.update').filter((c) => c.status === 429)).toHaveLength(2);
  });

  it('lets chat.postMessage burst a little per channel, then about one a second; other channels are not held up', async () => {
    now += 60_000;
    const burst = [];
    for (let i = 0; i < 5; i += 1) burst.push(await post('C0RANDOM'));
    expect(burst).toEqual(['ok', 'ok', 'ok', 'ok', '429 1']);
    expect(await post('C0OPS')).toBe('ok');
    now += 1_000;
    expect(await post('C0RANDOM')).toBe('ok');
    expect(await post('C0RANDOM')).toBe('429 1');
  });
});
