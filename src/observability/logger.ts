import pino from 'pino';
import type { Log } from '../core/kit/log';

/** Field names whose values are never logged, wherever they appear in a log object: credentials. */
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

/**
 * Fields that would carry what people typed or what Slack and the upstreams sent: request and response
 * bodies, form values, run inputs, message content. No log call passes them (lines name ids, codes and
 * counts); this is the second net should one ever do, at any level.
 */
const CONTENT_KEYS = [
  'body',
  'rawBody',
  'payload',
  'input',
  'values',
  'variables',
  'view',
  'blocks',
  'text',
  'params',
  'data',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Log & pino.Logger {
  return pino(
    {
      level,
      base: { app: 'flightdeck' },
      redact: {
        paths: [
          ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers["${k}"]`]),
          ...CONTENT_KEYS.flatMap((k) => [k, `*.${k}`]),
        ],
        censor: '[redacted]',
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
