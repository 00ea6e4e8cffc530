/**
 * One readable shape for everything that can go wrong upstream, whatever the system.
 * Slack renders a Problem; it never sees a stack trace or a raw body.
 */
export interface Problem {
  /** What failed, in the user's words: "Itential refused to start the job". */
  title: string;
  /** The upstream's own message (already stripped of secrets and truncated). */
  message: string;
  /** The upstream's error name or code (`not_found`, `PERMISSION_DENIED`, `500`). */
  code?: string;
  /** The upstream's id for this occurrence, for a support ticket. */
  errorId?: string;
  /** Where in the run it failed: a task, a stage. */
  where?: string;
  /** What to try next. */
  hint?: string;
  httpStatus?: number;
}
