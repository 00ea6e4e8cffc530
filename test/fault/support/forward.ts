import { request, type IncomingHttpHeaders } from 'node:http';

export interface Forwarded {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends a request on to `target` as it came and reads the whole answer. */
export function forward(
  target: string,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: string,
): Promise<Forwarded> {
  const url = new URL(path, target);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method,
        headers: { ...headers, host: url.host, connection: 'keep-alive' },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks) }),
        );
        answer.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
