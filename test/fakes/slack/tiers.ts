/**
 * Slack's Web API rate limits, enforced the way api.slack.com/apis/rate-limits describes them: per method
 * per workspace, counted per minute (Tier 3: 50, Tier 4: 100), and chat.postMessage about one a second per
 * channel with short bursts. Calls over the limit get HTTP 429 with Retry-After (whole seconds). Only
 * calls Slack accepted count; a refused one does not use up the window.
 */

/** At most `limit` calls in any `windowMs` (a sliding window). */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/** A token bucket: `perSecond` on average, `burst` at once. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

export interface TierSettings {
  /** Per method, for each workspace. */
  methods: Record<string, WindowLimit>;
  /** chat.postMessage per channel (and workspace). */
  postsPerChannel?: BucketLimit;
  /** Time source of the windows; tests inject one instead of waiting. */
  now?: () => number;
}

const MINUTE = 60_000;
const tier3: WindowLimit = { limit: 50, windowMs: MINUTE };
const tier4: WindowLimit = { limit: 100, windowMs: MINUTE };

/** The tiers of the methods Flightdeck calls, from Slack's method reference (`rate_limits`). */
export const SLACK_TIERS: TierSettings = {
  methods: {
    'chat.update': tier3,
    'chat.delete': tier3,
    'conversations.history': tier3,
    'conversations.replies': tier3,
    'conversations.info': tier3,
    'users.lookupByEmail': tier3,
    'chat.postEphemeral': tier4,
    'views.open': tier4,
    'views.update': tier4,
    'views.push': tier4,
    'views.publish': tier4,
    'users.info': tier4,
  },
  postsPerChannel: { perSecond: 1, burst: 4 },
};

/** Every limit's time scaled by `1 / speed`: a minute of Slack's passes in `60 / speed` seconds. */
export function acceleratedTiers(tiers: TierSettings, speed: number): TierSettings {
  const methods = Object.fromEntries(
    Object.entries(tiers.methods).map(([m, w]) => [m, { ...w, windowMs: w.windowMs / speed }]),
  );
  const posts = tiers.postsPerChannel;
  return {
    ...tiers,
    methods,
    postsPerChannel: posts && { ...posts, perSecond: posts.perSecond * speed },
  };
}

export class TierEnforcer {
  private readonly windows = new Map<string, number[]>();
  /** Per channel key: when its bucket is empty again (GCRA). */
  private readonly buckets = new Map<string, number>();

  constructor(private readonly settings: TierSettings) {}

  /** Undefined when the call may go (and it is counted); otherwise the Retry-After in seconds. */
  admit(method: string, workspace: string, channel: string | undefined): number | undefined {
    const now = (this.settings.now ?? Date.now)();
    const window = this.settings.methods[method];
    const posts = method === 'chat.postMessage' ? this.settings.postsPerChannel : undefined;
    const key = `${workspace} ${method}`;
    const sent = this.windows.get(key) ?? [];
    if (window) {
      while (sent.length > 0 && (sent[0] ?? 0) <= now - window.windowMs) sent.shift();
      if (sent.length >= window.limit) return retryAfter((sent[0] ?? now) + window.windowMs - now);
    }
    const bucketKey = `${key} ${channel ?? ''}`;
    if (posts) {
      const interval = 1_000 / posts.perSecond;
      const emptyAt = Math.max(this.buckets.get(bucketKey) ?? now, now);
      const wait = emptyAt - (posts.burst - 1) * interval - now;
      if (wait > 0) return retryAfter(wait);
      this.buckets.set(bucketKey, emptyAt + interval);
    }
    if (window) {
      sent.push(now);
      this.windows.set(key, sent);
    }
    return undefined;
  }
}

/** Slack sends whole seconds; 0 would invite an immediate retry into the same full window. */
const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1_000));
