import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTick } from '../jobs/scheduler.js';
import { loadConfig } from '../src/config.js';
import { CSV } from '../src/keepa/csv-type.js';
import { assembleKeepaProduct } from '../src/keepa/product-object.js';
import { fromKeepaMinute, toKeepaMinute } from '../src/keepa/time.js';
import { createScraper, extractProduct, type Scraper } from '../src/scraper/index.js';
import { addTracking, listTracking, readProducts, trackingStatus, type Store } from '../src/store/index.js';
import { sql } from 'kysely';
import { testEngines, type TestDatabase } from './helpers/engines.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';
import { scriptedServer, type ScriptedServer } from './helpers/scraper-server.js';

const ASIN = 'B00N150YS4'; // sold by Amazon.com at $12.48 on the saved page
const page = readFileSync(`${SHARED_FIXTURES}amazon/com_product_${ASIN}.html`, 'utf8');
const captcha = readFileSync(`${SHARED_FIXTURES}amazon/com_captcha_validate.html`, 'utf8');

/** The saved page with its $12.48 price shown as `dollars.cents` instead. */
function pageAt(dollars: number, cents: number): string {
  const c = String(cents).padStart(2, '0');
  return page
    .replaceAll('$12.48', `$${dollars}.${c}`)
    .replaceAll('a-price-whole">12<', `a-price-whole">${dollars}<`)
    .replaceAll('a-price-fraction">48<', `a-price-fraction">${c}<`);
}

describe.each(testEngines())('tracking jobs on $name', (engine) => {
  let database: TestDatabase;
  let store: Store;
  let amazon: ScriptedServer;
  let scraper: Scraper;
  let current = pageAt(12, 48);
  let mode: 'page' | 'captcha' | '503' = 'page';

  beforeAll(async () => {
    database = await engine.create();
    store = await database.open();
    amazon = await scriptedServer([], (req, res) => {
      if (mode === '503') {
        res.writeHead(503, { 'content-type': 'text/html' });
        res.end('<html><body>Service Unavailable</body></html>');
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(mode === 'captcha' ? captcha : current);
      }
    });
    const config = loadConfig({ PRICEKEEP_AMAZON_BASE_URL: amazon.url, PRICEKEEP_MAX_ATTEMPTS: '2', PRICEKEEP_RETRY_BASE_MS: '5' });
    scraper = createScraper(config.scraper);
  });
  afterAll(async () => {
    await scraper?.close();
    await amazon?.close();
    await store?.close();
    await database?.drop();
  });

  // The scheduler's clock: each run happens `advanceMs` (default an hour) after the previous one.
  let now = Date.parse('2026-11-20T10:00:30Z');
  const tick = (advanceMs = 3_600_000) => {
    now += advanceMs;
    return runTick({ store, scrape: (asin, tld) => scraper.scrapeProduct(asin, tld), worker: 'test', clock: () => now });
  };
  const makeDue = () => sql`UPDATE tracked_products SET next_due = ${new Date(now - 1000)}`.execute(store.db);
  const exported = async () => assembleKeepaProduct((await readProducts(store, 1, [ASIN])).get(ASIN)!);

  it('the stand-in pages extract the prices the test sets', () => {
    expect(extractProduct(pageAt(10, 99), 'com', { asin: ASIN })).toMatchObject({ ok: true, product: { price_minor: 1099, is_amazon_seller: true } });
  });

  it('records a price change as exactly one new point, and repeats as none', async () => {
    await addTracking(store, 1, [ASIN], 60, new Date(now));
    const first = await tick();
    const firstMinute = toKeepaMinute(now);
    expect(first).toMatchObject({ scraped: 1, ok: 1, failed: 0 });
    // nothing is due until the interval has passed
    expect((await tick(0)).scraped).toBe(0);

    current = pageAt(10, 99);
    await makeDue();
    expect(await tick()).toMatchObject({ scraped: 1, ok: 1 });
    const secondMinute = toKeepaMinute(now);
    await makeDue();
    expect(await tick()).toMatchObject({ scraped: 1, ok: 1, pointsWritten: 0 });

    const product = await exported();
    const [t0, v0, t1, v1] = product.csv[CSV.AMAZON]!;
    expect([v0, v1]).toEqual([1248, 1099]);
    expect(product.csv[CSV.AMAZON]).toHaveLength(4);
    expect(product.csv[CSV.NEW]).toEqual([t0, 1248, t1, 1099]);
    // the Keepa minutes of the two scrapes that saw a price
    expect([t0, t1]).toEqual([firstMinute, secondMinute]);
    expect(fromKeepaMinute(t0!).toISOString()).toBe('2026-11-20T11:00:00.000Z');
    expect(product.csv[CSV.RATING]).toEqual([t0, 48]);
    expect(product.csv[CSV.COUNT_REVIEWS]).toEqual([t0, 8249]);
    expect(product.csv[CSV.SALES]).toEqual([t0, 280]);
    expect(product.csv[CSV.BUY_BOX_SHIPPING]).toEqual([t0, 1248, 0, t1, 1099, 0]);
    expect(product.title).toMatch(/\S/);
    expect(product.lastPriceChange).toBe(t1);
  });

  it('writes nothing for a captcha or a 503, reschedules, then records the next good scrape', async () => {
    const before = (await exported()).csv;
    for (const failure of ['captcha', '503'] as const) {
      mode = failure;
      await makeDue();
      const result = await tick();
      expect(result).toMatchObject({ scraped: 1, ok: 0, failed: 1, pointsWritten: 0 });
      expect(result.errorsByCode).toEqual({ blocked_by_amazon: 1 });
      expect((await exported()).csv).toEqual(before);
      const [row] = await listTracking(store, { asins: [ASIN] });
      expect(row!.active).toBe(true);
      expect(row!.lastErrorCode).toBe('blocked_by_amazon');
      // rescheduled with backoff: not due now, due within the interval
      expect(row!.nextDue.getTime()).toBeGreaterThan(now);
      expect(row!.nextDue.getTime()).toBeLessThanOrEqual(now + 60 * 60_000);
    }
    mode = 'page';
    current = pageAt(11, 49);
    await makeDue();
    expect(await tick()).toMatchObject({ ok: 1 });
    const amazonSeries = (await exported()).csv[CSV.AMAZON]!;
    expect(amazonSeries.filter((_, i) => i % 2 === 1)).toEqual([1248, 1099, 1149]);
    const [row] = await listTracking(store, { asins: [ASIN] });
    expect([row!.failures, row!.lastErrorCode]).toEqual([0, null]);
    const status = await trackingStatus(store, new Date(now));
    expect(status.errorsByCode).toEqual({ blocked_by_amazon: 2 });
    expect(status.lastDay).toMatchObject({ scrapes: 6, ok: 4 });
  });

  it('retires a product whose page is gone', async () => {
    const gone = 'B000GONE00';
    await addTracking(store, 1, [gone], 60, new Date(now));
    const notFound = readFileSync('fixtures/amazon/com_404_dog.html', 'utf8');
    const saved = current;
    current = notFound;
    try {
      expect((await tick(0)).errorsByCode).toEqual({ not_found: 1 });
    } finally {
      current = saved;
    }
    const [row] = await listTracking(store, { asins: [gone] });
    expect(row!.active).toBe(false);
    expect(row!.inactiveReason).toMatch(/^not_found/);
    expect((await readProducts(store, 1, [gone])).size).toBe(0);
  });
});
