// When to try a product again after its n-th failure in a row: doubling from one minute,
// never later than its regular interval (a failing product is retried at least as often
// as a healthy one is scraped), at least what Retry-After asked, ±20% jitter so that a
// batch that failed together does not come back together.
const BASE_SECONDS = 60;

export function retryDelaySeconds(
  failures: number,
  intervalMinutes: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const doubled = BASE_SECONDS * 2 ** Math.max(0, failures - 1);
  const capped = Math.min(doubled, intervalMinutes * 60);
  const jittered = capped * (0.8 + 0.4 * random());
  return Math.max(Math.round(jittered), Math.ceil((retryAfterMs ?? 0) / 1000), 1);
}
