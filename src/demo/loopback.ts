import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a simulator route sees it. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface SimReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): SimReply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

export interface LoopbackServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `route` on 127.0.0.1 (a free port): the demo never listens beyond this machine. */
export async function serveLoopback(route: (req: SimRequest) => SimReply): Promise<LoopbackServer> {
  const server = createServer((req, res) => void answer(req, res, route));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  route: (req: SimRequest) => SimReply,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let body: unknown;
  try {
    body = raw === '' ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    body = raw;
  }
  const reply = route({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body });
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
