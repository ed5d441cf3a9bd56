// A simulated clock for the scheduler: time moves only when the test moves it, and only
// once everything the scheduler runs is asleep on the clock (its actors all sleeping), so
// an hour of scheduling runs in a second, the same way every time.
import type { SchedulerClock } from '../../jobs/clock.js';

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
}

export class SimulatedClock implements SchedulerClock {
  private readonly sleepers = new Set<Sleeper>();

  constructor(private time: number) {}

  now = (): number => this.time;

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        at: this.time + Math.max(0, ms),
        resolve: () => {
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', sleeper.resolve);
          resolve();
        },
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.resolve, { once: true });
    });
  }

  /** How many sleeps are pending. */
  get sleeping(): number {
    return this.sleepers.size;
  }

  /** The earliest wake-up time (undefined: nobody sleeps on a timer). */
  nextWakeAt(): number | undefined {
    let next: number | undefined;
    for (const s of this.sleepers) if (Number.isFinite(s.at) && (next === undefined || s.at < next)) next = s.at;
    return next;
  }

  /** Moves to `time` and wakes every sleeper due by then. */
  advanceTo(time: number): void {
    this.time = Math.max(this.time, time);
    for (const s of [...this.sleepers]) if (s.at <= this.time) s.resolve();
  }
}

/** Something whose concurrent activities sleep on the clock (the scheduler). */
export interface Actors {
  readonly actors: number;
}

/**
 * Waits (bounded, on real time) until every actor sleeps on the clock: `extra` counts
 * sleepers the test itself adds (a scrape waiting on the clock is the scheduler's actor).
 */
export async function settled(clock: SimulatedClock, subject: Actors, extra = 0): Promise<void> {
  const deadline = Date.now() + 60_000;
  let quiet = 0;
  // Two consecutive quiet turns of the event loop: an actor between two awaits is not asleep.
  while (quiet < 2) {
    if (Date.now() > deadline) throw new Error(`not settled: ${clock.sleeping} asleep of ${subject.actors + extra} actors`);
    await new Promise((resolve) => setImmediate(resolve));
    quiet = clock.sleeping >= subject.actors + extra ? quiet + 1 : 0;
  }
}

/** Runs the simulation until `until`: settle, jump to the next wake-up, repeat. */
export async function runUntil(clock: SimulatedClock, subject: Actors, until: number): Promise<void> {
  for (;;) {
    await settled(clock, subject);
    const next = clock.nextWakeAt();
    if (next === undefined || next > until) {
      clock.advanceTo(until);
      await settled(clock, subject);
      return;
    }
    clock.advanceTo(next);
  }
}

/** Stops `subject`, moving the clock on so that scrapes still asleep on it can finish. */
export async function stopOn(clock: SimulatedClock, subject: Actors & { stop(): Promise<void> }): Promise<void> {
  let done = false;
  const stopped = subject.stop().finally(() => (done = true));
  while (!done) {
    await settled(clock, subject);
    if (done) break;
    const next = clock.nextWakeAt();
    if (next === undefined) break;
    clock.advanceTo(next);
  }
  await stopped;
}
