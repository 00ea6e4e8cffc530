import { acceleratedTiers, FakeSlack, isJsonObject, SLACK_TIERS } from '../test/fakes/slack';
import { serveChild } from './support/child-main';
import { trackingFakeRequest, type TrackingSlackStats } from './tracking-protocol';

/** Calls answered, 429s from the tiers, and when each thread reply was accepted. */
function stats(slack: FakeSlack): TrackingSlackStats {
  const calls = slack.calls();
  const counts: Record<string, number> = {};
  const replies: [string, number, number][] = [];
  for (const call of calls) {
    counts[call.method] = (counts[call.method] ?? 0) + 1;
    const metadata = call.params.metadata;
    const payload = isJsonObject(metadata) ? metadata.event_payload : undefined;
    if (
      call.method === 'chat.postMessage' &&
      call.status === 200 &&
      isJsonObject(metadata) &&
      metadata.event_type === 'flightdeck_transition' &&
      isJsonObject(payload) &&
      typeof payload.run_id === 'string' &&
      typeof payload.seq === 'number'
    )
      replies.push([payload.run_id, payload.seq, call.at]);
  }
  return {
    calls: counts,
    rateLimited: calls.filter((c) => c.status === 429).length,
    replies,
    edits: calls.filter((c) => c.method === 'chat.update' && c.status === 200).length,
  };
}

/**
 * The tracking benchmark's Slack, in a process of its own: BENCH_CHANNELS public channels with the bot in
 * them, enforcing Slack's tiers per method per workspace, with time running BENCH_SPEED times faster
 * (a Slack minute lasts 60 / BENCH_SPEED seconds).
 */
serveChild(async () => {
  const speed = Number(process.env.BENCH_SPEED ?? 1);
  const slack = await FakeSlack.start({ tiers: acceleratedTiers(SLACK_TIERS, speed) });
  const channels = Array.from(
    { length: Number(process.env.BENCH_CHANNELS ?? 200) },
    (_, i) => `C0B${String(i).padStart(5, '0')}`,
  );
  for (const id of channels) {
    slack.addChannel({ id, name: id.toLowerCase(), isPrivate: false, isArchived: false, members: ['U0BOT'] });
  }
  return {
    info: { apiUrl: slack.apiUrl, botToken: slack.botToken, channels },
    handle: async (raw) => {
      trackingFakeRequest.parse(raw);
      return stats(slack);
    },
    stop: () => slack.close(),
  };
});
