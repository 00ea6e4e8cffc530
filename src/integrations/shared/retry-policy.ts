import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { Log } from '../../core/kit/log';
import { isUpstreamError, type UpstreamError } from '../../core/operations/problem';

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
