import { createHash } from 'node:crypto';
import { CHOICE_MAX_LENGTH } from '../../core/operations/contract';
import { TtlCache, type TtlCacheOptions } from '../../core/kit/ttl-cache';

/** Marks a reference; a real value that starts with it is referenced too, so the two never mix. */
const REF_PREFIX = '~';
/** 22 base64url characters: 132 bits of the hash, so two values never share a reference in practice. */
const REF_HASH_LENGTH = 22;

/**
 * The value a choice carries for `full`: `full` itself when a picker can carry it whole, else a stable
 * short reference (the same for the same `full` in every process), at most CHOICE_MAX_LENGTH characters.
 */
export function choiceValue(full: string): string {
  if (full.length <= CHOICE_MAX_LENGTH && !full.startsWith(REF_PREFIX)) return full;
  const hash = createHash('sha256').update(full).digest('base64url').slice(0, REF_HASH_LENGTH);
  return `${REF_PREFIX}${hash}`;
}

/** Whether a picked value is a reference (and so must be looked up) rather than the value itself. */
export function isChoiceRef(picked: string): boolean {
  return picked.startsWith(REF_PREFIX);
}

/** The first of `candidates` whose full value `picked` stands for. */
export function resolveChoice<T>(
  picked: string,
  candidates: Iterable<T>,
  fullOf: (candidate: T) => string,
): T | undefined {
  for (const candidate of candidates) {
    const full = fullOf(candidate);
    if (picked === full || picked === choiceValue(full)) return candidate;
  }
  return undefined;
}

/**
 * References handed out by this process, remembered so that a pick resolves without asking the upstream
 * again. What a reference recalls is usually the full value; it may be any words worth showing for it.
 */
export class ChoiceValues {
  private readonly recalled: TtlCache<string, string>;

  constructor(options: TtlCacheOptions) {
    this.recalled = new TtlCache(options);
  }

  /** The value to offer for `full`; a reference remembers `recall`. */
  valueFor(full: string, recall: string = full): string {
    const value = choiceValue(full);
    if (isChoiceRef(value)) this.recalled.set(value, recall);
    return value;
  }

  /** What a picked value stands for: itself, or what its reference recalls (undefined once forgotten). */
  recall(picked: string): string | undefined {
    return isChoiceRef(picked) ? this.recalled.get(picked) : picked;
  }
}
