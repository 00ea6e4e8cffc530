import { type Clock, systemClock } from './clock';

export interface TtlCacheOptions {
  /** How long a stored value is used; forever when unset. 0 keeps nothing but still shares loads in flight. */
  ttlMs?: number;
  /** Past this many entries, the ones stored longest ago go first; unbounded when unset. */
  maxEntries?: number;
  clock?: Clock;
}

/**
 * Values kept for a while, at most so many of them. `load` fills the cache: concurrent loads of one
 * key share a single call, and a failed load is not kept, so the next caller tries again.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { at: number; value: V }>();
  private readonly pending = new Map<K, Promise<V>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: Clock;

  constructor(options: TtlCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? Infinity;
    this.maxEntries = options.maxEntries ?? Infinity;
    this.clock = options.clock ?? systemClock;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    return entry && this.isFresh(entry.at) ? entry.value : undefined;
  }

  /** The value last stored, however old: a fallback while the source cannot be read. */
  last(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: K, value: V): void {
    this.store(key, value, this.now());
  }

  forget(key: K): void {
    this.entries.delete(key);
    this.pending.delete(key);
  }

  /** Fresh entries, the most recently stored first. */
  *fresh(): Generator<[K, V]> {
    for (const [key, entry] of [...this.entries].reverse()) {
      if (this.isFresh(entry.at)) yield [key, entry.value];
    }
  }

  /** The fresh value, or the one `loader` gives; its age counts from when the load started. */
  load(key: K, loader: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && this.isFresh(entry.at)) return Promise.resolve(entry.value);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const started = this.now();
    const loading = loader();
    this.pending.set(key, loading);
    loading.then(
      (value) => {
        // A key forgotten while it loaded stays forgotten.
        if (this.pending.get(key) !== loading) return;
        this.pending.delete(key);
        this.store(key, value, started);
      },
      () => {
        if (this.pending.get(key) === loading) this.pending.delete(key);
      },
    );
    return loading;
  }

  private store(key: K, value: V, at: number): void {
    this.entries.delete(key);
    this.entries.set(key, { at, value });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  private isFresh(at: number): boolean {
    return this.now() - at < this.ttlMs;
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
