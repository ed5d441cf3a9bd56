// When a tracked product is due again after a successful scrape. Counted from when it was
// due, not from when the scrape ended, so an interval of N minutes means a scrape every N
// minutes on average however long scrapes take. ±10% jitter (mean zero, so the average
// holds) spreads products added together over time instead of keeping them in one burst.
// A product more than one interval late (the process was down, the queue was long) skips
// the slots it missed rather than being scraped twice in a row to catch up.
export const INTERVAL_JITTER = 0.1;

export function nextDueAfterSuccess(
  dueMs: number,
  intervalMinutes: number,
  nowMs: number,
  random: () => number = Math.random,
): number {
  const interval = intervalMinutes * 60_000;
  const missed = Math.max(0, Math.floor((nowMs - dueMs) / interval));
  const slot = dueMs + (missed + 1) * interval;
  const jitter = interval * INTERVAL_JITTER * (2 * random() - 1);
  return Math.max(Math.round(slot + jitter), nowMs);
}
