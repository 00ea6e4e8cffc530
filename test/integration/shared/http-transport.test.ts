import { AxiosError } from 'axios';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLog } from '../../../src/core/kit/log';
import { HttpTransport, type TransportOptions } from '../../../src/integrations/shared/http-transport';
import { classifyFailure } from '../../../src/integrations/shared/transport-failure';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let baseUrl: string;
let seen: Seen[];
let handle: (req: IncomingMessage, res: ServerResponse, body: string) => void;

beforeEach(async () => {
  seen = [];
  handle = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      handle(req, res, body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterEach(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const transport = (options: Partial<TransportOptions> = {}) =>
  new HttpTransport({
    system: 'test',
    baseUrl,
    timeoutMs: 2_000,
    maxResponseBytes: 64 * 1024,
    log: silentLog,
    ...options,
  });

describe('answers', () => {
  it('returns any status as text, with headers in lower case', async () => {
    handle = (_req, res) =>
      res.writeHead(500, { 'Content-Type': 'text/plain', 'X-Total-Pages': '3' }).end('{"oops":1}');
    const result = await transport().send({ method: 'GET', path: '/things', write: false });
    expect(result).toEqual({
      ok: true,
      response: {
        status: 500,
        text: '{"oops":1}',
        contentType: 'text/plain',
        headers: expect.objectContaining({ 'content-type': 'text/plain', 'x-total-pages': '3' }) as unknown,
      },
    });
  });

  it('does not follow a redirect: the 3xx and its location come back as they are', async () => {
    handle = (_req, res) => res.writeHead(302, { location: '/login?next=x' }).end();
    const result = await transport().send({ method: 'GET', path: '/things', write: false });
    expect(result.ok && result.response).toMatchObject({
      status: 302,
      headers: { location: '/login?next=x' },
    });
    expect(seen).toHaveLength(1);
  });

  it('sends the system’s headers and params; a request’s own win', async () => {
    const http = transport({
      headers: { 'x-api-key': 'key-1', Accept: 'application/vnd.test' },
      params: { account: 'a1', page: 1 },
    });
    await http.send({
      method: 'POST',
      path: '/things',
      params: { page: 2, skipped: undefined },
      headers: { 'x-api-key': 'key-2' },
      json: { name: 'x' },
      write: true,
    });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/things?account=a1&page=2',
      body: '{"name":"x"}',
      headers: { 'x-api-key': 'key-2', accept: 'application/vnd.test' },
    });
  });

  it('sends a form body form-encoded, and asks for JSON by default', async () => {
    await transport().send({ method: 'POST', path: '/token', form: { grant_type: 'x y' }, write: false });
    expect(seen[0]?.body).toBe('grant_type=x+y');
    expect(seen[0]?.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    });
  });
});

describe('failures', () => {
  it('a refused connection was never sent: not ambiguous, even for a write', async () => {
    const gone = createServer();
    gone.listen(0, '127.0.0.1');
    await once(gone, 'listening');
    const { port } = gone.address() as AddressInfo;
    gone.close();
    await once(gone, 'close');
    const result = await transport({ baseUrl: `http://127.0.0.1:${port}` }).send({
      method: 'POST',
      path: '/start',
      write: true,
    });
    expect(result).toMatchObject({
      ok: false,
      failure: { reason: 'not_sent', code: 'ECONNREFUSED', ambiguous: false },
    });
  });

  it('a connection dropped after the request is ambiguous for a write only', async () => {
    handle = (req) => req.socket.destroy();
    const write = await transport().send({ method: 'POST', path: '/start', write: true });
    const read = await transport().send({ method: 'GET', path: '/job', write: false });
    expect(write).toMatchObject({ ok: false, failure: { reason: 'reset_after_send', ambiguous: true } });
    expect(read).toMatchObject({ ok: false, failure: { reason: 'reset_after_send', ambiguous: false } });
  });

  it('a slow answer times out at the request’s own deadline', async () => {
    // The server's answer is due long after the deadline: the result must come first, however slow the machine.
    let answered = false;
    handle = (_req, res) =>
      setTimeout(() => {
        answered = true;
        res.end('{}');
      }, 2_000);
    const result = await transport().send({ method: 'POST', path: '/start', timeoutMs: 100, write: true });
    expect(result).toMatchObject({
      ok: false,
      failure: { reason: 'timed_out', timeoutMs: 100, ambiguous: true },
    });
    expect(answered).toBe(false);
  });

  it('the deadline bounds the whole exchange, not only an idle socket', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => res.write(' '), 30);
      res.on('close', () => clearInterval(drip));
    };
    const result = await transport({ timeoutMs: 200 }).send({ method: 'GET', path: '/job', write: false });
    expect(result).toMatchObject({ ok: false, failure: { reason: 'timed_out', ambiguous: false } });
  });

  it('an answer over the limit is too large', async () => {
    handle = (_req, res) => res.end('x'.repeat(10_000));
    const result = await transport({ maxResponseBytes: 1_000 }).send({
      method: 'GET',
      path: '/',
      write: false,
    });
    expect(result).toMatchObject({ ok: false, failure: { reason: 'too_large', ambiguous: false } });
  });

  it('a body over the request limit is refused before anything is sent', async () => {
    const result = await transport({ maxRequestBytes: 100 }).send({
      method: 'POST',
      path: '/start',
      json: { blob: 'x'.repeat(500) },
      write: true,
    });
    expect(result).toMatchObject({ ok: false, failure: { reason: 'not_sent', ambiguous: false } });
    expect(seen).toHaveLength(0);
  });
});

describe('classifyFailure', () => {
  it.each([
    ['CERT_HAS_EXPIRED', 'not_sent'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'not_sent'],
    ['ENOTFOUND', 'not_sent'],
    ['ECONNRESET', 'reset_after_send'],
    ['ETIMEDOUT', 'timed_out'],
    ['ERR_CANCELED', 'timed_out'],
  ])('%s → %s', (code, reason) => {
    expect(classifyFailure(new AxiosError('failed', code), true, 1_000)).toMatchObject({ reason, code });
  });

  it('an error without a code may have been sent', () => {
    expect(classifyFailure(new Error('socket hang up'), true, 1_000)).toEqual({
      reason: 'reset_after_send',
      detail: 'socket hang up',
      timeoutMs: 1_000,
      ambiguous: true,
    });
  });
});
