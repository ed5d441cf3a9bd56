// `pricekeep find --selection FILE|JSON [--domain ID] [--json|--csv]`: the product finder
// (Keepa /query) over the stored products, for analysts.
import type { Command } from 'commander';
import { stderr } from './cli-context.js';
import { CliError } from './cli-error.js';
import { cliParsed, formatOf, printRows, readSelection } from './discovery-output.js';
import { withStore } from './open-store.js';
import { viaServer } from './via-server.js';

export function register(program: Command): void {
  viaServer(program.command('find'))
    .description('product finder over the stored products (Keepa /query selection JSON)')
    .requiredOption('--selection <file|json>', 'selection: a JSON file or inline JSON, e.g. \'{"current_SALES_lte":5000}\'')
    .option('--domain <id>', 'Keepa domain id', '1')
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .action(async (options: { selection: string; domain: string; json?: boolean; csv?: boolean }) => {
      const format = formatOf(options);
      const domainId = Number(options.domain);
      if (!Number.isInteger(domainId) || domainId <= 0) throw new CliError(`--domain must be a Keepa domain id, got "${options.domain}"`, 2);
      const { parseFinderSelection } = await import('../keepa/finder-selection.js');
      const selection = cliParsed(() => parseFinderSelection(readSelection(options.selection)));
      await withStore(async (store) => {
        const { catchUpSummaries, findBySelection } = await import('../store/discovery.js');
        const { readSummaries } = await import('../store/summary-read.js');
        const { findProducts } = await import('../store/products.js');
        await catchUpSummaries(store, Date.now, Infinity);
        const result = await findBySelection(store, domainId, selection);
        const ids = await findProducts(store.db, domainId, result.asinList);
        const summaries = await readSummaries(store, ids.map((p) => p.id));
        const byAsin = new Map([...summaries.values()].map((s) => [s.asin, s]));
        const current = (asin: string, type: number) => byAsin.get(asin)?.types.find((t) => t.csvType === type)?.current ?? null;
        const rows = result.asinList.map((asin) => ({
          asin, amazon: current(asin, 0), new: current(asin, 1), salesRank: current(asin, 3), title: byAsin.get(asin)?.title ?? null,
        }));
        printRows(format, ['asin', 'amazon', 'new', 'salesRank', 'title'], rows, { asinList: result.asinList, totalResults: result.totalResults });
        if (format === 'table') stderr(`${rows.length} of ${result.totalResults} matching products\n`);
      });
    });
}
