import type { Preview } from './operations/contract';
import type { Problem } from './operations/problem';

/**
 * Every error Flightdeck throws on purpose, in one module, each class with a stable `code` (the bolt-js
 * pattern): callers branch on `code` or `instanceof`, never on message text, and logs carry the code.
 * What a remote system called the failure keeps its own name (`upstreamCode`, `slackCode`).
 */
export const ErrorCode = {
  ConfigInvalid: 'flightdeck_config_invalid',
  BotStore: 'flightdeck_bot_store',
  Upstream: 'flightdeck_upstream',
  PreviewOutdated: 'flightdeck_preview_outdated',
  UnreadableSecrets: 'flightdeck_unreadable_secrets',
  LeaseLost: 'flightdeck_lease_lost',
  RunBusy: 'flightdeck_run_busy',
  NotifyFailed: 'flightdeck_notify_failed',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface CodedError extends Error {
  readonly code: ErrorCode;
}

/** Settings that keep a surface from starting; every bad one is listed, each with its fix. */
export class ConfigError extends Error implements CodedError {
  readonly code = ErrorCode.ConfigInvalid;

  constructor(
    readonly problems: string[],
    /** Who cannot start, and what it does not need, for the first and last lines. */
    surface: { name: string; note?: string } = { name: 'Flightdeck' },
  ) {
    super(
      [
        `${surface.name} cannot start. Fix these settings:`,
        ...problems.map((p) => `  - ${p}`),
        ...(surface.note ? [surface.note] : []),
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** The console was pointed at the Slack bot's store; nothing was changed in it. */
export class BotStoreError extends Error implements CodedError {
  readonly code = ErrorCode.BotStore;

  constructor(setting: 'DATABASE_URL' | 'DATA_DIR', lastAt: Date) {
    super(
      [
        `This store is the Slack bot's (it last started on it at ${lastAt.toISOString()}): the console would`,
        `take over its runs and digests, and their updates would print here instead of in their threads.`,
        `Give the console a store of its own: another ${setting}.`,
      ].join('\n'),
    );
    this.name = 'BotStoreError';
  }
}

export type UpstreamErrorKind = 'http' | 'network' | 'timeout' | 'bad_response' | 'auth';

export interface UpstreamErrorInit {
  system: string;
  /** What the bot was doing, as a verb phrase: "start the job", "read the job". */
  action: string;
  kind: UpstreamErrorKind;
  message: string;
  httpStatus?: number;
  /** The upstream's own error name or code (`not_found`, `PERMISSION_DENIED`). */
  upstreamCode?: string;
  errorId?: string;
  hint: string;
  /** A read may be retried with backoff. */
  retryable: boolean;
  /** The request may have taken effect although no answer came back (timeout or reset after sending). */
  ambiguous?: boolean;
}

/** An upstream refused, failed or could not be reached; `toProblem` is what people are shown. */
export class UpstreamError extends Error implements CodedError {
  readonly code = ErrorCode.Upstream;
  readonly system: string;
  readonly action: string;
  readonly kind: UpstreamErrorKind;
  readonly httpStatus?: number;
  readonly upstreamCode?: string;
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
    this.upstreamCode = init.upstreamCode;
    this.errorId = init.errorId;
    this.hint = init.hint;
    this.retryable = init.retryable;
    this.ambiguous = init.ambiguous ?? false;
  }

  toProblem(systemName: string): Problem {
    return {
      title: `${systemName}: could not ${this.action}`,
      message: this.message,
      code: this.upstreamCode,
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
export class PreviewOutdatedError extends Error implements CodedError {
  readonly code = ErrorCode.PreviewOutdated;

  constructor(readonly preview: Preview) {
    super('the state changed since the preview was confirmed');
    this.name = 'PreviewOutdatedError';
  }
}

/** The sealed secret inputs of a run cannot be opened with this process's key. */
export class UnreadableSecretsError extends Error implements CodedError {
  readonly code = ErrorCode.UnreadableSecrets;

  constructor(message: string) {
    super(message);
    this.name = 'UnreadableSecretsError';
  }
}

/** Thrown when a lease-guarded write finds that another process, or another claim, holds the run. */
export class LeaseLostError extends Error implements CodedError {
  readonly code = ErrorCode.LeaseLost;

  constructor(runId: string) {
    super(`lease on run ${runId} is held by another process`);
    this.name = 'LeaseLostError';
  }
}

/** Another process holds the run longer than the caller would wait. */
export class RunBusyError extends Error implements CodedError {
  readonly code = ErrorCode.RunBusy;

  constructor(runId: string) {
    super(`run ${runId} is being handled by another process; try again in a moment`);
    this.name = 'RunBusyError';
  }
}

/**
 * A notification that failed; `permanent` ones (channel gone, bot removed) are not retried soon. `unsent`:
 * it certainly did not reach people (refused, rate-limited, or held back before sending), so a retry need
 * not look for it first. `slackCode` is Slack's error (`ratelimited`, `channel_not_found`) or `paced`.
 */
export class NotifyError extends Error implements CodedError {
  readonly code = ErrorCode.NotifyFailed;

  constructor(
    message: string,
    readonly slackCode: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
    readonly unsent = false,
  ) {
    super(message);
    this.name = 'NotifyError';
  }
}

/** An error in one line for a log: Slack's code leads a NotifyError, whose message alone would not say it. */
export function describeError(err: unknown): string {
  if (err instanceof NotifyError) return `${err.slackCode}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
