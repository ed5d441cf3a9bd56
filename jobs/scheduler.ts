// The tracking scheduler. It claims products as they fall due (it sleeps until the next
// due time, not until the next minute), claims no more than its lanes can start before
// the leases end, renews the lease of every scrape still running, and gives unstarted
// claims back when it stops. Across processes the claim's SKIP LOCKED + lease keeps
// workers off each other's products; a killed worker's claims come back when their lease
// ends (server) or at once when the embedded data directory is opened again (openStore).
import { hostname } from 'node:os';
import cron from 'node-cron';
import type { Logger } from 'pino';
import {
  claimDue, compressOldChunks, isDatabaseUnavailable, nextDueAt, releaseLeases, renewLeases, type ClaimedProduct, type Store,
} from '../src/store/index.js';
import { systemClock, type SchedulerClock } from './clock.js';
import { scrapeTracked, type ScrapeProduct, type TrackedScrapeSummary } from './scrape-tracked.js';

export interface TickOptions {
  readonly store: Store;
  readonly scrape: ScrapeProduct;
  readonly worker?: string;
  /** Products claimed at most per claim (default 25). */
  readonly batchSize?: number;
  /** Scrapes in flight at once (default 4). */
  readonly concurrency?: number;
  /** Seconds a claim is leased for (default 600), renewed while its scrape runs. */
  readonly leaseSeconds?: number;
  readonly logger?: Logger;
  /**
   * The scheduler's time (default the system clock): due times, leases, next due times,
   * the Keepa minute of each observation. A plain function pins "now" for a single run.
   */
  readonly clock?: SchedulerClock | (() => number);
  /** Jitter source (default Math.random). */
  readonly random?: () => number;
  /** Called after each scrape, for progress output. */
  readonly onScrape?: (summary: TrackedScrapeSummary) => void;
}

export interface SchedulerOptions extends TickOptions {
  /** Longest sleep (default 60 s): how soon products added by other processes, or whose lease ended, are seen. */
  readonly pollMs?: number;
}

export interface TickSummary {
  readonly scraped: number;
  readonly ok: number;
  readonly failed: number;
  readonly pointsWritten: number;
  readonly errorsByCode: Record<string, number>;
  readonly durationMs: number;
}

export function defaultWorkerName(): string {
  return `${hostname()}:${process.pid}`;
}

// Until a scrape has been timed, assume one takes this long (a slow page with retries).
const INITIAL_SCRAPE_ESTIMATE_MS = 30_000;
// After a failed claim or lease renewal (database unreachable), try again after this.
const ERROR_PAUSE_MS = 5_000;

function asClock(clock: TickOptions['clock']): SchedulerClock {
  if (clock === undefined) return systemClock;
  if (typeof clock === 'function') return { now: clock, sleep: systemClock.sleep };
  return clock;
}

export class Scheduler {
  private readonly clock: SchedulerClock;
  private readonly worker: string;
  private readonly lanes: number;
  private readonly batchSize: number;
  private readonly leaseSeconds: number;
  private readonly queue: ClaimedProduct[] = [];
  private readonly running = new Map<number, Promise<void>>();
  private estimateMs = INITIAL_SCRAPE_ESTIMATE_MS;
  private wake = new AbortController();
  private readonly stopped = new AbortController();
  private loopDone: Promise<void> | null = null;
  private keeperDone: Promise<void> | null = null;
  private activeActors = 0;
  private readonly totals = { scraped: 0, ok: 0, failed: 0, pointsWritten: 0, errorsByCode: {} as Record<string, number> };

  constructor(private readonly options: SchedulerOptions) {
    this.clock = asClock(options.clock);
    this.worker = options.worker ?? defaultWorkerName();
    this.lanes = Math.max(1, options.concurrency ?? 4);
    this.batchSize = options.batchSize ?? 25;
    this.leaseSeconds = options.leaseSeconds ?? 600;
  }

  /**
   * Its concurrent activities: the loop, the lease keeper and each running scrape. When as
   * many are asleep on the clock, nothing happens until the clock moves (simulated-clock tests).
   */
  get actors(): number {
    return this.activeActors;
  }

