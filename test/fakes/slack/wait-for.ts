/**
 * A wait's deadline only tells a hang from a slow pass: a machine busy with other work can be many times
 * slower than an idle one, so no wait gives up sooner than this, whatever its caller expects.
 */
export const HANG_FLOOR_MS = 20_000;

/** Polls `probe` until it returns something other than undefined; real timers, so it suits HTTP tests. */
export async function waitFor<T>(
  probe: () => T | undefined,
  timeoutMs = 2000,
  describe: () => string = () => 'condition',
  intervalMs = 10,
): Promise<T> {
  const limitMs = Math.max(timeoutMs, HANG_FLOOR_MS);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`waitFor: ${describe()} not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
