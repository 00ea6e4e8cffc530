import type { webApi } from '@slack/bolt';
import type { Log } from '../core/kit/log';
import type { NewAuditRecord } from '../core/audit/audit-store';
import type { Store } from '../core/store';
import type { MessageRef, Permalinks } from './permalinks';
import { auditLine, auditThread } from './ui/audit';

/**
 * The thread a record is about: recorded with it, or (for records written before the run's message was
 * posted, like the launch itself) the run's message as it is now.
 */
export async function threadOf(
  store: Pick<Store, 'getRun'>,
  record: NewAuditRecord,
  key: string,
): Promise<MessageRef | undefined> {
  const recorded = auditThread(record);
  if (recorded) return { key, ...recorded };
  const run = record.runId ? await store.getRun(record.runId) : undefined;
  return run?.parentTs ? { key, channel: run.channelId, ts: run.parentTs } : undefined;
}

/** Records waiting to be posted at most; beyond this a line is dropped (and logged): the store keeps the record. */
const MAX_PENDING = 1_000;

/** Posts audit records to the audit channel as they are written, one line each, in order. */
export class AuditFeed {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly channel: string,
    private readonly permalinks: Permalinks,
    private readonly store: Pick<Store, 'getRun'>,
    private readonly log: Log,
  ) {}

  post(record: NewAuditRecord): void {
    if (this.pending >= MAX_PENDING) {
      this.log.warn(
        { action: record.action, runId: record.runId },
        'audit channel is behind; line not posted',
      );
      return;
    }
    this.pending += 1;
    this.tail = this.tail.then(async () => {
      try {
        const thread = await threadOf(this.store, record, 'thread');
        const links = thread ? await this.permalinks.many([thread], 1) : undefined;
        const text = auditLine(record, links?.get('thread'));
        await this.client.chat.postMessage({
          channel: this.channel,
          text,
          unfurl_links: false,
          unfurl_media: false,
        });
      } catch (err) {
        this.log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'could not post to the audit channel',
        );
      } finally {
        this.pending -= 1;
      }
    });
  }

  /** Resolves once every line queued so far is posted (or failed). */
  drain(): Promise<void> {
    return this.tail;
  }
}

/**
 * The store, with every audit record also sent to the feed once it is stored. A proxy rather than a
 * hand-written delegate, so the Store can grow without this file changing.
 */
export function withAuditFeed(store: Store, feed: AuditFeed): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'appendAudit') {
        return async (record: NewAuditRecord) => {
          await target.appendAudit(record);
          feed.post(record);
        };
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
