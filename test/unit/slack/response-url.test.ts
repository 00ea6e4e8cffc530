import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { replyTo } from '../../../src/slack/response-url';

/** A response_url endpoint: `/expired` answers 404 as Slack does for a used-up URL, anything else 200. */
describe('replyTo', () => {
  let server: Server;
  let baseUrl: string;
  const received: { path: string; contentType: string; body: unknown }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          contentType: req.headers['content-type'] ?? '',
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
        });
        res.writeHead(req.url === '/expired' ? 404 : 200, { 'content-type': 'text/plain' });
        res.end(req.url === '/expired' ? 'expired_url' : 'ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
  });

  it('posts the message as JSON to the response_url', async () => {
    const message = { response_type: 'ephemeral', text: 'Recent runs', blocks: [{ type: 'divider' }] };
    await replyTo(`${baseUrl}/commands/T1/1/abc`, message);
    await replyTo(`${baseUrl}/commands/T1/2/def`, { text: 'again' });
    expect(received).toEqual([
      { path: '/commands/T1/1/abc', contentType: 'application/json', body: message },
      { path: '/commands/T1/2/def', contentType: 'application/json', body: { text: 'again' } },
    ]);
  });

  it('throws when Slack refuses the reply, like Bolt’s respond', async () => {
    await expect(replyTo(`${baseUrl}/expired`, { text: 'late' })).rejects.toThrow(
      'Failed to respond to the response_url: HTTP 404',
    );
    expect(received).toHaveLength(1);
  });
});
