import type { DigestScheduleRecord } from './digest-store';
import type { DigestSummary } from './summary';

/** One digest to post. */
export interface DigestPost {
  channelId: string;
  /** The schedule it is for; absent for `/ops digest now`. */
  schedule?: DigestScheduleRecord;
  /** Who asked for an immediate digest. */
  requestedBy?: string;
  /** Times are shown in this zone. */
  timeZone: string;
  summary: DigestSummary;
  /** Set when the window is posted well after it was due (no process ran then, or posting kept failing). */
  late?: { dueAt: Date };
  /** Windows missed while no process ran, covered by this one. */
  skipped: number;
}

/** How far a (possibly interrupted) post got: messages already out, and the first one's ts. */
export interface DigestProgress {
  partsPosted: number;
  threadTs: string | null;
}

/** A post not begun: nothing out yet. */
export const NOTHING_POSTED: DigestProgress = { partsPosted: 0, threadTs: null };

/** The port through which digests reach a channel. Slack implements it, and the console prints them. */
export interface DigestPublisher {
  /**
   * Posts the digest's messages that are not out yet (after `progress.partsPosted`). `onPart` is told
   * after each one; when it answers false (the window was taken over), posting stops. Throws NotifyError.
   */
  publish(
    post: DigestPost,
    progress: DigestProgress,
    onPart: (progress: DigestProgress) => Promise<boolean>,
  ): Promise<void>;
}
