// `pricekeep deals [--price-type NAME|N] [--range day|week|month|90] [--min-percent N] …
// [--json|--csv]`: Keepa's deals over the stored products, for analysts. Options build a
// DealRequest; `--selection` starts from one (file or JSON) and the options override it.
import type { Command } from 'commander';
import { stderr } from './cli-context.js';
import { CliError } from './cli-error.js';
import { cliParsed, formatOf, printRows, readSelection } from './discovery-output.js';
import { withStore } from './open-store.js';
import { viaServer } from './via-server.js';

const RANGES: Record<string, number> = { day: 0, week: 1, month: 2, '90': 3 };
const SORTS: Record<string, number> = { age: 1, delta: 2, rank: 3, percent: 4 };

interface DealOptions {
  domain: string; priceType: string; range: string; minPercent?: string; maxPercent?: string; minDelta?: string;
  current?: string; category?: string[]; title?: string; lowest?: boolean; lowest90?: boolean; backInStock?: boolean;
  outOfStock?: boolean; sort: string; page: string; selection?: string; json?: boolean; csv?: boolean;
}

function int(name: string, raw: string): number {
  if (!/^-?\d+$/.test(raw)) throw new CliError(`${name} must be an integer, got "${raw}"`, 2);
  return Number(raw);
}

export function register(program: Command): void {
  viaServer(program.command('deals'))
    .description('deals over the stored products: what dropped (Keepa /deal)')
    .option('--domain <id>', 'Keepa domain id', '1')
    .option('--price-type <type>', 'csv type name or index (AMAZON, NEW, SALES, BUY_BOX_SHIPPING…)', 'AMAZON')
    .option('--range <range>', 'day, week, month or 90', 'day')
    .option('--min-percent <n>', 'dropped at least N% against the range average')
    .option('--max-percent <n>', 'dropped at most N%')
    .option('--min-delta <n>', 'dropped at least N (minor units or ranks)')
    .option('--current <min-max>', 'current value range, e.g. 0-2500')
    .option('--category <id...>', 'include only these categories (root ids cover their subtree)')
    .option('--title <words>', 'title keywords, all must match')
    .option('--lowest', 'current value is the all-time low')
    .option('--lowest90', 'current value is the 90-day low')
    .option('--back-in-stock', 'out of stock within the last day, now in stock')
    .option('--out-of-stock', 'in stock within the last day, now out of stock')
    .option('--sort <order>', 'age, delta, rank or percent (prefix - to invert)', 'percent')
    .option('--page <n>', 'page of 150 deals', '0')
    .option('--selection <file|json>', 'a DealRequest to start from')
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .action(async (options: DealOptions) => {
      const format = formatOf(options);
      const { CSV } = await import('../keepa/csv-type.js');
      const { parseDealRequest } = await import('../keepa/deal-request.js');
      const { DEAL_INTERVAL_DAYS } = await import('../keepa/deal-object.js');
      const request: Record<string, unknown> = options.selection ? (readSelection(options.selection) as Record<string, unknown>) : {};
      const typeName = options.priceType.toUpperCase();
      const priceType = /^\d+$/.test(typeName) ? Number(typeName) : (CSV as Record<string, number>)[typeName];
      if (priceType === undefined) throw new CliError(`--price-type: unknown csv type "${options.priceType}"`, 2);
      if (RANGES[options.range] === undefined) throw new CliError('--range must be day, week, month or 90', 2);
      const sortName = options.sort.replace(/^-/, '');
      if (SORTS[sortName] === undefined) throw new CliError('--sort must be age, delta, rank or percent', 2);
      Object.assign(request, {
        domainId: int('--domain', options.domain), priceTypes: [priceType], dateRange: RANGES[options.range],
        sortType: options.sort.startsWith('-') ? -SORTS[sortName]! : SORTS[sortName], page: int('--page', options.page),
      });
      if (options.minPercent !== undefined || options.maxPercent !== undefined) {
        request.deltaPercentRange = [int('--min-percent', options.minPercent ?? '0'), int('--max-percent', options.maxPercent ?? '100')];
      }
      if (options.minDelta !== undefined) request.deltaRange = [int('--min-delta', options.minDelta), 2_147_483_647];
      if (options.current !== undefined) {
        const m = /^(\d+)-(\d+)$/.exec(options.current);
        if (!m) throw new CliError('--current must be MIN-MAX, e.g. 0-2500', 2);
        request.currentRange = [Number(m[1]), Number(m[2])];
      }
      if (options.category) request.includeCategories = options.category.map((c) => int('--category', c));
      if (options.title) request.titleSearch = options.title;
      if (options.lowest) request.isLowest = true;
      if (options.lowest90) request.isLowest90 = true;
      if (options.backInStock) request.isBackInStock = true;
      if (options.outOfStock) request.isOutOfStock = true;
      const deal = cliParsed(() => parseDealRequest(request, null));
      const d = DEAL_INTERVAL_DAYS.indexOf(deal.days);
      await withStore(async (store) => {
        const { catchUpSummaries, findDeals } = await import('../store/discovery.js');
        await catchUpSummaries(store, Date.now, Infinity);
        const deals = await findDeals(store, deal);
        const rows = deals.dr.map((x) => ({
          asin: x.asin, current: x.current[priceType]!, avg: x.avg[d]![priceType]!, delta: x.delta[d]![priceType]!,
          percent: x.deltaPercent[d]![priceType]!, since: x.currentSince[priceType]!, title: x.title,
        }));
        printRows(format, ['asin', 'current', 'avg', 'delta', 'percent', 'since', 'title'], rows, { deals });
        if (format === 'table') stderr(`${rows.length} deals (page ${deal.page})\n`);
      });
    });
}
