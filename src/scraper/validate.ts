// Input checks shared by every backend: ASA answers a malformed ASIN or an unknown domain
// with 400 invalid_params before doing any work.
import { isAsin } from '../asins.js';
import { isMarketplaceTld, type MarketplaceTld } from '../marketplaces.js';
import { scrapeError, type ScrapeError } from './errors.js';


export function checkProductInput(asin: string, tld: string): { asin: string; tld: MarketplaceTld } | ScrapeError {
  const normalized = asin.trim().toUpperCase();
  if (!isAsin(normalized)) return scrapeError('invalid_params', `not an ASIN: "${asin}" (10 letters or digits)`);
  if (!isMarketplaceTld(tld)) return scrapeError('invalid_params', `unsupported domain "${tld}"`);
  return { asin: normalized, tld };
}

export function checkSearchInput(query: string, tld: string, page = 1): { query: string; tld: MarketplaceTld; page: number } | ScrapeError {
  const trimmed = query.trim();
  if (trimmed === '') return scrapeError('invalid_params', 'empty search query');
  if (!isMarketplaceTld(tld)) return scrapeError('invalid_params', `unsupported domain "${tld}"`);
  if (!Number.isInteger(page) || page < 1 || page > 10) return scrapeError('invalid_params', `page must be 1-10, got ${page}`);
  return { query: trimmed, tld, page };
}

export function isScrapeError(value: object): value is ScrapeError {
  return 'code' in value && 'httpStatus' in value;
}
