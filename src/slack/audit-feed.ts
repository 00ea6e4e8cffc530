import type { webApi } from '@slack/bolt';
import type { Log } from '../core/kit/log';
import type { NewAuditRecord } from '../core/audit/audit-store';
import type { AuditSink, AuditTrail } from '../core/audit/trail';
import type { Permalinks } from './permalinks';
import { auditLine } from './ui/audit';

/** Records waiting to be posted at most; beyond this a line is dropped (and logged): the store keeps the record. */
const MAX_PENDING = 1_000;

/** Posts audit records to the audit channel as they are written, one line each, in order. */
export class AuditFeed implements AuditSink {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly channel: string,
    private readonly permalinks: Permalinks,
    private readonly threads: Pick<AuditTrail, 'threadOf'>,
    private readonly log: Log,
  ) {}

  deliver(record: NewAuditRecord): void {
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
        // Looked up in turn, not when queued: a launch's record is written before its message is posted.
        const thread = await this.threads.threadOf(record);
        const links = thread ? await this.permalinks.many([{ key: 'thread', ...thread }], 1) : undefined;
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
