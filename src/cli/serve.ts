// `pricekeep serve [--port 8080] [--host 127.0.0.1]`: the Keepa-compatible API over the
// configured database (embedded by default). Stops gracefully on SIGINT/SIGTERM.
import type { Command } from 'commander';
import { CliError } from './cli-error.js';
import { connectionLost } from './open-store.js';
import { integerOption } from './integer-option.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the Keepa-compatible API (/product, /token, …) and the ASA-compatible API (/api/v1/…)')
    .option('--port <port>', 'TCP port (default PORT or 8080)')
    .option('--host <host>', 'interface to listen on (default PRICEKEEP_HOST or 127.0.0.1)')
    .action(async (options: { port?: string; host?: string }) => {
      const port = options.port === undefined ? undefined : integerOption('--port', options.port, 0, 65535);
      const { loadConfig } = await import('../config.js');
      const { createLogger } = await import('../logger.js');
      const { openStore } = await import('../store/index.js');
      const { startApiServer, closeOnSignals } = await import('../api/run.js');
      const { createScraper } = await import('../scraper/index.js');
      const { createAsaScrape } = await import('../../jobs/asa-scrape.js');
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const store = await openStore(config.store, { onConnectionError: connectionLost(logger) });
      // The ASA-compatible routes scrape on request (batches are left to the workers).
      const scraper = createScraper(config.scraper, { logger });
      const asaScrape = createAsaScrape(store, scraper, { logger });
      const { adminHooksFor, publishServer } = await import('./admin-server.js');
      const admin = adminHooksFor(store, config, () => {});
      let running;
      try {
        running = await startApiServer({ store, config, logger, port, host: options.host, asaScrape, admin });
      } catch (error) {
        await scraper.close();
        await store.close();
        throw new CliError(`cannot start the API server: ${(error as Error).message}`);
      }
      logger.info({ url: running.url, engine: store.engine, timescaledb: store.timescaledb }, 'API listening');
      const unpublish = publishServer(store, admin, running, logger);
      await closeOnSignals(running, async () => {
        unpublish();
        await scraper.close();
        await store.close();
      });
      logger.info('stopped');
    });
}
