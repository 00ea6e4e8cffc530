/** Polls `probe` until it returns something other than undefined; real timers, so it suits HTTP tests. */
export async function waitFor<T>(
  probe: () => T | undefined,
  timeoutMs = 2000,
  describe: () => string = () => 'condition',
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`waitFor: ${describe()} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
