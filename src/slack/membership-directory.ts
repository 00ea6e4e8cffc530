import type { webApi } from '@slack/bolt';
import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import type { MembershipDirectory } from '../core/policy/policy';
import { TtlCache } from '../core/kit/ttl-cache';

/**
 * Slack user-group membership through `usergroups.users.list`, cached per group for a short time
 * (membership changes are rare; a policy check must not cost a Web API call each time).
 */
export class SlackMembershipDirectory implements MembershipDirectory {
  private readonly groups: TtlCache<string, Set<string>>;

  constructor(
    private readonly client: webApi.WebClient,
    clock: Clock,
    private readonly log: Log,
    ttlMs = 5 * 60_000,
  ) {
    this.groups = new TtlCache({ ttlMs, clock });
  }

  async memberships(userId: string, groups: string[]): Promise<string[]> {
    const results = await Promise.all(
      groups.map(async (group) => ((await this.membersOf(group)).has(userId) ? group : undefined)),
    );
    return results.filter((g): g is string => g !== undefined);
  }

  async members(groups: string[]): Promise<string[]> {
    const sets = await Promise.all(groups.map((group) => this.membersOf(group)));
    return [...new Set(sets.flatMap((set) => [...set]))];
  }

  private async membersOf(group: string): Promise<Set<string>> {
    try {
      return await this.groups.load(group, async () => {
        const res = await this.client.usergroups.users.list({ usergroup: group });
        return new Set(res.users ?? []);
      });
    } catch (err) {
      // An unreadable group grants nothing; a stale answer is better than none while Slack is down.
      this.log.warn(
        { group, err: err instanceof Error ? err.message : String(err) },
        'could not read user group',
      );
      return this.groups.last(group) ?? new Set();
    }
  }
}
