import { isRecord } from '../shared/json';
import { truncate } from '../../core/kit/truncate';

const MAX_DEPTH = 6;
const FALLBACK_JSON_CHARS = 300;

/**
 * The innermost human sentence in an Itential error value. Adapter errors nest it:
 * `{code, message: {method, error: {code, message: "…"}}}`; the adapter method is kept as a prefix
 * because it says which adapter call to check.
 */
function innermost(value: unknown, depth: number): { text: string; method?: string } | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : { text: value.trim() };
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) return value.length > 0 ? innermost(value[0], depth + 1) : undefined;
  if (!isRecord(value)) return undefined;
  for (const key of ['error', 'message', 'msg', 'errors', 'detail', 'reason']) {
    const found = innermost(value[key], depth + 1);
    if (found) {
      const method = typeof value.method === 'string' ? value.method : undefined;
      return { text: found.text, method: found.method ?? method };
    }
  }
  return undefined;
}

/** A readable message from a string or any nested error object; truncated JSON when nothing reads as text. */
export function readableMessage(value: unknown): string {
  const found = innermost(value, 0);
  if (found) return found.method ? `${found.method}: ${found.text}` : found.text;
  if (value === undefined || value === null) return 'no message';
  return truncate(JSON.stringify(value), FALLBACK_JSON_CHARS);
}

/** The code next to the innermost message (`500` in an adapter error), when there is one. */
export function upstreamCode(value: unknown): string | undefined {
  let current: unknown = value;
  let code: string | undefined;
  for (let depth = 0; depth < MAX_DEPTH && isRecord(current); depth += 1) {
    if (typeof current.code === 'string' || typeof current.code === 'number') code = String(current.code);
    current = current.error ?? current.message;
  }
  return code;
}
