import type { webApi } from '@slack/bolt';
import type { Clock } from '../core/clock';
import type { Log } from '../core/log';
import type { MembershipDirectory } from '../core/policy';

interface Cached {
  members: Set<string>;
  at: number;
}

/**
 * Slack user-group membership through `usergroups.users.list`, cached per group for a short time
 * (membership changes are rare; a policy check must not cost a Web API call each time).
 */
export class SlackMembershipDirectory implements MembershipDirectory {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async memberships(userId: string, groups: string[]): Promise<string[]> {
    const results = await Promise.all(
      groups.map(async (group) => ((await this.members(group)).has(userId) ? group : undefined)),
    );
    return results.filter((g): g is string => g !== undefined);
  }

  private async members(group: string): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(group);
    if (cached && now - cached.at < this.ttlMs) return cached.members;
    try {
      const res = await this.client.usergroups.users.list({ usergroup: group });
      const members = new Set(res.users ?? []);
      this.cache.set(group, { members, at: now });
      return members;
    } catch (err) {
      // An unreadable group grants nothing; a stale answer is better than none while Slack is down.
      this.log.warn(
        { group, err: err instanceof Error ? err.message : String(err) },
        'could not read user group',
      );
      return cached?.members ?? new Set();
    }
  }
}
