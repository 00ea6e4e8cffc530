import { waitFor } from '../fakes/slack';
import { Harness } from '../support/flightdeck-harness';
import { sideEffects } from '../security/raw-slack';
import { storeBackends, type StoreBackend, type StorePlace } from '../support/stores';

const ALICE = 'U0ALICE';
const postgres = storeBackends().find((b) => b.name === 'postgres');

/** Home tabs published for `user` that Slack took. */
function homesPublished(h: Harness, user: string): number {
  return h.slack.calls('views.publish').filter((c) => c.params.user_id === user && c.status === 200).length;
}

/** How many retries of events already received this bot answered 200 without handling them. */
function retriesAcknowledged(h: Harness): number {
  return h.logs.lines.filter(
    (l) => l.includes('"reason":"event already received"') && l.includes('"status":200'),
  ).length;
}

/** `first` opens ALICE's Home tab; returns the event's id once the tab is published. */
async function homeOpened(first: Harness): Promise<string> {
  const before = homesPublished(first, ALICE);
  const delivery = await first.driver.appHomeOpened(ALICE);
  expect(delivery.status).toBe(200);
  await waitFor(
    () => (homesPublished(first, ALICE) > before ? true : undefined),
    10_000,
    () => `the Home tab of ${ALICE}`,
  );
  return delivery.eventId;
}

/**
 * Slack's retries of that event reach `to`: the same `event_id`, signed anew with later timestamps, with
 * `X-Slack-Retry-Num`. Each is answered 200, so Slack stops retrying, and none reaches a listener (the
 * guard answers it before Bolt sees it, which its log line and the unchanged request count show).
 */
async function expectRetriesAcknowledged(to: Harness, eventId: string, publishedBefore: number) {
  const handled = (await sideEffects(to)).handled;
  const acknowledged = retriesAcknowledged(to);
  for (const retryNum of [1, 2]) {
    const retry = await to.driver.appHomeOpened(ALICE, {
      eventId,
      retryNum,
      retryReason: 'http_timeout',
      timestampOffsetSec: 60 * retryNum,
    });
    expect(retry.status).toBe(200);
  }
  expect(retriesAcknowledged(to)).toBe(acknowledged + 2);
  expect((await sideEffects(to)).handled).toBe(handled);
  expect(homesPublished(to, ALICE)).toBe(publishedBefore);
}

describe.each(storeBackends())('a retried Slack event on $name', (backend: StoreBackend) => {
  let place: StorePlace;
  let h: Harness;

  beforeAll(async () => {
    place = await backend.place();
    h = await Harness.start({ place });
  });
  afterAll(async () => {
    await h.close();
    await place.dispose();
  });

  it('app_home_opened and its retries publish one Home tab', async () => {
    const eventId = await homeOpened(h);
    expect(homesPublished(h, ALICE)).toBe(1);
    await expectRetriesAcknowledged(h, eventId, 1);
  });

  it('a new event of the same person is handled as usual', async () => {
    const before = homesPublished(h, ALICE);
    await homeOpened(h);
    expect(homesPublished(h, ALICE)).toBe(before + 1);
  });
});

/**
 * Two replicas sharing one PostgreSQL and one Slack app: the event reaches A, Slack's retries reach B,
 * whose memory has never seen it; the store's once keys tell B.
 */
(postgres ? describe : describe.skip)('a retried Slack event that lands on the other replica', () => {
  let place: StorePlace;
  let a: Harness;
  let b: Harness;

  beforeAll(async () => {
    if (!postgres) return;
    place = await postgres.place();
    a = await Harness.start({ place });
    b = await Harness.start({ place, slack: a.slack });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await place.dispose();
  });

  it('app_home_opened on A and its retries on B publish one Home tab', async () => {
    const eventId = await homeOpened(a);
    expect(homesPublished(a, ALICE)).toBe(1);
    await expectRetriesAcknowledged(b, eventId, 1);
    expect(retriesAcknowledged(a)).toBe(0);
  });
});
