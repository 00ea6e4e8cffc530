import { LogLevel, type Logger } from '@slack/bolt';
import type { Log } from '../core/kit/log';

const text = (msg: unknown[]) =>
  msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');

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
