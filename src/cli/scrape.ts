// `pricekeep scrape ASIN --domain TLD [--backend direct|asa|replay]`: one product scrape
// through the configured pipeline (retries, proxies, rate limits), product JSON on stdout;
// a failed scrape prints {"error","message","attempts"} and exits 3.
import type { Command } from 'commander';
import type { ScraperBackendName } from '../config.js';
import { CliError } from './cli-error.js';
import { parseTld, printError, printJson } from './scraper-output.js';

export interface BackendOptions {
  readonly backend?: string;
  readonly replayDir?: string;
}

export async function openScraper(options: BackendOptions) {
  const { loadConfig } = await import('../config.js');
  const { createScraper } = await import('../scraper/index.js');
  const { createLogger } = await import('../logger.js');
  const config = loadConfig();
  const backend = options.backend;
  if (backend !== undefined && backend !== 'direct' && backend !== 'asa' && backend !== 'replay') {
    throw new CliError(`--backend must be direct, asa or replay, got "${backend}"`, 2);
  }
  const scraper = { ...config.scraper, replayDir: options.replayDir ?? config.scraper.replayDir };
  return createScraper(scraper, { backend: backend as ScraperBackendName | undefined, logger: createLogger(config.logLevel) });
}

export function register(program: Command): void {
  program
    .command('scrape')
    .description('scrape one product (ASA JSON on stdout; exit 3 with {"error",…} when the scrape fails)')
    .argument('<asin>', 'ASIN')
    .requiredOption('--domain <tld>', 'marketplace (com, de, co.jp, …)')
    .option('--backend <name>', 'direct, asa or replay (default PRICEKEEP_SCRAPER_BACKEND or direct)')
    .option('--replay-dir <dir>', 'directory of saved pages for --backend replay (default PRICEKEEP_REPLAY_DIR)')
    .option('--attempts', 'print {"product", "attempts"} instead of the bare product')
    .action(async (asin: string, options: BackendOptions & { domain: string; attempts?: boolean }) => {
      const tld = parseTld(options.domain);
      const scraper = await openScraper(options);
      try {
        const outcome = await scraper.scrapeProduct(asin, tld);
        if (!outcome.ok) printError(outcome.error, outcome.attempts);
        else printJson(options.attempts ? { product: outcome.product, attempts: outcome.attempts } : outcome.product);
      } finally {
        await scraper.close();
      }
    });
}
