import type { webApi } from '@slack/bolt';
import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import { timeZoneName } from '../core/digest/time-zone';
import { TtlCache } from '../core/kit/ttl-cache';

/** People's time zones from `users.info`, kept for a while: they rarely change, and a command must not wait on Slack twice. */
export class UserTimeZones {
  private readonly zones: TtlCache<string, string | undefined>;

  constructor(
    private readonly client: webApi.WebClient,
    clock: Clock,
    private readonly log: Log,
    ttlMs = 60 * 60_000,
  ) {
    this.zones = new TtlCache({ ttlMs, clock });
  }

  /** The user's IANA zone, or undefined when Slack does not say (or cannot be asked). */
  async of(userId: string): Promise<string | undefined> {
    try {
      return await this.zones.load(userId, async () => {
        const res = await this.client.users.info({ user: userId });
        return typeof res.user?.tz === 'string' ? timeZoneName(res.user.tz) : undefined;
      });
    } catch (err) {
      this.log.warn(
        { userId, err: err instanceof Error ? err.message : String(err) },
        'could not read time zone',
      );
      return this.zones.last(userId);
    }
  }
}
