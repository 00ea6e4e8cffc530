import { createHmac } from 'node:crypto';

/**
 * Slack's v0 request signature: `v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret.
 * Written here from Slack's documentation rather than imported from the bot, so a mistake in the bot's own
 * check cannot hide behind the same mistake in the tests.
 */
export function slackSignature(signingSecret: string, timestamp: string, body: string | Buffer): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}
