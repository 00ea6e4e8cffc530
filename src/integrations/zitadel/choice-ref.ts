import { createHash } from 'node:crypto';

/** Slack keeps at most 75 characters of an option's value; longer values travel as a hash. */
const MAX_VALUE = 75;
const PREFIX = '~';

/** The value a picker option carries for `full`: itself when short enough, else a stable hash of it. */
export function choiceRef(full: string): string {
  if (full.length <= MAX_VALUE && !full.startsWith(PREFIX)) return full;
  return `${PREFIX}${createHash('sha256').update(full).digest('base64url').slice(0, 22)}`;
}

/** Whether a picked value stands for `full`. */
function refersTo(picked: string, full: string): boolean {
  return picked === full || picked === choiceRef(full);
}

export function isHashRef(picked: string): boolean {
  return picked.startsWith(PREFIX);
}

/** The first of `candidates` that `picked` stands for. */
export function resolveRef<T>(
  picked: string,
  candidates: Iterable<T>,
  fullOf: (c: T) => string,
): T | undefined {
  for (const candidate of candidates) if (refersTo(picked, fullOf(candidate))) return candidate;
  return undefined;
}
