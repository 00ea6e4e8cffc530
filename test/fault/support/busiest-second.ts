/** Most of the sorted `times` (ms) that fall inside any one-second window. */
export function busiestSecond(times: number[]): number {
  let best = 0;
  let start = 0;
  times.forEach((t, end) => {
    while ((times[start] ?? t) <= t - 1_000) start += 1;
    best = Math.max(best, end - start + 1);
  });
  return best;
}
