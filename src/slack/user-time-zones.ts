import type { webApi } from '@slack/bolt';
import type { Clock } from '../core/clock';
import type { Log } from '../core/log';
import { timeZoneName } from '../core/digest/time-zone';

interface Cached {
  zone: string | undefined;
  at: number;
}

/** People's time zones from `users.info`, kept for a while: they rarely change, and a command must not wait on Slack twice. */
export class UserTimeZones {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly ttlMs = 60 * 60_000,
  ) {}

  /** The user's IANA zone, or undefined when Slack does not say (or cannot be asked). */
  async of(userId: string): Promise<string | undefined> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(userId);
    if (cached && now - cached.at < this.ttlMs) return cached.zone;
    try {
      const res = await this.client.users.info({ user: userId });
      const zone = typeof res.user?.tz === 'string' ? timeZoneName(res.user.tz) : undefined;
      this.cache.set(userId, { zone, at: now });
      return zone;
    } catch (err) {
      this.log.warn(
        { userId, err: err instanceof Error ? err.message : String(err) },
        'could not read time zone',
      );
      return cached?.zone;
    }
  }
}
