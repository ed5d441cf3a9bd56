// Delays between attempts: exponential backoff with jitter, and Retry-After honoured as
// a floor (ASA: "Always respect Retry-After").

export interface BackoffPolicy {
  /** Delay before the 2nd attempt; doubles each attempt after. */
  readonly baseMs: number;
  /** Ceiling of the exponential part. */
  readonly maxMs: number;
  /** 0 ≤ random() < 1; injectable for tests. */
  readonly random: () => number;
}

/**
 * Delay after failed attempt `attempt` (1-based): half the exponential step fixed, half
 * random ("equal jitter"), so retries from many workers spread out but never collapse to 0.
 * With a Retry-After, that wait plus a little jitter.
 */
export function retryDelay(policy: BackoffPolicy, attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs + Math.floor(policy.random() * Math.min(policy.baseMs, 1000));
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.floor(step / 2 + policy.random() * (step / 2));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent/invalid. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
