import { randomBytes } from 'node:crypto';
import { slackSignature } from '../../test/support/slack-signature';
import type { SlackIdentity } from './fake-slack-process';

/** A request body with the headers Slack sends it with. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Slack's v0 request signature: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
export function signRequest(signingSecret: string, body: string, contentType: string): SignedRequest {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(signingSecret, timestamp, body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    },
  };
}

/** `/ops <text>` typed by the identity's user in its channel, form-encoded and signed as Slack sends it. */
export function slashCommand(
  signingSecret: string,
  identity: SlackIdentity,
  text: string,
  responseUrl: string,
): SignedRequest {
  const body = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: identity.teamId,
    team_domain: identity.teamDomain,
    channel_id: identity.channelId,
    channel_name: identity.channelName,
    user_id: identity.userId,
    user_name: identity.userName,
    command: '/ops',
    text,
    api_app_id: identity.appId,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: `${String(Date.now())}.${randomBytes(8).toString('hex')}`,
  }).toString();
  return signRequest(signingSecret, body, 'application/x-www-form-urlencoded');
}
