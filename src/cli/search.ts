// `pricekeep search "QUERY" --domain TLD [--page N] [--sort-by …] [--backend …]`: one
// search results page in ASA's search schema on stdout; failures exit 3.
import type { Command } from 'commander';
import type { SortBy } from '../scraper/index.js';
import { CliError } from './cli-error.js';
import { openScraper, type BackendOptions } from './scrape.js';
import { parseTld, printError, printJson } from './scraper-output.js';

const SORTS: readonly SortBy[] = ['best_match', 'price_asc', 'price_desc', 'avg_customer_review', 'newest'];

export function register(program: Command): void {
  program
    .command('search')
    .description('scrape one Amazon search results page (ASA JSON on stdout; exit 3 on failure)')
    .argument('<query>', 'search keywords')
    .requiredOption('--domain <tld>', 'marketplace (com, de, co.jp, …)')
    .option('--page <n>', 'results page 1-10', '1')
    .option('--sort-by <order>', SORTS.join(', '), 'best_match')
    .option('--backend <name>', 'direct, asa or replay (default PRICEKEEP_SCRAPER_BACKEND or direct)')
    .option('--replay-dir <dir>', 'directory of saved pages for --backend replay')
    .action(async (query: string, options: BackendOptions & { domain: string; page: string; sortBy: string }) => {
      const tld = parseTld(options.domain);
      const page = Number(options.page);
      if (!Number.isInteger(page) || page < 1 || page > 10) throw new CliError(`--page must be an integer 1-10, got "${options.page}"`, 2);
      if (!SORTS.includes(options.sortBy as SortBy)) throw new CliError(`--sort-by must be one of ${SORTS.join(', ')}`, 2);
      const scraper = await openScraper(options);
      try {
        const outcome = await scraper.search(query, tld, { page, sortBy: options.sortBy as SortBy });
        if (outcome.ok) printJson(outcome.search);
        else printError(outcome.error, outcome.attempts);
      } finally {
        await scraper.close();
      }
    });
}
