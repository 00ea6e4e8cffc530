import type { IncomingMessage } from 'node:http';
import { isJsonObject, type JsonObject } from './json';

// WebClient JSON-stringifies nested arguments into one form field each.
const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata'];
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface ParsedRequest {
  params: JsonObject;
  raw: string;
  contentType: string;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// A field that is not valid JSON stays a string, so the method can answer `invalid_blocks_format` & co.
function decodeJsonFields(params: JsonObject): JsonObject {
  for (const field of JSON_FIELDS) {
    const value = params[field];
    if (typeof value !== 'string') continue;
    try {
      params[field] = JSON.parse(value) as unknown;
    } catch {
      // left as the raw string on purpose
    }
  }
  return params;
}

/** Query string, then form or JSON body: everything a Web API call can carry its arguments in. */
export function parseApiRequest(url: URL, raw: string, contentType: string): ParsedRequest {
  const params: JsonObject = Object.fromEntries(url.searchParams);
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' && raw.trim() !== '') {
    const body: unknown = JSON.parse(raw);
    if (isJsonObject(body)) Object.assign(params, body);
  } else if (raw !== '') {
    Object.assign(params, Object.fromEntries(new URLSearchParams(raw)));
  }
  return { params: decodeJsonFields(params), raw, contentType };
}
