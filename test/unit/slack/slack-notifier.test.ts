import { runView } from '../../../src/core/runs/delivery';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/runs/engine-deps';
import { silentLog, type Log } from '../../../src/core/kit/log';
import { Registry } from '../../../src/core/operations/registry';
import { NOTIFIER_TIMEOUT_MS, notifierClient, SlackNotifier } from '../../../src/slack/slack-notifier';
import { DEFAULT_SLACK_BUDGET, SlackBudget, type SlackBudgetSettings } from '../../../src/slack/slack-budget';
import { memoryBudgetStore } from './memory-budget';
import type { RunRecord, TransitionRecord } from '../../../src/core/runs/run-store';
import { FakeSlack } from '../../fakes/slack';
import { SlackProxy } from '../../fault/support/slack-proxy';
import { runRecord, transitionRecord } from '../../support/run-fixtures';
import { NotifyError } from '../../../src/core/errors';

const CHANNEL = 'C0OPS';
const OTHER = 'C0RANDOM';
const t0 = new Date('2026-11-24T10:00:00Z');
const clock = { now: () => t0 };

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return runRecord({
    id: '3b1d6a52-0000-4000-8000-000000000001',
    idempotencyKey: 'V1',
    channelId: CHANNEL,
    upstreamId: 'job-1',
    upstreamStatus: 'running',
    seq: 1,
    createdAt: t0,
    updatedAt: t0,
    startedAt: t0,
    ...overrides,
  });
}

function transition(seq: number, attemptedAt: Date | null = null): TransitionRecord {
  return transitionRecord({
    runId: run().id,
    seq,
    kind: seq === 1 ? 'started' : 'state',
    at: t0,
    attemptedAt,
  });
}

const view = (r: RunRecord) => runView({ registry: new Registry([]) }, r);

/** The notifier against the fake Slack, through the proxy that adds per-channel faults. */
describe('SlackNotifier', () => {
  let slack: FakeSlack;
  let proxy: SlackProxy;
  const warnings: string[] = [];
  const log: Log = { ...silentLog, warn: (_obj, msg) => warnings.push(msg ?? ''), child: () => log };
  const notifier = (apiUrl: string, budget: Partial<SlackBudgetSettings> = {}) =>
    new SlackNotifier(
      notifierClient({ token: slack.botToken, apiUrl, log }),
      clock,
      log,
      new SlackBudget(memoryBudgetStore(), clock, { ...DEFAULT_SLACK_BUDGET, ...budget }),
    );

  beforeAll(async () => {
    slack = await FakeSlack.start();
    proxy = await SlackProxy.start(slack);
  });
  beforeEach(() => {
    slack.reset();
    proxy.calls.length = 0;
    proxy.heal();
    warnings.length = 0;
  });
  afterAll(async () => {
    await proxy.close();
    await slack.close();
  });

  it('adopts a reply an earlier attempt posted, found by its metadata, instead of posting it again', async () => {
    const n = notifier(proxy.apiUrl);
    const parentTs = await n.postParent(view(run()));
    const withParent = run({ parentTs });
    const first = await n.postTransition(view(withParent), transition(1));
    const again = await n.postTransition(view(withParent), transition(1, t0));
    expect(again).toBe(first);
    expect(slack.thread(CHANNEL, parentTs)).toHaveLength(1);
    // An attempt that never landed is posted, once.
    const second = await n.postTransition(view(withParent), transition(2, t0));
    expect(slack.thread(CHANNEL, parentTs).map((m) => m.ts)).toEqual([first, second]);
  });

  it('adopts a parent an earlier attempt posted, found in the channel history', async () => {
    const n = notifier(proxy.apiUrl);
    const posted = await n.postParent(view(run()));
    const attempted = new Date(Number(posted) * 1000);
    expect(await n.postParent(view(run({ parentAttemptedAt: attempted })))).toBe(posted);
    expect(slack.messages(CHANNEL)).toHaveLength(1);
    expect(proxy.callsOf('conversations.history')).toHaveLength(1);
  });

  it('posts anyway when Slack will not let it look (here: no history scope), and says so once', async () => {
    const n = notifier(slack.apiUrl);
    slack.inject('conversations.history', { kind: 'error', error: 'missing_scope' }, 2);
    await n.postParent(view(run()));
    await n.postParent(view(run({ parentAttemptedAt: t0 })));
    await n.postParent(view(run({ parentAttemptedAt: t0 })));
    expect(slack.messages(CHANNEL)).toHaveLength(3);
    const said = warnings.filter((w) => w.includes('cannot look in Slack'));
    expect(said).toHaveLength(1);
    for (const scope of ['channels:history', 'groups:history', 'im:history', 'mpim:history'])
      expect(said[0]).toContain(scope);
  });

  it('paces posts per channel: past its patience a post is handed back unsent, other channels go on', async () => {
    const n = notifier(proxy.apiUrl, {
      postsPerChannel: { perSecond: 1, burst: 2 },
      aheadMs: { urgent: 0, routine: 0 },
    });
    await n.postParent(view(run()));
    await n.postParent(view(run()));
    const paced = await n.postParent(view(run())).catch((err: unknown) => err);
    expect(paced).toBeInstanceOf(NotifyError);
    expect(paced).toMatchObject({ slackCode: 'paced', unsent: true, permanent: false });
    expect((paced as NotifyError).retryAfterMs).toBeGreaterThan(0);
    expect(await n.postParent(view(run({ channelId: OTHER })))).toMatch(/^\d+\.\d+$/);
    expect(proxy.callsOf('chat.postMessage', CHANNEL)).toHaveLength(2);
  });

  it('on a 429 waits out Retry-After in that channel only, without calling Slack meanwhile', async () => {
    const n = notifier(proxy.apiUrl, {
      postsPerChannel: { perSecond: 10, burst: 10 },
      aheadMs: { urgent: 100, routine: 100 },
    });
    proxy.fail('chat.postMessage', CHANNEL, { kind: 'rate_limited', retryAfterSec: 2 }, 1);
    const limited = await n.postParent(view(run())).catch((err: unknown) => err);
    expect(limited).toMatchObject({ slackCode: 'ratelimited', unsent: true, retryAfterMs: 2_000 });
    const held = await n.postParent(view(run())).catch((err: unknown) => err);
    expect(held).toMatchObject({ slackCode: 'paced', unsent: true });
    expect(proxy.callsOf('chat.postMessage', CHANNEL)).toHaveLength(1);
    expect(await n.postParent(view(run({ channelId: OTHER })))).toMatch(/^\d+\.\d+$/);
  });

  it('maps ok:false answers to permanent, unsent errors', async () => {
    const n = notifier(proxy.apiUrl);
    for (const code of ['channel_not_found', 'not_in_channel', 'is_archived', 'message_not_found']) {
      proxy.fail('chat.update', CHANNEL, { kind: 'error', error: code }, 1);
      const refused = await n.updateParent(view(run({ parentTs: '1.000001' }))).catch((err: unknown) => err);
      expect(refused).toMatchObject({ slackCode: code, permanent: true, unsent: true });
    }
  });
});

it('the engine holds a run longer than one post can take: a lookup and a post, each with its wait for a turn', () => {
  const oneCall = Math.max(...Object.values(DEFAULT_SLACK_BUDGET.aheadMs)) + NOTIFIER_TIMEOUT_MS;
  expect(DEFAULT_ENGINE_SETTINGS.postHoldMs).toBeGreaterThan(2 * oneCall);
});
