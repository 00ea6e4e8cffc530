import type { Clock } from '../../core/clock';

/** A small map whose entries expire after `ttlMs` and whose oldest entries go first when it is full. */
export class RecentCache<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock.now().getTime() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { at: this.clock.now().getTime(), value });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /** Fresh entries, newest first. */
  *fresh(): Generator<[string, V]> {
    for (const [key, entry] of [...this.entries].reverse()) {
      if (this.clock.now().getTime() - entry.at <= this.ttlMs) yield [key, entry.value];
    }
  }
}
