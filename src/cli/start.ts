// `pricekeep start` (what `npm start` runs): opens the database (embedded by default),
// migrates, and keeps running until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';

export function register(program: Command): void {
  program
    .command('start')
    .description('open the database, migrate, and run until stopped')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const { openStore } = await import('../store/index.js');
      const store = await openStore(config.store);
      logger.info(
        { engine: store.engine, timescaledb: store.timescaledb, dataDir: store.dataDir, migrations: store.migrations.applied },
        'database ready',
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info({ signal }, 'shutting down');
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await store.close();
    });
}
