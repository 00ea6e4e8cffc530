import type { Clock } from '../../core/clock';

/** Keeps each loaded value for `ttlMs`; concurrent loads of one key share a single request. */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { at: number; value: Promise<V> }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now().getTime();
    const entry = this.entries.get(key);
    if (entry && now - entry.at < this.ttlMs) return entry.value;
    const value = load();
    this.entries.set(key, { at: now, value });
    // A failed load is not kept: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  forget(key: K): void {
    this.entries.delete(key);
  }
}
