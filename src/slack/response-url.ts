import { request } from 'undici';

/**
 * Posts a reply to a command's response_url, as Bolt's `respond` does, with undici's `request` instead of
 * `fetch`. The replies of `/ops runs` and `/ops status` are sent on the event loop that acknowledges the
 * next requests; `fetch` builds WHATWG requests, streams and abort signals for each, about four times the
 * CPU and garbage of the POST itself (bench/README.md, ack-latency). Like `respond`, a refused reply throws.
 */
export async function replyTo(responseUrl: string, message: object): Promise<void> {
  const { statusCode, body } = await request(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
  });
  // An unread body would keep its connection from the pool.
  await body.dump();
  if (statusCode < 200 || statusCode >= 300)
    throw new Error(`Failed to respond to the response_url: HTTP ${String(statusCode)}`);
}
