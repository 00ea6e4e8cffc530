import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLog } from '../../../src/core/kit/log';
import { parseCoreEnv } from '../../../src/config/env';
import { HttpTransport } from '../../../src/integrations/shared/http-transport';
import { Metrics } from '../../../src/observability/metrics';

describe('upstream metrics', () => {
  let server: Server;
  let baseUrl: string;
  let metrics: Metrics;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/down' ? 503 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    metrics = new Metrics();
  });
  afterEach(() => {
    metrics.close();
  });

  const transport = (url: string) =>
    new HttpTransport({
      system: 'itential',
      baseUrl: url,
      timeoutMs: 2_000,
      maxResponseBytes: 1024,
      log: silentLog,
    });

  it('times every exchange by system and status, and counts the failed ones', async () => {
    await transport(baseUrl).send({ method: 'GET', path: '/ok', write: false });
    await transport(baseUrl).send({ method: 'GET', path: '/down', write: false });
    // Nothing listens on port 1: the request never leaves.
    await transport('http://127.0.0.1:1').send({ method: 'GET', path: '/x', write: false });

    const seconds = await metrics.upstreamSeconds.get();
    expect(
      seconds.values
        .filter((v) => v.metricName === 'flightdeck_upstream_request_seconds_count')
        .map((v) => [v.labels, v.value]),
    ).toEqual([
      [{ system: 'itential', status: '200' }, 1],
      [{ system: 'itential', status: '503' }, 1],
      [{ system: 'itential', status: 'not_sent' }, 1],
    ]);
    const errors = await metrics.upstreamErrors.get();
    expect(errors.values.map((v) => [v.labels, v.value])).toEqual([
      [{ system: 'itential', status: '503' }, 1],
      [{ system: 'itential', status: 'not_sent' }, 1],
    ]);
  });

  it('a closed registry no longer counts', async () => {
    metrics.close();
    await transport(baseUrl).send({ method: 'GET', path: '/ok', write: false });
    expect((await metrics.upstreamErrors.get()).values).toEqual([]);
    expect(
      (await metrics.upstreamSeconds.get()).values.filter((v) => v.metricName?.endsWith('_count')),
    ).toEqual([]);
  });
});

describe('METRICS_PORT and METRICS_HOST', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-0123456789' };

  it('default to 9464 on loopback', () => {
    expect(parseCoreEnv(base).env).toMatchObject({ METRICS_PORT: 9464, METRICS_HOST: '127.0.0.1' });
  });

  it('are read and checked', () => {
    expect(parseCoreEnv({ ...base, METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' }).env).toMatchObject({
      METRICS_PORT: 0,
      METRICS_HOST: '0.0.0.0',
    });
    expect(parseCoreEnv({ ...base, METRICS_PORT: '70000', METRICS_HOST: 'http://x/' }).problems).toEqual([
      'METRICS_PORT: must be between 0 (any free port) and 65535',
      'METRICS_HOST: must be a host name or an address such as 127.0.0.1 or 0.0.0.0',
    ]);
  });
});
