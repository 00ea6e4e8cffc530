import { FakeSlack } from '../test/fakes/slack';
import { serveChild } from './support/child-main';
import { trackingFakeRequest, type TrackingSlackStats } from './tracking-protocol';

const RETRY_AFTER_SEC = 1;

/** 429s the fake answered, and the calls of the same method and channel made before Retry-After passed. */
function stats(slack: FakeSlack): TrackingSlackStats {
  const calls = slack.calls();
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.method] = (counts[call.method] ?? 0) + 1;
  const limited = calls.filter((c) => c.status === 429);
  const inside = limited.map(
    (l) =>
      calls.filter(
        (c) =>
          c.method === l.method &&
          c.params.channel === l.params.channel &&
          c.at > l.at &&
          c.at < l.at + RETRY_AFTER_SEC * 1_000,
      ).length,
  );
  return { calls: counts, rateLimited: limited.length, insideRetryAfter: inside.reduce((a, b) => a + b, 0) };
}

/**
 * The tracking benchmark's Slack, in a process of its own: BENCH_CHANNELS public channels with the bot in
 * them; every two seconds the next post and the next edit (in whatever channel) get a 429, up to
 * BENCH_RATE_LIMITS of each.
 */
serveChild(async () => {
  const slack = await FakeSlack.start();
  const channels = Array.from(
    { length: Number(process.env.BENCH_CHANNELS ?? 500) },
    (_, i) => `C0B${String(i).padStart(5, '0')}`,
  );
  for (const id of channels) {
    slack.addChannel({ id, name: id.toLowerCase(), isPrivate: false, isArchived: false, members: ['U0BOT'] });
  }
  let injected = 0;
  const limit = Number(process.env.BENCH_RATE_LIMITS ?? 20);
  const rateLimits = setInterval(() => {
    if (injected >= limit) return;
    injected += 1;
    slack.inject('chat.postMessage', { kind: 'rate_limited', retryAfterSec: RETRY_AFTER_SEC });
    slack.inject('chat.update', { kind: 'rate_limited', retryAfterSec: RETRY_AFTER_SEC });
  }, 2_000);
  return {
    info: { apiUrl: slack.apiUrl, botToken: slack.botToken, channels },
    handle: async (raw) => {
      trackingFakeRequest.parse(raw);
      return stats(slack);
    },
    stop: async () => {
      clearInterval(rateLimits);
      await slack.close();
    },
  };
});
