// When an outbound push is tried again: 1 min, 2 min, 5 min, 15 min and 1 h after the
// failed attempts, then it is given up ("failed" with its last error). Six attempts over
// about 1 h 23 min ride out a receiver's deploy or a short outage without hammering it.
export const RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000, 300_000, 900_000, 3_600_000];

/** Attempts in all: the first one plus one per delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/**
 * The unix-ms instant of the next attempt after `attemptsMade` attempts (counting the one
 * that just failed, at `nowMs` of the injected clock), or null when none is left.
 */
export function nextAttemptAt(attemptsMade: number, nowMs: number): number | null {
  const delay = RETRY_DELAYS_MS[attemptsMade - 1];
  return delay === undefined ? null : nowMs + delay;
}
