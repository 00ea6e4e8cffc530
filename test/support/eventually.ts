import { HANG_FLOOR_MS } from '../fakes/slack/wait-for';

/** Polls an async probe until it returns something. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const limitMs = Math.max(timeoutMs, HANG_FLOOR_MS);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`eventually: ${what} not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
