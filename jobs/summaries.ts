// The summary job: each tick recomputes the summaries of products written since the last
// one (the stale queue), then the oldest summaries computed more than `maxAgeMinutes` ago,
// so time-aged fields (avg1…avg365, deltas, drops in the last N days) follow the clock
// even for products nothing writes. Time comes from the injected clock.
import cron from 'node-cron';
import type { Logger } from 'pino';
import { keepaNow } from '../src/keepa/time.js';
import { refreshAgedSummaries, refreshStaleSummaries, type Store } from '../src/store/index.js';

export interface SummaryTickOptions {
  readonly store: Store;
  /** Unix ms (tests pin it). */
  readonly clock?: () => number;
  /** A summary older than this is recomputed (default 60). */
  readonly maxAgeMinutes?: number;
  /** Aged summaries recomputed per tick at most (default 5000). */
  readonly agedPerTick?: number;
}

export interface SummaryTickResult {
  readonly stale: number;
  readonly aged: number;
}

export async function runSummaryTick(options: SummaryTickOptions): Promise<SummaryTickResult> {
  const now = keepaNow(options.clock);
  const stale = await refreshStaleSummaries(options.store, now);
  const aged = await refreshAgedSummaries(options.store, now, now - (options.maxAgeMinutes ?? 60), options.agedPerTick ?? 5000);
  return { stale, aged };
}

export interface RunningSummaryJob {
  stop(): Promise<void>;
}

/** Ticks every minute (node-cron), never two at once in a process. */
export function startSummaryJob(options: SummaryTickOptions & { logger?: Logger; schedule?: string }): RunningSummaryJob {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = runSummaryTick(options)
      .then((r) => {
        if (r.stale + r.aged > 0) options.logger?.debug(r, 'summaries refreshed');
      })
      .catch((error) => options.logger?.error({ err: error }, 'summary refresh failed'))
      .finally(() => {
        running = null;
      });
  };
  const task = cron.schedule(options.schedule ?? '* * * * *', tick, { noOverlap: true });
  tick();
  return {
    async stop() {
      await task.stop();
      await running;
    },
  };
}
