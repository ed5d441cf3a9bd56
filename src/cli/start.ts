// `pricekeep start` (what `npm start` runs): opens the database (embedded by default),
// migrates, serves the Keepa-compatible API and runs the tracking scheduler in one
// process, until SIGINT/SIGTERM.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Command } from 'commander';
import { CliError } from './cli-error.js';
import { connectionLost } from './open-store.js';

/**
 * A long-running embedded server compiles PGlite's WebAssembly with V8's baseline compiler
 * (Liftoff) only. Optimising hot functions (TurboFan) left ~60 MB of compiler memory in the
 * process for good; in return CPU-bound SQL (aggregates, bulk inserts) took ~30% less CPU,
 * while a /product read, which mostly copies rows, took the same. One-shot commands
 * (`import`) keep the optimising tier. Must run before the module is compiled (the
 * store's first open in this process).
 */
function runWasmBaselineOnly(): void {
  setFlagsFromString('--liftoff-only');
}

/**
 * One full garbage collection once the server is up. Start-up leaves ~40 MB of garbage
 * (the 9 MB WebAssembly file read to be compiled, migration and module-loading leftovers)
 * that V8 collects only under allocation pressure, which an idle server never has.
 */
function collectStartupGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as (() => void) | undefined)?.();
}

export function register(program: Command): void {
  program
    .command('start')
    .description('run the API and the tracking scheduler (embedded database unless DATABASE_URL is set)')
    .option('--no-scheduler', 'serve the API only (no tracking scheduler, no ASA batch worker)')
    .action(async (options: { scheduler: boolean }) => {
      const { loadConfig } = await import('../config.js');
      const { createLogger } = await import('../logger.js');
      const { openStore } = await import('../store/index.js');
      const { startApiServer, closeOnSignals } = await import('../api/run.js');
      const { startScheduler } = await import('../../jobs/scheduler.js');
      const { createRefresh } = await import('../../jobs/refresh.js');
      const { startSummaryJob } = await import('../../jobs/summaries.js');
      const { createScraper } = await import('../scraper/index.js');
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      if (!config.store.databaseUrl) runWasmBaselineOnly();
      const store = await openStore(config.store, { onConnectionError: connectionLost(logger) });
      logger.info(
        { engine: store.engine, timescaledb: store.timescaledb, dataDir: store.dataDir, migrations: store.migrations.applied },
        'database ready',
      );
      const { startBatchWorker } = await import('../../jobs/asa-batch.js');
      const { createAsaScrape } = await import('../../jobs/asa-scrape.js');
      const { defaultWorkerName } = await import('../../jobs/scheduler.js');
      const scraper = createScraper(config.scraper);
      const scrape = (asin: string, tld: Parameters<typeof scraper.scrapeProduct>[1]) => scraper.scrapeProduct(asin, tld);
      const asaScrape = createAsaScrape(store, scraper, { logger });
      const { adminHooksFor, publishServer } = await import('./admin-server.js');
      let scheduler: { poke(): void; stop(): Promise<void> } | null = null;
      // a command sent by another CLI process (`track add`…) wakes the scheduler
      const admin = adminHooksFor(store, config, () => scheduler?.poke());
      let running;
      try {
        running = await startApiServer({ store, config, logger, refresh: createRefresh(store, scrape, { logger }), asaScrape, admin });
      } catch (error) {
        await scraper.close();
        await store.close();
        throw new CliError(`cannot start the API server: ${(error as Error).message}`);
      }
      logger.info({ url: running.url }, 'API listening');
      scheduler = options.scheduler ? startScheduler({ store, scrape, logger }) : null;
      if (scheduler) logger.info({ backend: config.scraper.backend }, 'scheduler running');
      const batches = options.scheduler
        ? startBatchWorker({
            store, scrape: asaScrape, worker: defaultWorkerName(), concurrency: config.asa.batchConcurrency,
            leaseMs: config.asa.batchLeaseMs, pollMs: config.asa.batchPollMs, allowPrivate: config.alerts.webhookAllowPrivate, logger,
          })
        : null;
      // Discovery summaries follow writes and the clock whether or not this process scrapes.
      const summaries = startSummaryJob({ store, logger, maxAgeMinutes: config.discovery.summaryMaxAgeMinutes });
      // Notifications go out with the scheduler (both are the background half of `start`).
      const { startDispatcher } = await import('../../jobs/alerts-dispatcher.js');
      const dispatcher = options.scheduler ? startDispatcher({ store, config: config.alerts, worker: defaultWorkerName(), logger }) : null;
      // Cold history into compressed blobs, daily, with the scheduler (the background half).
      const { startArchiveJob } = await import('../../jobs/archive.js');
      const archive = options.scheduler ? startArchiveJob({ store, logger }) : null;
      const unpublish = publishServer(store, admin, running, logger);
      collectStartupGarbage();
      await closeOnSignals(running, async () => {
        unpublish();
        await batches?.stop();
        await scheduler?.stop();
        await summaries.stop();
        await dispatcher?.stop();
        await archive?.stop();
        await scraper.close();
        await store.close();
      });
      logger.info('stopped');
    });
}
