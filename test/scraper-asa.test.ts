// The asa backend against a local fake ASA: Bearer key and query parameters, decimal prices
// turned into exact minor units, and every ASA error code mapped one to one, retried or not
// as ASA's error guide says.
import { describe, expect, it, afterEach } from 'vitest';
import type { ScraperConfig } from '../src/config.js';
import { createScraper, SCRAPE_ERRORS, type ScrapeErrorCode } from '../src/scraper/index.js';
import { scriptedServer, type ScriptedServer, type Step } from './helpers/scraper-server.js';

const KEY = 'asa_live_Tq0x4k9Pd8MnTEST';

// The response of ASA's product endpoint documentation, verbatim in shape.
const ASA_PRODUCT = {
  asin: 'B09HN3Q81F', asin_in_url: 'B09HN3Q81F', parent_asin: null, url: 'https://www.amazon.com/dp/B09HN3Q81F', page: 1, page_type: 'Product',
  title: 'LEGEND COOKWARE 5-Ply Stainless Steel Cookware Set', product_name: 'LEGEND COOKWARE 5-Ply Stainless Steel Cookware Set',
  brand: 'LEGEND COOKWARE', manufacturer: 'LEGEND COOKWARE', price: 299.99, price_buybox: 299.99, price_strikethrough: 399.99, currency: 'USD',
  pricing_count: 3, stock: 'In Stock', is_prime: true, max_quantity: 10,
  delivery: [{ date: { by: 'Tuesday, April 25' }, type: 'FREE Delivery' }],
  featured_merchant: { name: 'LEGEND COOKWARE Store', seller_id: 'A1EXAMPLE', is_amazon_fulfilled: true },
  buybox: [{ price: 299.99, seller_name: 'LEGEND COOKWARE Store', seller_id: 'A1EXAMPLE', stock: 'In Stock', returns: 'Free returns within 30 days' }],
  category: [{ ladder: [{ name: 'Home & Kitchen', url: '…' }, { name: 'Cookware', url: '…' }] }],
  rating: 4.7, reviews_count: 2481, rating_stars_distribution: [{ rating: 5, percentage: 72 }, { rating: 4, percentage: 18 }],
  variations: [{ asin: 'B09HN3Q81F', dimensions: { color: 'Silver', size: '10 pc' }, selected: true }],
  images: ['https://m.media-amazon.com/images/I/71x.jpg'], has_videos: true,
  product_details: { Brand: 'LEGEND COOKWARE', Material: 'Stainless Steel' }, product_dimensions: '17.1 x 13.1 x 12.6 inches',
  sales_rank: [{ ladder: [{ name: 'Home & Kitchen', url: '…' }], rank: 342 }],
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Step {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

function config(url: string, overrides: Partial<ScraperConfig> = {}): ScraperConfig {
  return {
    backend: 'asa', amazonBaseUrl: undefined, proxies: [], asaBaseUrl: url, asaApiKey: KEY, replayDir: undefined,
    timeoutMs: 2000, maxAttempts: 3, perHostConcurrency: 2, perHostRatePerSecond: 100, ...overrides,
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function asa(steps: Step[], overrides: Partial<ScraperConfig> = {}) {
  const server: ScriptedServer = await scriptedServer(steps);
  const scraper = createScraper(config(server.url, overrides), { backoffBaseMs: 10, random: () => 0 });
  cleanups.push(() => server.close(), () => scraper.close());
  return { server, scraper };
}

describe('asa backend', () => {
  it('calls /api/v1/amazon/product with the Bearer key and maps decimals to exact minor units', async () => {
    const { server, scraper } = await asa([json(200, ASA_PRODUCT)]);
    const outcome = await scraper.scrapeProduct('b09hn3q81f', 'com');
    expect(server.requests[0].path).toBe('/api/v1/amazon/product?query=B09HN3Q81F&domain=com');
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.product).toMatchObject({
      asin: 'B09HN3Q81F', price: 299.99, price_minor: 29999, price_buybox_minor: 29999, price_strikethrough_minor: 39999,
      currency: 'USD', in_stock: true, shipping_minor: 0, rating: 4.7, reviews_count: 2481, is_amazon_seller: false,
      featured_merchant: { name: 'LEGEND COOKWARE Store', seller_id: 'A1EXAMPLE', is_amazon_fulfilled: true },
      coupon: null, monthly_sold: null, domain: 'com',
    });
    expect(outcome.product.sales_rank).toEqual([{ rank: 342, category: 'Home & Kitchen', category_id: null, ladder: [{ name: 'Home & Kitchen', url: '…' }] }]);
    expect(outcome.product.buybox[0]).toMatchObject({ price_minor: 29999, seller_id: 'A1EXAMPLE' });
    expect(outcome.attempts).toEqual([expect.objectContaining({ attempt: 1, http_status: 200, outcome: 'ok' })]);
  });

  it('calls /api/v1/amazon/search and keeps positions', async () => {
    const body = { page: 1, products: [{ asin: 'B0BDHWDR12', title: 'Sony WH-1000XM5', price: 348.0, price_strikethrough: 399.99, currency: 'USD', is_sponsored: false, organic_position: 1 }] };
    const { server, scraper } = await asa([json(200, body)]);
    const outcome = await scraper.search('wireless headphones', 'com', { sortBy: 'price_desc', page: 2 });
    expect(server.requests[0].path).toBe('/api/v1/amazon/search?query=wireless+headphones&domain=com&sort_by=price_desc&start_page=2');
    expect(outcome.ok && outcome.search.products[0]).toMatchObject({ asin: 'B0BDHWDR12', price_minor: 34800, price_strikethrough_minor: 39999, organic_position: 1 });
  });

  it('waits out Retry-After on 429 rate_limited, then succeeds', async () => {
    const { server, scraper } = await asa([json(429, { error: 'rate_limited', message: 'Exceeded sustained RPS (25)' }, { 'retry-after': '1' }), json(200, ASA_PRODUCT)]);
    const outcome = await scraper.scrapeProduct('B09HN3Q81F', 'com');
    expect(outcome.ok).toBe(true);
    expect(server.requests[1].at - server.requests[0].at).toBeGreaterThanOrEqual(1000);
    expect(outcome.attempts.map((a) => [a.outcome, a.http_status])).toEqual([['rate_limited', 429], ['ok', 200]]);
  });

  it('retries capacity and gives up with the attempt count', async () => {
    const { server, scraper } = await asa([json(503, { error: 'capacity', message: 'pool busy' })]);
    const outcome = await scraper.scrapeProduct('B09HN3Q81F', 'com');
    expect(!outcome.ok && outcome.error).toMatchObject({ code: 'capacity', httpStatus: 503, policy: 'retry' });
    expect(!outcome.ok && outcome.error.message).toBe('pool busy; gave up after 3 attempts');
    expect(server.requests).toHaveLength(3);
  });

  it('hands extraction_failed back at once: the scheduler tries the page again later', async () => {
    const { server, scraper } = await asa([json(502, { error: 'extraction_failed', message: 'new layout' })]);
    const outcome = await scraper.scrapeProduct('B09HN3Q81F', 'com');
    expect(!outcome.ok && outcome.error).toMatchObject({ code: 'extraction_failed', httpStatus: 502, policy: 'reschedule', message: 'new layout' });
    expect(server.requests).toHaveLength(1);
  });

  it('hands blocked_by_amazon back at once with ASA\'s 60 s advice instead of blocking a worker', async () => {
    const { server, scraper } = await asa([json(422, { error: 'blocked_by_amazon' })]);
    const outcome = await scraper.scrapeProduct('B09HN3Q81F', 'com');
    expect(!outcome.ok && outcome.error).toMatchObject({ code: 'blocked_by_amazon', policy: 'retry', retryAfterMs: 60_000 });
    expect(server.requests).toHaveLength(1);
  });

  it('maps every ASA error code one to one, with ASA\'s status', async () => {
    const codes = Object.keys(SCRAPE_ERRORS) as ScrapeErrorCode[];
    const { scraper } = await asa(codes.map((code) => json(SCRAPE_ERRORS[code].httpStatus, { error: code, message: `m:${code}` })), { maxAttempts: 1 });
    for (const code of codes) {
      const outcome = await scraper.scrapeProduct('B09HN3Q81F', 'com');
      expect(!outcome.ok && [outcome.error.code, outcome.error.httpStatus, outcome.attempts[0].http_status]).toEqual([code, SCRAPE_ERRORS[code].httpStatus, SCRAPE_ERRORS[code].httpStatus]);
    }
  });

  it('falls back to the HTTP status when the body names no known code', async () => {
    const { scraper } = await asa([{ status: 500, body: 'oops' }, json(401, { error: 'who-knows' })], { maxAttempts: 1 });
    const first = await scraper.scrapeProduct('B09HN3Q81F', 'com');
    expect(!first.ok && first.error.code).toBe('internal_error');
    const second = await scraper.scrapeProduct('B09HN3Q81F', 'com');
    expect(!second.ok && second.error.code).toBe('unauthorized');
  });

  it('does not retry unauthorized and does not call without a key', async () => {
    const { server, scraper } = await asa([json(401, { error: 'unauthorized' })]);
    const outcome = await scraper.scrapeProduct('B09HN3Q81F', 'com');
    expect(!outcome.ok && outcome.error.code).toBe('unauthorized');
    expect(server.requests).toHaveLength(1);
    const keyless = createScraper(config(server.url, { asaApiKey: undefined }));
    cleanups.push(() => keyless.close());
    const refused = await keyless.scrapeProduct('B09HN3Q81F', 'com');
    expect(!refused.ok && [refused.error.code, refused.attempts.length]).toEqual(['unauthorized', 0]);
    expect(server.requests).toHaveLength(1);
  });
});
