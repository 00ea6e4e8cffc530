import type { webApi } from '@slack/bolt';
import { type ChannelMembership, MembershipUnavailable } from '../core/runs/access';
import type { Clock } from '../core/kit/clock';
import type { Log } from '../core/kit/log';
import { TtlCache } from '../core/kit/ttl-cache';
import { slackErrorCode } from './slack-errors';

/** Slack's recommended page size for cursor pagination (its maximum is 999). */
const PAGE_SIZE = 200;

/**
 * Channel membership through `conversations.members`, every page, cached per channel for a short
 * time: someone who leaves a channel stops seeing its runs within a minute. No stale fallback: when
 * Slack cannot answer, access is refused rather than granted on old data.
 */
export class SlackChannelMembership implements ChannelMembership {
  private readonly channels: TtlCache<string, ReadonlySet<string>>;

  constructor(
    private readonly client: webApi.WebClient,
    clock: Clock,
    private readonly log: Log,
    ttlMs = 60_000,
  ) {
    this.channels = new TtlCache({ ttlMs, maxEntries: 1_000, clock });
  }

  async isMember(userId: string, channelId: string): Promise<boolean> {
    return (await this.members(channelId)).has(userId);
  }

  private async members(channelId: string): Promise<ReadonlySet<string>> {
    try {
      return await this.channels.load(channelId, () => this.readAll(channelId));
    } catch (err) {
      const code = slackErrorCode(err);
      this.log.warn(
        { channel: channelId, err: code ?? (err instanceof Error ? err.message : String(err)) },
        'could not read channel members',
      );
      throw new MembershipUnavailable(unavailableReason(code));
    }
  }

  private async readAll(channelId: string): Promise<ReadonlySet<string>> {
    const members = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.client.conversations.members({
        channel: channelId,
        limit: PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      });
      for (const id of page.members ?? []) members.add(id);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return members;
  }
}

function unavailableReason(code: string | undefined): string {
  switch (code) {
    case 'channel_not_found':
    case 'not_in_channel':
      return 'Flightdeck cannot see who is in the channel it belongs to (it may have been removed from it), so it shows nothing from there.';
    default:
      return `Slack did not say who is in the channel it belongs to${code ? ` (\`${code}\`)` : ''}, so Flightdeck shows nothing from there. Try again in a moment.`;
  }
}
