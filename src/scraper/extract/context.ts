// What every product/search extractor receives: the loaded page and its marketplace.
import { MARKETPLACES, type Marketplace, type MarketplaceTld } from '../../marketplaces.js';
import type { Page } from '../html/page.js';

export interface ExtractContext {
  readonly page: Page;
  readonly tld: MarketplaceTld;
  readonly market: Marketplace;
  /** `https://www.amazon.<tld>`: where relative links on the page point. */
  readonly origin: string;
}

export function extractContext(page: Page, tld: MarketplaceTld): ExtractContext {
  const market = MARKETPLACES.get(tld)!;
  return { page, tld, market, origin: `https://${market.host}` };
}
