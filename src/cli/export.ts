// `pricekeep export --domain N --asin A [--asin B…]`: prints {"products":[…]} with Keepa
// product objects assembled from the store, in the order the ASINs were given.
import type { Command } from 'commander';
import { stderr, stdout } from './cli-context.js';
import { viaServer } from './via-server.js';
import { CliError } from './cli-error.js';
import { withStore } from './open-store.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  viaServer(program.command('export'))
    .description('print stored products as a Keepa /product response on stdout')
    .requiredOption('--domain <domain>', 'Keepa domain id or marketplace TLD (1, com, de, …)')
    .requiredOption('--asin <asin>', 'ASIN (repeatable, or comma-separated)', collect, [])
    .option('--days <n>', 'only the last N days of history (the value in force at the start is kept)')
    .option('--stats <n>', 'add the stats object over the last N days (or START,END), as /product?stats= computes it')
    .option('--as-of <iso>', 'as of this past moment (ISO date/time): later points are left out, stats computed then')
    .action(async (options: { domain: string; asin: string[]; days?: string; stats?: string; asOf?: string }) => {
      const { parseDomain } = await import('../keepa/domains.js');
      const { assembleKeepaProduct, emptyKeepaProduct } = await import('../keepa/product-object.js');
      const { parseAsinList } = await import('../asins.js');
      const { keepaNow, MINUTES_PER_DAY } = await import('../keepa/time.js');
      const domain = parseDomain(options.domain);
      if (!domain) throw new CliError(`unknown domain "${options.domain}" (use a Keepa id like 1 or a TLD like com)`, 2);
      const { asins, invalid } = parseAsinList(options.asin);
      if (invalid.length > 0) throw new CliError(`not an ASIN: ${invalid.join(', ')}`, 2);
      if (asins.length === 0) throw new CliError('--asin names no ASIN', 2);
      let from: number | undefined;
      if (options.days !== undefined) {
        const days = Number(options.days);
        if (!Number.isInteger(days) || days <= 0) throw new CliError(`--days must be a positive integer`, 2);
        from = keepaNow() - days * MINUTES_PER_DAY;
      }
      if (options.stats !== undefined || options.asOf !== undefined) {
        // Same code path as GET /product (src/api/export-stats.ts).
        const { planExport, exportProducts, ExportOptionError } = await import('../products/export-stats.js');
        let plan;
        try {
          plan = planExport({ domainId: domain.id, asins, days: options.days, stats: options.stats, asOf: options.asOf });
        } catch (error) {
          throw error instanceof ExportOptionError ? new CliError(error.message, 2) : error;
        }
        const products = await withStore((store) => exportProducts(store, plan));
        stdout(`${JSON.stringify({ products })}\n`);
        return;
      }
      await withStore(async (store) => {
        const { readProducts } = await import('../store/index.js');
        const stored = await readProducts(store, domain.id, asins, { from });
        const products = asins.map((asin) => {
          const parts = stored.get(asin);
          if (!parts) stderr(`pricekeep: ${asin} is not stored for domain ${domain.id}\n`);
          return parts ? assembleKeepaProduct(parts) : emptyKeepaProduct(domain.id, asin);
        });
        stdout(`${JSON.stringify({ products })}\n`);
      });
    });
}
