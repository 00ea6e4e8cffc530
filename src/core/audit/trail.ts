import { z } from 'zod';
import type { AuditRecord, AuditStore, NewAuditRecord } from './audit-store';
import type { Clock } from '../kit/clock';
import type { Log } from '../kit/log';
import type { RunStore } from '../runs/run-store';

/** A message a record is about: the run's thread. */
export interface AuditThread {
  channel: string;
  ts: string;
}

/**
 * Somewhere records also go once they are stored (the Slack audit channel, a console's output). Told of
 * each record once, in order; it must return at once (queue any slow delivery) and keep its own
 * failures: the store already holds the record, so a sink never fails what is being audited.
 */
export interface AuditSink {
  deliver(record: NewAuditRecord): void;
}

/** `/ops audit` shows the newest this many records. */
export const AUDIT_READ_LIMIT = 50;

export interface AuditQuery {
  /** Only this person's records. */
  actorId?: string;
  /** Only records this recent. */
  sinceMs: number;
}

export type AuditReading =
  | { allowed: false }
  | { allowed: true; entries: { record: AuditRecord; thread?: AuditThread }[]; limit: number };

const recordedThread = z.object({ thread: z.object({ channel: z.string(), ts: z.string() }) }).loose();

export interface AuditTrailDeps {
  store: AuditStore & Pick<RunStore, 'getRun'>;
  /** Who may read the trail: admins. */
  access: { isAdmin(userId: string): boolean };
  clock: Clock;
  log: Log;
}

/** The one way records are written (stored, then handed to every sink) and read. */
export class AuditTrail {
  private readonly sinks: AuditSink[] = [];

  constructor(private readonly deps: AuditTrailDeps) {}

  /** Hands every record appended from now on to `sink` too. (A sink may need the trail, as the Slack feed needs threadOf.) */
  subscribe(sink: AuditSink): void {
    this.sinks.push(sink);
  }

  async append(record: NewAuditRecord): Promise<void> {
    await this.deps.store.appendAudit(record);
    for (const sink of this.sinks) {
      try {
        sink.deliver(record);
      } catch (err) {
        this.deps.log.warn(
          { action: record.action, err: err instanceof Error ? err.message : String(err) },
          'an audit sink refused a record',
        );
      }
    }
  }

  /** The newest records for an admin, each with its thread; anyone else is refused, and that is recorded. */
  async read(viewerId: string, query: AuditQuery): Promise<AuditReading> {
    const { store, access, clock } = this.deps;
    if (!access.isAdmin(viewerId)) {
      await this.append({
        at: clock.now(),
        actorId: viewerId,
        channelId: null,
        action: 'audit',
        operationId: null,
        runId: null,
        outcome: 'refused',
        rule: null,
        detail: {},
      });
      return { allowed: false };
    }
    const since = new Date(clock.now().getTime() - query.sinceMs);
    const records = await store.listAudit({ actorId: query.actorId, since, limit: AUDIT_READ_LIMIT });
    const entries = await Promise.all(
      records.map(async (record) => {
        const thread = await this.threadOf(record);
        return thread ? { record, thread } : { record };
      }),
    );
    return { allowed: true, entries, limit: AUDIT_READ_LIMIT };
  }

  /**
   * The thread a record is about: recorded with it, or (for records written before the run's message was
   * posted, like the launch itself) the run's message as it is now.
   */
  async threadOf(record: NewAuditRecord): Promise<AuditThread | undefined> {
    const recorded = recordedThread.safeParse(record.detail);
    if (recorded.success) return { channel: recorded.data.thread.channel, ts: recorded.data.thread.ts };
    const run = record.runId ? await this.deps.store.getRun(record.runId) : undefined;
    return run?.parentTs ? { channel: run.channelId, ts: run.parentTs } : undefined;
  }
}
