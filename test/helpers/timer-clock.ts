// A clock with timers that only the test moves: sleeps resolve when `advance` passes
// their deadline, never because wall time went by, so timing tests hold under any load.
import type { LimiterClock } from '../../src/scraper/fetch/host-limiter.js';

interface Timer {
  readonly at: number;
  readonly resolve: () => void;
}

export class ManualTimerClock implements LimiterClock {
  private ms = 0;
  private timers: Timer[] = [];

  readonly now = (): number => this.ms;

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer: Timer = {
        at: this.ms + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
    });
  };

  /** Sleeps not yet due. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward and wakes every sleep due by then, earliest first. */
  advance(ms: number): void {
    this.ms += ms;
    const due = this.timers.filter((t) => t.at <= this.ms).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.at > this.ms);
    for (const timer of due) timer.resolve();
  }
}

/**
 * Lets promise callbacks and I/O run until `done()` holds. The wall-clock bound only keeps
 * a broken test from hanging; it decides nothing.
 */
export async function settle(done: () => boolean, boundMs = 10_000): Promise<void> {
  const giveUp = performance.now() + boundMs;
  while (!done()) {
    if (performance.now() > giveUp) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
