import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { Log } from '../../core/kit/log';
import { isUpstreamError, type UpstreamError } from '../../core/errors';

export interface RetrySettings {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Where each retry is logged, as a warning: "retrying a Zitadel read". */
export interface RetryLog {
  log: Log;
  message: string;
}

/**
 * Retries the UpstreamErrors `shouldRetry` accepts, with capped exponential backoff and jitter.
 * Only for calls that are safe to repeat: reads, or writes that replace a whole value.
 */
export function retryPolicy(
  settings: RetrySettings,
  shouldRetry: (err: UpstreamError) => boolean,
  logTo?: RetryLog,
): RetryPolicy {
  const policy = retry(
    handleWhen((err) => isUpstreamError(err) && shouldRetry(err)),
    {
      maxAttempts: Math.max(0, settings.maxAttempts - 1),
      backoff: new ExponentialBackoff({
        initialDelay: settings.initialDelayMs,
        maxDelay: settings.maxDelayMs,
      }),
    },
  );
  if (logTo) {
    policy.onRetry((event) => {
      const reason = 'error' in event ? event.error.message : undefined;
      logTo.log.warn({ attempt: event.attempt, delayMs: Math.round(event.delay), reason }, logTo.message);
    });
  }
  return policy;
}

/** What kind of call an attempt is, for `CallPolicy`. */
export interface CallKind {
  /** Changes something upstream: a lost answer may have taken effect, so it is sent once. */
  write: boolean;
  /** A read that must answer at once (a picker within Slack's 3 s) or whose answer is optional. */
  once?: boolean;
}

/**
 * Reads retried, writes sent once: the rule every system's HTTP client follows. A write that is safe
 * to repeat (cancelling a job) is a read here; a write that re-checks before it repeats (Zitadel's
 * SetExecution re-plans) retries above the client, never inside it.
 */
export class CallPolicy {
  private readonly reads: RetryPolicy;

  constructor(settings: RetrySettings, shouldRetry: (err: UpstreamError) => boolean, logTo?: RetryLog) {
    this.reads = retryPolicy(settings, shouldRetry, logTo);
  }

  run<T>(call: CallKind, attempt: () => Promise<T>): Promise<T> {
    return call.write || call.once === true ? attempt() : this.reads.execute(attempt);
  }
}
