/**
 * Serialises work per key inside one process (leases guard runs across processes; this keeps two
 * tasks of the same process, such as a poll and a cancel, from posting the same update twice).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys that a task holds or waits for. */
  busy(): string[] {
    return [...this.tails.keys()];
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
