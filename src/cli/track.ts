// `pricekeep track add|list|remove`: the list of products the scheduler scrapes.
import type { Command } from 'commander';
import { stderr, stdout } from './cli-context.js';
import { viaServer } from './via-server.js';
import { haltLine } from './halt-line.js';
import { CliError } from './cli-error.js';
import { DEFAULT_INTERVAL_MINUTES, parseInterval } from '../interval.js';
import { withStore } from './open-store.js';
import { formatTable } from './table.js';

async function domainAndAsins(domainText: string, asins: string[]) {
  const { parseDomain } = await import('../keepa/domains.js');
  const { parseAsinList } = await import('../asins.js');
  const domain = parseDomain(domainText);
  if (!domain) throw new CliError(`unknown domain "${domainText}" (use a TLD like com, de, co.jp or a Keepa id)`, 2);
  const list = parseAsinList(asins);
  if (list.invalid.length > 0) throw new CliError(`not an ASIN: ${list.invalid.join(', ')}`, 2);
  return { domain, asins: list.asins };
}

function ago(date: Date | null, now = Date.now()): string {
  if (!date) return '-';
  const minutes = Math.round((date.getTime() - now) / 60_000);
  if (Math.abs(minutes) < 1) return 'now';
  const text = Math.abs(minutes) >= 120 ? `${Math.round(Math.abs(minutes) / 60)}h` : `${Math.abs(minutes)}m`;
  return minutes < 0 ? `${text} ago` : `in ${text}`;
}

export function register(program: Command): void {
  const track = viaServer(program.command('track')).description('manage the tracked products');
  track
    .command('add')
    .description('track ASINs (or change their interval)')
    .requiredOption('--domain <tld>', 'marketplace TLD or Keepa domain id')
    .option('--every <interval>', `scrape interval: 15m, 1h, 6h, 1d (default ${DEFAULT_INTERVAL_MINUTES / 60}h)`)
    .argument('<asins...>', 'ASINs (space- or comma-separated)')
    .action(async (asins: string[], options: { domain: string; every?: string }) => {
      const target = await domainAndAsins(options.domain, asins);
      const minutes = options.every === undefined ? DEFAULT_INTERVAL_MINUTES : parseInterval(options.every);
      if (minutes === undefined) throw new CliError(`--every must look like 15m, 1h, 6h or 1d, got "${options.every}"`, 2);
      await withStore(async (store) => {
        const { addTracking } = await import('../store/index.js');
        const rows = await addTracking(store, target.domain.id, target.asins, minutes);
        stdout(`tracking ${rows.length} product(s) on amazon.${target.domain.tld} every ${minutes} min\n`);
      });
    });
  track
    .command('list')
    .description('tracked products with last scrape, next due and last error')
    .option('--domain <tld>', 'only this marketplace')
    .option('--json', 'print JSON')
    .action(async (options: { domain?: string; json?: boolean }) => {
      const { parseDomain, tldForDomainId } = await import('../keepa/domains.js');
      const domain = options.domain === undefined ? undefined : parseDomain(options.domain);
      if (options.domain !== undefined && !domain) throw new CliError(`unknown domain "${options.domain}"`, 2);
      await withStore(async (store) => {
        const { currentHalt, listTracking } = await import('../store/index.js');
        const rows = await listTracking(store, { domainId: domain?.id });
        const halt = await currentHalt(store);
        // On stderr with --json, so that stdout stays the list a script reads.
        if (halt) (options.json ? stderr : stdout)(`${haltLine(halt)}\n`);
        if (options.json) {
          stdout(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        const lines = [['ASIN', 'MARKET', 'EVERY', 'LAST SCRAPE', 'NEXT DUE', 'FAILS', 'STATE / LAST ERROR']];
        for (const r of rows) {
          lines.push([
            r.asin,
            tldForDomainId(r.domainId) ?? String(r.domainId),
            `${r.intervalMinutes}m`,
            ago(r.lastScrapeAt),
            r.active ? ago(r.nextDue) : '-',
            String(r.failures),
            r.active
              ? (r.lastErrorCode ? `${r.lastErrorCode}: ${r.lastErrorMessage}` : 'ok')
              : `inactive (${r.inactiveReason})${r.redirectedTo ? `; now ${r.redirectedTo}` : ''}`,
          ]);
        }
        stdout(formatTable(lines));
        stdout(`${rows.length} tracked\n`);
      });
    });
  track
    .command('resume')
    .description('resume scraping after a halt (a rejected hosted-scraper key, no credits left)')
    .action(async () => {
      await withStore(async (store) => {
        const { resumeScraping } = await import('../store/index.js');
        const halt = await resumeScraping(store);
        stdout(halt ? `resumed scraping (was halted since ${halt.since.toISOString()}: ${halt.code})\n` : 'scraping was not halted\n');
      });
    });
  track
    .command('remove')
    .description('stop tracking ASINs (their stored history stays)')
    .requiredOption('--domain <tld>', 'marketplace TLD or Keepa domain id')
    .argument('<asins...>', 'ASINs')
    .action(async (asins: string[], options: { domain: string }) => {
      const target = await domainAndAsins(options.domain, asins);
      await withStore(async (store) => {
        const { removeTracking } = await import('../store/index.js');
        const removed = await removeTracking(store, target.domain.id, target.asins);
        const missing = target.asins.filter((a) => !removed.includes(a));
        stdout(`removed ${removed.length} product(s)${missing.length ? `; not tracked: ${missing.join(', ')}` : ''}\n`);
      });
    });
}