  get summary(): Omit<TickSummary, 'durationMs'> {
    return { ...this.totals, errorsByCode: { ...this.totals.errorsByCode } };
  }

  /** Runs until stop(). */
  start(): void {
    if (this.loopDone) return;
    this.loopDone = this.actor(() => this.loop());
    this.keeperDone = this.actor(() => this.keepLeases());
  }

  /** Look at the queue now (a product was added or made due in this process). */
  poke(): void {
    this.wake.abort();
  }

  /** Stops claiming, waits for the scrapes in flight, and gives unstarted claims back. */
  async stop(): Promise<void> {
    this.stopped.abort();
    this.wake.abort();
    await this.loopDone;
    await Promise.all(this.running.values());
    await this.keeperDone;
    await this.releaseQueued();
  }

  /** Scrapes everything due now, including what falls due while it runs, then returns. */
  async drain(): Promise<TickSummary> {
    const started = this.clock.now();
    this.activeActors++;
    this.keeperDone = this.actor(() => this.keepLeases());
    try {
      for (;;) {
        const wake = (this.wake = new AbortController());
        const claimed = await this.fill();
        if (claimed === 0 && this.running.size === 0 && this.queue.length === 0) break;
        if (claimed === 0 || this.running.size >= this.lanes) await this.clock.sleep(Infinity, wake.signal);
      }
    } finally {
      await Promise.all(this.running.values());
      this.stopped.abort();
      await this.keeperDone;
      await this.releaseQueued();
      this.activeActors--;
    }
    return { ...this.summary, durationMs: this.clock.now() - started };
  }

  private async actor(run: () => Promise<void>): Promise<void> {
    this.activeActors++;
    try {
      await run();
    } finally {
      this.activeActors--;
    }
  }

  private get stopping(): boolean {
    return this.stopped.signal.aborted;
  }

  // How many claims may be held (running + queued): a claim at the back of the queue must
  // start before its lease ends, with half the lease to spare for slow scrapes.
  private capacity(): number {
    const rounds = Math.floor((this.leaseSeconds * 1000) / 2 / Math.max(1, this.estimateMs));
    return this.lanes * Math.max(1, rounds);
  }

  private startQueued(): void {
    while (this.running.size < this.lanes && this.queue.length > 0) {
      const claim = this.queue.shift()!;
      const done = this.actor(() => this.scrapeOne(claim))
        .catch((error) => {
          if (isDatabaseUnavailable(error)) this.options.logger?.warn({ asin: claim.asin, reason: (error as Error).message }, 'scrape not recorded: database unavailable');
          else this.options.logger?.error({ err: error, asin: claim.asin }, 'scrape failed');
        })
        .finally(() => {
          this.running.delete(claim.id);
          this.poke();
        });
      this.running.set(claim.id, done);
    }
  }

  /** Starts queued claims on free lanes; claims more when a lane is still free. Returns how many it claimed. */
  private async fill(): Promise<number> {
    this.startQueued();
    if (this.stopping || this.running.size >= this.lanes) return 0;
    const room = Math.min(this.batchSize, this.capacity() - this.running.size - this.queue.length);
    if (room <= 0) return 0;
    const claims = await claimDue(this.options.store, {
      worker: this.worker,
      limit: room,
      leaseSeconds: this.leaseSeconds,
      now: new Date(this.clock.now()),
    });
    this.queue.push(...claims);
    this.startQueued();
    return claims.length;
  }

