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
  /**
   * The part (0-based) whose post began and was not recorded as done: Slack may have it already, so it
   * is looked for before being posted again. Null when none.
   */
  attemptedPart: number | null;
}

/** Where a publisher records its progress, so that an interrupted post resumes without repeating a part. */
export interface DigestRecorder {
  /** Before part `part` is posted. False: the window is no longer this process's; posting stops. */
  attempting(part: number): Promise<boolean>;
  /** After each part is out. False: the window is no longer this process's; posting stops. */
  posted(progress: DigestProgress): Promise<boolean>;
}

/** For a digest nobody resumes (`/ops digest now`): nothing to record. */
export const UNRECORDED: DigestRecorder = {
  attempting: () => Promise.resolve(true),
  posted: () => Promise.resolve(true),
};

/** A post not begun: nothing out yet. */
export const NOTHING_POSTED: DigestProgress = { partsPosted: 0, threadTs: null, attemptedPart: null };

/** The port through which digests reach a channel. Slack implements it, and the console prints them. */
export interface DigestPublisher {
  /**
   * Posts the digest's messages that are not out yet (after `progress.partsPosted`), each recorded with
   * `recorder` before and after; the part `progress.attemptedPart` is looked for before it is posted
   * again. Throws NotifyError.
   */
  publish(post: DigestPost, progress: DigestProgress, recorder: DigestRecorder): Promise<void>;
}
