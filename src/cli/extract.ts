// `pricekeep extract FILE --domain TLD [--asin A] [--kind product|search]`: runs a saved
// Amazon page through classify → extract and prints ASA-schema JSON; a page that is not a
// clean product or search page prints {"error","message"} and exits 3.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError } from './cli-error.js';
import { parseTld, printError, printJson } from './scraper-output.js';

interface ExtractOptions {
  readonly domain: string;
  readonly asin?: string;
  readonly kind?: string;
}

export function register(program: Command): void {
  program
    .command('extract')
    .description('extract product or search data from a saved Amazon page (ASA JSON on stdout; exit 3 when the page is not one)')
    .argument('<file>', 'saved HTML page')
    .requiredOption('--domain <tld>', 'marketplace the page is from (com, de, co.jp, …)')
    .option('--asin <asin>', 'ASIN the page should be for (another ASIN is asin_mismatch)')
    .option('--kind <kind>', 'product or search (detected when not given)')
    .action(async (file: string, options: ExtractOptions) => {
      const tld = parseTld(options.domain);
      if (options.kind !== undefined && options.kind !== 'product' && options.kind !== 'search') {
        throw new CliError(`--kind must be product or search, got "${options.kind}"`, 2);
      }
      let html: string;
      try {
        html = await readFile(file, 'utf8');
      } catch (error) {
        throw new CliError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const { loadPage } = await import('../scraper/html/page.js');
      const { extractProductFromPage } = await import('../scraper/extract/product.js');
      const { extractSearchFromPage } = await import('../scraper/extract/search.js');
      const page = loadPage(html);
      const kind = options.kind ?? (page.searchResults.length > 0 ? 'search' : 'product');
      if (kind === 'search') {
        const result = extractSearchFromPage(page, tld);
        if (result.ok) printJson(result.search);
        else printError(result.error);
      } else {
        const result = extractProductFromPage(page, tld, { asin: options.asin?.toUpperCase() });
        if (result.ok) printJson(result.product);
        else printError(result.error);
      }
    });
}
