import type { Preview } from './contract';

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

export type UpstreamErrorKind = 'http' | 'network' | 'timeout' | 'bad_response' | 'auth';

export interface UpstreamErrorInit {
  system: string;
  /** What the bot was doing, as a verb phrase: "start the job", "read the job". */
  action: string;
  kind: UpstreamErrorKind;
  message: string;
  httpStatus?: number;
  code?: string;
  errorId?: string;
  hint: string;
  /** A read may be retried with backoff. */
  retryable: boolean;
  /** The request may have taken effect although no answer came back (timeout or reset after sending). */
  ambiguous?: boolean;
}

export class UpstreamError extends Error {
  readonly system: string;
  readonly action: string;
  readonly kind: UpstreamErrorKind;
  readonly httpStatus?: number;
  readonly code?: string;
  readonly errorId?: string;
  readonly hint: string;
  readonly retryable: boolean;
  readonly ambiguous: boolean;

  constructor(init: UpstreamErrorInit) {
    super(init.message);
    this.name = 'UpstreamError';
    this.system = init.system;
    this.action = init.action;
    this.kind = init.kind;
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.errorId = init.errorId;
    this.hint = init.hint;
    this.retryable = init.retryable;
    this.ambiguous = init.ambiguous ?? false;
  }

  toProblem(systemName: string): Problem {
    return {
      title: `${systemName}: could not ${this.action}`,
      message: this.message,
      code: this.code,
      errorId: this.errorId,
      hint: this.hint,
      httpStatus: this.httpStatus,
    };
  }
}

export function isUpstreamError(err: unknown): err is UpstreamError {
  return err instanceof UpstreamError;
}

/**
 * Thrown by `Operation.start` when the state a preview was computed from has changed since the
 * requester confirmed it; the caller shows the new preview and asks again.
 */
export class PreviewOutdatedError extends Error {
  constructor(readonly preview: Preview) {
    super('the state changed since the preview was confirmed');
    this.name = 'PreviewOutdatedError';
  }
}
