// The attempt loop every backend shares: run an attempt, record it, and try again after
// exponential backoff with jitter (at least Retry-After when one was sent), up to a
// bounded number of attempts. The error decides (its catalogue policy): only `retry`
// errors are tried again here; every other policy, or a Retry-After longer than we are
// willing to hold a worker for, ends the loop at once and goes back to the caller.
import { scrapeError, type ScrapeError } from '../errors.js';
import type { AttemptRecord } from '../types.js';
import { retryDelay, sleep, type BackoffPolicy } from './backoff.js';

export interface RetryPolicy extends BackoffPolicy {
  readonly maxAttempts: number;
  /** A Retry-After above this is not waited out here: the error goes back to the caller. */
  readonly maxRetryAfterMs: number;
}

export type AttemptResult<T> =
  | { readonly ok: true; readonly value: T; readonly httpStatus: number | null; readonly proxy: string | null; readonly queuedMs?: number }
  | { readonly ok: false; readonly error: ScrapeError; readonly httpStatus: number | null; readonly proxy: string | null; readonly queuedMs?: number };

export type LoopResult<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: AttemptRecord[] }
  | { readonly ok: false; readonly error: ScrapeError; readonly attempts: AttemptRecord[] };

/**
 * Runs `attempt(n, previousError)` until it succeeds or the policy gives up. Rejects only
 * when `signal` aborts (with its reason); every other failure is a resolved `ok: false`.
 */
export async function runAttempts<T>(
  policy: RetryPolicy,
  attempt: (n: number, previous: ScrapeError | null) => Promise<AttemptResult<T>>,
  signal?: AbortSignal,
): Promise<LoopResult<T>> {
  const attempts: AttemptRecord[] = [];
  let previous: ScrapeError | null = null;
  let waitedMs = 0;
  for (let n = 1; ; n++) {
    signal?.throwIfAborted();
    const wallStart = Date.now();
    const started = performance.now();
    let result: AttemptResult<T>;
    try {
      result = await attempt(n, previous);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      result = { ok: false, error: scrapeError('internal_error', `attempt ${n} threw: ${(error as Error)?.message ?? error}`), httpStatus: null, proxy: null };
    }
    const queuedMs = Math.round(result.queuedMs ?? 0);
    attempts.push({
      attempt: n,
      started_at: new Date(wallStart + queuedMs).toISOString(),
      duration_ms: Math.max(0, Math.round(performance.now() - started) - queuedMs),
      http_status: result.httpStatus,
      outcome: result.ok ? 'ok' : result.error.code,
      proxy: result.proxy,
      waited_ms: waitedMs + queuedMs,
    });
    if (result.ok) return { ok: true, value: result.value, attempts };

    const error = result.error;
    const tooLong = error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs;
    const retry = error.policy === 'retry';
    if (!retry || n >= policy.maxAttempts || tooLong) {
      const why = !retry ? '' : tooLong ? `; retry after ${error.retryAfterMs} ms` : `; gave up after ${n} attempt${n === 1 ? '' : 's'}`;
      return { ok: false, error: { ...error, message: `${error.message}${why}` }, attempts };
    }
    previous = error;
    waitedMs = retryDelay(policy, n, error.retryAfterMs);
    await sleep(waitedMs, signal);
  }
}
