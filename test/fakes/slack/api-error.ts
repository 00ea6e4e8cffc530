import type { JsonObject } from './json';

/** A Web API failure: answered as HTTP 200 `{ok:false, error, ...extra}`, the way Slack does. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: JsonObject = {},
  ) {
    super(code);
  }
}

/** `invalid_arguments` / `invalid_blocks` carry Slack's `[ERROR] … [json-pointer:…]` lines. */
export function withMessages(code: string, problem: string, pointerPrefix: string): SlackApiError {
  const space = problem.indexOf(' ');
  const path = space < 0 ? problem : problem.slice(0, space);
  const message = space < 0 ? 'is invalid' : problem.slice(space + 1);
  return new SlackApiError(code, {
    response_metadata: {
      messages: [`[ERROR] ${message} [json-pointer:${pointerPrefix}${path === '/' ? '' : path}]`],
    },
  });
}
