import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * An HTTP server for a fake or a proxy, keeping idle connections open longer than any client here does
 * (undici drops its idle ones after about 4 s). With Node's default of 5 s, a client whose idle timer
 * fires late on a loaded machine sends its next request on a connection the server has just closed, and
 * gets ECONNRESET. Closing the server still closes its idle connections at once.
 */
export function loopbackServer(listener?: RequestListener): Server {
  const server = createServer(listener);
  server.keepAliveTimeout = 60_000;
  return server;
}
