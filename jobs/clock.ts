// The scheduler's time: every decision it makes (what is due, lease ends, when to wake,
// next due times) reads this clock, so tests drive a simulated one instead of sleeping.
import { setTimeout as delay } from 'node:timers/promises';

export interface SchedulerClock {
  /** Unix ms. */
  now(): number;
  /**
   * Resolves after `ms` (Infinity: only when `signal` aborts), or as soon as `signal`
   * aborts; never rejects.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

// setTimeout's ceiling (~24.8 days); a longer or infinite sleep waits for the signal.
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: SchedulerClock = {
  now: Date.now,
  async sleep(ms, signal) {
    if (signal?.aborted) return;
    if (!Number.isFinite(ms) || ms > MAX_TIMER_MS) {
      if (!signal) throw new Error('an unbounded sleep needs a signal');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      return;
    }
    await delay(Math.max(0, ms), undefined, { signal }).catch(() => {});
  },
};
