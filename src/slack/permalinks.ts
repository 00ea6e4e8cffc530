import type { webApi } from '@slack/bolt';
import type { Log } from '../core/kit/log';
import { TtlCache } from '../core/kit/ttl-cache';

/** Message permalinks never change, so they are kept; this many at most (oldest forgotten first). */
const CACHE_SIZE = 5_000;
/** chat.getPermalink calls in flight at once. */
const CONCURRENCY = 4;

export interface MessageRef {
  /** What the caller names the link by (a run id). */
  key: string;
  channel: string;
  ts: string;
}

/** Links to messages through `chat.getPermalink`; a message Slack cannot link to is simply left out. */
export class Permalinks {
  private readonly cache = new TtlCache<string, string | undefined>({ maxEntries: CACHE_SIZE });

  constructor(
    private readonly client: webApi.WebClient,
    private readonly log: Log,
  ) {}

  /** Links for up to `max` of `refs`, by key. */
  async many(refs: MessageRef[], max: number): Promise<Map<string, string>> {
    const queue = refs.slice(0, max);
    const links = new Map<string, string>();
    const worker = async () => {
      for (let ref = queue.shift(); ref; ref = queue.shift()) {
        const url = await this.one(ref.channel, ref.ts);
        if (url) links.set(ref.key, url);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return links;
  }

  private async one(channel: string, ts: string): Promise<string | undefined> {
    try {
      return await this.cache.load(`${channel}/${ts}`, async () => {
        const res = await this.client.chat.getPermalink({ channel, message_ts: ts });
        return res.permalink;
      });
    } catch (err) {
      this.log.debug({ channel, ts, err: err instanceof Error ? err.message : String(err) }, 'no permalink');
      return undefined;
    }
  }
}
