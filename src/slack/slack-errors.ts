import { webApi } from '@slack/bolt';
import { NotifyError } from '../core/errors';

/** Slack answers that will not change by retrying soon: the run keeps its state and the problem is logged. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'message_not_found',
  'cant_update_message',
  'invalid_blocks',
  'msg_blocks_too_long',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'restricted_action',
]);

/**
 * Maps the Web API's error classes onto the notifier's one error shape. An `ok:false` answer or a 429 means
 * Slack did not take the message (`unsent`); a failed connection or another HTTP status leaves it open.
 */
export function toNotifyError(err: unknown): NotifyError {
  if (err instanceof webApi.WebAPIPlatformError) {
    const code = String(err.data.error);
    return new NotifyError(`Slack refused: ${code}`, code, PERMANENT.has(code), undefined, true);
  }
  if (err instanceof webApi.WebAPIRateLimitedError) {
    return new NotifyError('Slack rate limit', 'ratelimited', false, err.retryAfter * 1000, true);
  }
  if (err instanceof webApi.WebAPIHTTPError) {
    return new NotifyError(`Slack answered HTTP ${err.statusCode}`, `http_${err.statusCode}`, false);
  }
  if (err instanceof webApi.WebAPIRequestError) {
    return new NotifyError('Slack could not be reached', 'request_error', false);
  }
  if (err instanceof NotifyError) return err;
  return new NotifyError(err instanceof Error ? err.message : String(err), 'unknown', false);
}

/** The Slack error code of a failed Web API call, if it was one. */
export function slackErrorCode(err: unknown): string | undefined {
  return err instanceof webApi.WebAPIPlatformError ? String(err.data.error) : undefined;
}
