import { LogLevel, type Logger } from '@slack/bolt';
import type { Log } from '../core/kit/log';

/** What a Bolt line says instead of the payload it carried. */
export const PAYLOAD_NOT_LOGGED = '[payload not logged]';

/**
 * One Bolt, Web API or Socket Mode line without the payload it may carry. At debug these libraries append
 * whole JSON documents to their lines: every Socket Mode envelope received (a modal's submitted values,
 * a command's text), every Web API request body and result (messages, views, channel history). Any of
 * these can hold a secret someone typed, so a line is kept up to its first `{` or `[`, and objects passed
 * as arguments are not written at all; the line still says what happened (`http request body:`, …).
 */
function text(msg: unknown[]): string {
  const line = msg
    .map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : PAYLOAD_NOT_LOGGED))
    .join(' ');
  const payloadAt = line.search(/[{[]/);
  return payloadAt < 0 ? line : `${line.slice(0, payloadAt).trimEnd()} ${PAYLOAD_NOT_LOGGED}`;
}

/** Bolt logs through Flightdeck's logger, so its lines are JSON and redacted like every other. */
export function boltLogger(log: Log): Logger {
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => log.debug({ source: 'bolt' }, text(msg)),
    info: (...msg: unknown[]) => log.info({ source: 'bolt' }, text(msg)),
    warn: (...msg: unknown[]) => log.warn({ source: 'bolt' }, text(msg)),
    error: (...msg: unknown[]) => log.error({ source: 'bolt' }, text(msg)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
