// `pricekeep run-once`: scrape everything due now, print a summary, exit (for system cron).
// `pricekeep worker`: run the scheduler alone, scraping products as they fall due, until stopped.
import type { Command } from 'commander';
import { setExitCode, stderr, stdout } from './cli-context.js';
import { viaServer } from './via-server.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { integerOption } from './integer-option.js';
import { withStore } from './open-store.js';

const MAX_CONCURRENCY = 64;

export function register(program: Command): void {
  viaServer(program.command('run-once'))
    .description('scrape every tracked product that is due now, then exit with a summary')
    .option('--concurrency <n>', 'scrapes in flight at once', '4')
    .action(async (options: { concurrency: string }) => {
      const concurrency = integerOption('--concurrency', options.concurrency, 1, MAX_CONCURRENCY);
      await withStore(async (store, config) => {
        // Halted, nothing would be claimed: a cron job must not read that as "all done".
        const { currentHalt } = await import('../store/scrape-halt.js');
        const halt = await currentHalt(store);
        if (halt) {
          const { haltLine } = await import('./halt-line.js');
          stderr(`${haltLine(halt)}\n`);
          setExitCode(1);
          return;
        }
        const { runTick, defaultWorkerName } = await import('../../jobs/scheduler.js');
        const { createScraper } = await import('../scraper/index.js');
        const scraper = createScraper(config.scraper);
        try {
          const summary = await runTick({
            store,
            // Its own name: inside a running server it works beside the server's scheduler.
            worker: `${defaultWorkerName()}:run-once`,
            scrape: (asin, tld) => scraper.scrapeProduct(asin, tld),
            concurrency,
            onScrape: (s) =>
              stderr(`${s.ok ? 'ok  ' : 'FAIL'} ${s.asin} (domain ${s.domainId}) ` +
                `${s.ok ? `${s.pointsWritten} point(s)` : s.errorCode} in ${s.durationMs} ms\n`),
          });
          const errors = Object.entries(summary.errorsByCode).map(([code, n]) => `${code} ${n}`).join(', ');
          stdout(
            `scraped ${summary.scraped}: ${summary.ok} ok, ${summary.failed} failed${errors ? ` (${errors})` : ''}, ` +
              `${summary.pointsWritten} point(s) written in ${summary.durationMs} ms\n`,
          );
          if (summary.failed > 0 && summary.ok === 0) setExitCode(1);
        } finally {
          await scraper.close();
        }
      });
    });

  program
    .command('worker')
    .description('run the scheduler, the ASA batch worker and the notification dispatcher (no API) until stopped')
    .option('--concurrency <n>', 'scrapes in flight at once', '4')
    .action(async (options: { concurrency: string }) => {
      const concurrency = integerOption('--concurrency', options.concurrency, 1, MAX_CONCURRENCY);
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      await withStore(async (store) => {
        const { startScheduler, defaultWorkerName } = await import('../../jobs/scheduler.js');
        const { startBatchWorker } = await import('../../jobs/asa-batch.js');
        const { createAsaScrape } = await import('../../jobs/asa-scrape.js');
        const { createScraper } = await import('../scraper/index.js');
        const scraper = createScraper(config.scraper, { logger });
        const scheduler = startScheduler({
          store,
          scrape: (asin, tld) => scraper.scrapeProduct(asin, tld),
          concurrency,
          logger,
        });
        const batches = startBatchWorker({
          store,
          scrape: createAsaScrape(store, scraper, { logger }),
          worker: defaultWorkerName(),
          concurrency: config.asa.batchConcurrency,
          leaseMs: config.asa.batchLeaseMs,
          pollMs: config.asa.batchPollMs,
          allowPrivate: config.alerts.webhookAllowPrivate,
          logger,
        });
        const { startSummaryJob } = await import('../../jobs/summaries.js');
        // Discovery summaries of what this worker writes (and their ageing), shared safely
        // with other workers: the stale queue is claimed with SKIP LOCKED.
        const summaries = startSummaryJob({ store, logger, maxAgeMinutes: config.discovery.summaryMaxAgeMinutes });
        const { startDispatcher } = await import('../../jobs/alerts-dispatcher.js');
        const dispatcher = startDispatcher({ store, config: config.alerts, worker: defaultWorkerName(), logger });
        logger.info({ engine: store.engine }, 'worker started');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        logger.info('worker stopping');
        await batches.stop();
        await scheduler.stop();
        await summaries.stop();
        await dispatcher.stop();
        await scraper.close();
      });
    });
}
