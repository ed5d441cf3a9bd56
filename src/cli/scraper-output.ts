// Output conventions shared by `extract`, `scrape` and `search`: JSON on stdout; a page or
// scrape that yields no clean result prints ASA's error body and exits 3.
import { parseDomain } from '../keepa/domains.js';
import type { MarketplaceTld } from '../marketplaces.js';
import type { AttemptRecord, ScrapeError } from '../scraper/index.js';
import { CliError } from './cli-error.js';

export const EXIT_NOT_A_RESULT = 3;

/** --domain as every command reads it (a TLD, amazon.TLD or a Keepa domain id): the marketplace's TLD. */
export function parseTld(domain: string): MarketplaceTld {
  const market = parseDomain(domain);
  if (!market) throw new CliError(`unknown domain "${domain}" (use a marketplace TLD: com, co.uk, de, com.br, … or a Keepa domain id)`, 2);
  return market.tld;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** ASA's error body (plus attempts when there were any); sets exit code 3. */
export function printError(error: ScrapeError, attempts?: readonly AttemptRecord[]): void {
  const body: Record<string, unknown> = { error: error.code, message: error.message };
  if (attempts && attempts.length > 0) body.attempts = attempts;
  printJson(body);
  process.exitCode = EXIT_NOT_A_RESULT;
}
