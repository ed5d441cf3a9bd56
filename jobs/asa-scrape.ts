// One ASA request through the scraper pipeline, for the sync endpoints and the batch
// workers alike: scrape (the scraper retries internally), shape ASA's body, and, when
// the product is tracked, record the page as an observation (change-only, the mapping
// the scheduler uses) so a paid scrape also feeds the price history.
import type { Logger } from 'pino';
import type { AsaScrape } from '../src/asa/scrape-result.js';
import { domainIdForTld } from '../src/keepa/domains.js';
import { mapObservation } from '../src/keepa/observation-mapping.js';
import { keepaNow } from '../src/keepa/time.js';
import type { ScrapedProduct, Scraper, SearchProduct } from '../src/scraper/index.js';
import { listTracking, recordObservations, type Store } from '../src/store/index.js';

export interface AsaScrapeOptions {
  readonly logger?: Logger;
  /** Unix ms for the Keepa minute of recorded observations. */
  readonly clock?: () => number;
}

async function recordIfTracked(store: Store, product: ScrapedProduct, clock: () => number, logger?: Logger): Promise<void> {
  const domainId = domainIdForTld(product.domain);
  try {
    const tracked = await listTracking(store, { domainId, asins: [product.asin] });
    if (tracked.length === 0) return;
    await recordObservations(store, [mapObservation(product, domainId, keepaNow(clock))]);
  } catch (error) {
    // The customer's answer does not depend on the history write; the scheduler will scrape again.
    logger?.warn({ err: error, asin: product.asin, domainId }, 'ASA scrape of a tracked product not recorded');
  }
}

export type { AsaScrape, AsaScrapeResult } from '../src/asa/scrape-result.js';

export function createAsaScrape(store: Store, scraper: Scraper, options: AsaScrapeOptions = {}): AsaScrape {
  const clock = options.clock ?? Date.now;
  return async (request, signal) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const base = { language: request.language ?? undefined, includeHtml: request.addHtml, signal };
    if (request.endpoint === 'amazon.product') {
      const outcome = await scraper.scrapeProduct(request.asin, request.tld, base);
      const last = outcome.attempts.at(-1);
      if (!outcome.ok) {
        return { body: null, error: outcome.error, httpStatus: outcome.error.httpStatus, attempts: outcome.attempts.length, resolvedUrl: null, sourceStatus: last?.http_status ?? null, durationMs: elapsed() };
      }
      await recordIfTracked(store, outcome.product, clock, options.logger);
      const body: Record<string, unknown> = { ...outcome.product };
      if (request.addHtml) body.html = outcome.source?.html ?? null;
      return { body, error: null, httpStatus: 200, attempts: outcome.attempts.length, resolvedUrl: outcome.source?.url ?? outcome.product.url, sourceStatus: outcome.source?.status ?? last?.http_status ?? null, durationMs: elapsed() };
    }
    const products: SearchProduct[] = [];
    let attempts = 0;
    let resolvedUrl: string | null = null;
    let sourceStatus: number | null = null;
    const htmls: string[] = [];
    for (let page = request.startPage; page < request.startPage + request.pages; page++) {
      const outcome = await scraper.search(request.query, request.tld, { ...base, page, sortBy: request.sortBy });
      attempts += outcome.attempts.length;
      sourceStatus = outcome.attempts.at(-1)?.http_status ?? sourceStatus;
      if (!outcome.ok) return { body: null, error: outcome.error, httpStatus: outcome.error.httpStatus, attempts, resolvedUrl: null, sourceStatus, durationMs: elapsed() };
      // Positions run on across the pages fetched, as a rank tracker reads them (page 2's
      // first organic result is the one after page 1's last).
      const organicBefore = products.filter((p) => p.organic_position !== null).length;
      const sponsoredBefore = products.filter((p) => p.sponsored_position !== null).length;
      products.push(...outcome.search.products.map((p) => ({
        ...p,
        organic_position: p.organic_position === null ? null : p.organic_position + organicBefore,
        sponsored_position: p.sponsored_position === null ? null : p.sponsored_position + sponsoredBefore,
      })));
      resolvedUrl ??= outcome.source?.url ?? outcome.search.url;
      if (outcome.source?.html !== undefined) htmls.push(outcome.source.html);
    }
    const body = { page: request.startPage, products, html: request.addHtml && htmls.length > 0 ? htmls.join('\n') : null };
    return { body, error: null, httpStatus: 200, attempts, resolvedUrl, sourceStatus, durationMs: elapsed() };
  };
}
