// The tracking scheduler: each node-cron tick claims due products in batches and scrapes
// them with bounded concurrency until none is due. Ticks never overlap within a process;
// across processes the claim's SKIP LOCKED + lease keeps workers off each other's products.
import { hostname } from 'node:os';
import cron from 'node-cron';
import type { Logger } from 'pino';
import { claimDue, compressOldChunks, isDatabaseUnavailable, type Store } from '../src/store/index.js';
import { inLanes } from './lanes.js';
import { scrapeTracked, type ScrapeProduct, type TrackedScrapeSummary } from './scrape-tracked.js';

export interface TickOptions {
  readonly store: Store;
  readonly scrape: ScrapeProduct;
  readonly worker?: string;
  /** Products claimed per batch (default 25). */
  readonly batchSize?: number;
  /** Scrapes in flight at once (default 4). */
  readonly concurrency?: number;
  /** Seconds a claim is leased for (default 600): a crashed worker's products come back after it. */
  readonly leaseSeconds?: number;
  readonly logger?: Logger;
  /** Source of "now" for the Keepa minute of each observation (tests pin it). */
  readonly clock?: () => number;
  /** Called after each scrape, for progress output. */
  readonly onScrape?: (summary: TrackedScrapeSummary) => void;
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

/** Scrapes everything due now (including what falls due while it runs), then returns. */
export async function runTick(options: TickOptions): Promise<TickSummary> {
  const started = Date.now();
  const worker = options.worker ?? defaultWorkerName();
  const concurrency = options.concurrency ?? 4;
  const summary = { scraped: 0, ok: 0, failed: 0, pointsWritten: 0, errorsByCode: {} as Record<string, number> };
  for (;;) {
    const claims = await claimDue(options.store, {
      worker,
      limit: options.batchSize ?? 25,
      leaseSeconds: options.leaseSeconds ?? 600,
    });
    if (claims.length === 0) break;
    await inLanes(claims, concurrency, async (claim) => {
      const result = await scrapeTracked(options.store, options.scrape, claim, worker, options.clock);
      summary.scraped++;
      summary.pointsWritten += result.pointsWritten;
      if (result.ok) summary.ok++;
      else {
        summary.failed++;
        summary.errorsByCode[result.errorCode!] = (summary.errorsByCode[result.errorCode!] ?? 0) + 1;
      }
      options.logger?.debug(result, 'scraped');
      options.onScrape?.(result);
    });
  }
  return { ...summary, durationMs: Date.now() - started };
}

export interface SchedulerOptions extends TickOptions {
  /** node-cron expression of the tick (default every minute). */
  readonly schedule?: string;
}

export interface RunningScheduler {
  /** Resolves once the tick in progress (if any) has finished. */
  stop(): Promise<void>;
}

/** Starts ticking; also compresses old point chunks daily (the embedded engine has no job runner). */
export function startScheduler(options: SchedulerOptions): RunningScheduler {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) {
      options.logger?.debug('previous tick still running; skipping this one');
      return;
    }
    running = runTick(options)
      .then((s) => {
        if (s.scraped > 0) options.logger?.info(s, 'tick done');
      })
      .catch((error) => {
        // A database restart or outage is expected weather: one line, and the next tick retries.
        if (isDatabaseUnavailable(error)) options.logger?.warn({ reason: (error as Error).message }, 'tick stopped: database unavailable; next tick retries');
        else options.logger?.error({ err: error }, 'tick failed');
      })
      .finally(() => {
        running = null;
      });
  };
  const ticks = cron.schedule(options.schedule ?? '* * * * *', tick, { noOverlap: true });
  const compression = cron.schedule('17 3 * * *', () => {
    compressOldChunks(options.store)
      .then((n) => options.logger?.info({ chunks: n }, 'compressed old chunks'))
      .catch((error) => options.logger?.error({ err: error }, 'compression failed'));
  });
  tick();
  return {
    async stop() {
      await ticks.stop();
      await compression.stop();
      await running;
    },
  };
}
