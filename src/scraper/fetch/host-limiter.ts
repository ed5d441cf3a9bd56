// Per-host politeness: at most `concurrency` requests in flight to one host, and request
// starts spaced 1/rate seconds apart. Waiters queue in order; an aborted waiter leaves
// the queue. Time comes from an injected clock, so tests drive it instead of the wall.
import { sleep } from './backoff.js';

/** Where the limiter reads time and waits; tests pass a manual one. */
export interface LimiterClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolves after `ms` of this clock, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const SYSTEM_CLOCK: LimiterClock = { now: () => performance.now(), sleep };

interface HostState {
  active: number;
  readonly queue: Array<() => void>;
  /** clock.now() before which no new request may start. */
  nextStart: number;
}

export interface HostPermit {
  /** Time spent waiting for the slot and the rate limit, in ms. */
  readonly waitedMs: number;
  release(): void;
}

export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly concurrency: number,
    private readonly ratePerSecond: number,
    private readonly clock: LimiterClock = SYSTEM_CLOCK,
  ) {}

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, queue: [], nextStart: 0 };
      this.hosts.set(host, state);
    }
    return state;
  }

  /** Takes a slot; true when the request had to queue for it. */
  private async slot(state: HostState, signal?: AbortSignal): Promise<boolean> {
    if (state.active < this.concurrency) {
      state.active++;
      return false;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = state.queue.indexOf(grant);
        if (i >= 0) state.queue.splice(i, 1);
        reject(signal!.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      state.queue.push(grant); // release() hands its slot over: active stays counted
    });
    return true;
  }

  async acquire(host: string, signal?: AbortSignal): Promise<HostPermit> {
    const started = this.clock.now();
    const state = this.state(host);
    const queued = await this.slot(state, signal);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = state.queue.shift();
      if (next) next();
      else state.active--;
    };
    try {
      const interval = 1000 / this.ratePerSecond;
      const now = this.clock.now();
      const start = Math.max(now, state.nextStart);
      state.nextStart = start + interval;
      // Nothing to wait for: no timer, and no wait reported (a sleep(0) on a busy machine
      // took milliseconds that were scheduling, not the limiter holding the request).
      if (start > now) await this.clock.sleep(start - now, signal);
      else if (!queued) return { waitedMs: 0, release };
    } catch (error) {
      release();
      throw error;
    }
    return { waitedMs: Math.round(this.clock.now() - started), release };
  }

  /** Requests in flight and waiting, per host (for logs and tests). */
  snapshot(): Record<string, { active: number; queued: number }> {
    return Object.fromEntries([...this.hosts].map(([host, s]) => [host, { active: s.active, queued: s.queue.length }]));
  }
}