  private async scrapeOne(claim: ClaimedProduct): Promise<void> {
    // A queued claim's lease ran from the claim: take it afresh before starting, and skip
    // the product if the lease ended and another worker has it now.
    const held = await renewLeases(this.options.store, {
      worker: this.worker,
      ids: [claim.id],
      leaseSeconds: this.leaseSeconds,
      now: new Date(this.clock.now()),
    });
    if (held.length === 0) return;
    const result = await scrapeTracked(this.options.store, this.options.scrape, claim, this.worker, () => this.clock.now(), this.options.random);
    this.estimateMs = 0.8 * this.estimateMs + 0.2 * result.durationMs;
    const t = this.totals;
    t.scraped++;
    t.pointsWritten += result.pointsWritten;
    if (result.ok) t.ok++;
    else {
      t.failed++;
      t.errorsByCode[result.errorCode!] = (t.errorsByCode[result.errorCode!] ?? 0) + 1;
    }
    this.options.logger?.debug(result, 'scraped');
    this.options.onScrape?.(result);
  }

  private async loop(): Promise<void> {
    const pollMs = this.options.pollMs ?? 60_000;
    while (!this.stopping) {
      const wake = (this.wake = new AbortController());
      let sleepMs: number;
      try {
        const claimed = await this.fill();
        if (this.stopping) break;
        if (this.running.size >= this.lanes) sleepMs = pollMs; // a lane that frees up pokes
        else {
          // Lanes are free and the queue is empty: nothing else was due at the claim.
          const now = this.clock.now();
          const next = await nextDueAt(this.options.store, new Date(now));
          sleepMs = next === null ? pollMs : Math.min(pollMs, next.getTime() - now);
          // Due but not claimed: another worker's claim holds the rows locked right now.
          if (sleepMs <= 0 && claimed === 0) sleepMs = 1_000;
        }
      } catch (error) {
        // A database restart or outage is expected weather: one line, and the loop retries.
        if (isDatabaseUnavailable(error)) this.options.logger?.warn({ reason: (error as Error).message }, 'claim stopped: database unavailable; retrying');
        else this.options.logger?.error({ err: error }, 'claiming due products failed');
        sleepMs = ERROR_PAUSE_MS;
      }
      if (sleepMs > 0) await this.clock.sleep(sleepMs, wake.signal);
    }
  }

  /** Renews the lease of every running scrape a third of a lease before it would end. */
  private async keepLeases(): Promise<void> {
    const everyMs = (this.leaseSeconds * 1000) / 3;
    while (!this.stopping) {
      await this.clock.sleep(everyMs, this.stopped.signal);
      if (this.running.size === 0) continue;
      try {
        await renewLeases(this.options.store, {
          worker: this.worker,
          ids: [...this.running.keys()],
          leaseSeconds: this.leaseSeconds,
          now: new Date(this.clock.now()),
        });
      } catch (error) {
        if (isDatabaseUnavailable(error)) this.options.logger?.warn({ reason: (error as Error).message }, 'lease renewal: database unavailable; retrying');
        else this.options.logger?.error({ err: error }, 'renewing leases failed');
      }
    }
  }

  private async releaseQueued(): Promise<void> {
    const ids = this.queue.splice(0).map((c) => c.id);
    if (ids.length === 0) return;
    try {
      await releaseLeases(this.options.store, { worker: this.worker, ids });
    } catch (error) {
      this.options.logger?.warn({ err: error, claims: ids.length }, 'could not give unstarted claims back; they return when their lease ends');
    }
  }
}

/** Scrapes everything due now (including what falls due while it runs), then returns. */
export function runTick(options: TickOptions): Promise<TickSummary> {
  return new Scheduler(options).drain();
}

export interface RunningScheduler {
  /** Look at the queue now (a product was added in this process). */
  poke(): void;
  /** Resolves once the scrapes in flight have finished. */
  stop(): Promise<void>;
}

/** Starts scheduling; also compresses old point chunks daily (the embedded engine has no job runner). */
export function startScheduler(options: SchedulerOptions): RunningScheduler {
  const scheduler = new Scheduler(options);
  scheduler.start();
  const compression = cron.schedule('17 3 * * *', () => {
    compressOldChunks(options.store)
      .then((n) => options.logger?.info({ chunks: n }, 'compressed old chunks'))
      .catch((error) => options.logger?.error({ err: error }, 'compression failed'));
  });
  return {
    poke: () => scheduler.poke(),
    async stop() {
      await compression.stop();
      await scheduler.stop();
    },
  };
}
