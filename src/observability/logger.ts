import pino from 'pino';
import type { Log } from '../core/kit/log';

/** Field names whose values are never logged, wherever they appear in a log object. */
const SECRET_KEYS = [
  'token',
  'password',
  'secret',
  'apiKey',
  'api_key',
  'authorization',
  'clientSecret',
  'cookie',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Log & pino.Logger {
  return pino(
    {
      level,
      base: { app: 'flightdeck' },
      redact: {
        paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers["${k}"]`]),
        censor: '[redacted]',
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
