import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyKeepaProduct, splitKeepaProduct } from '../src/keepa/product-object.js';
import { statsNowOfResponse } from './golden/stats-compare.js';
import { MINUTES_PER_DAY } from '../src/keepa/time.js';
import { importKeepaProduct } from '../src/store/index.js';
import { scrapeError } from '../src/scraper/errors.js';
import type { ScrapeOutcome } from '../src/scraper/types.js';
import { createRefresh } from '../jobs/refresh.js';
import { apiHarness, createKey, SimClock, url, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { KEEPA_FULL, KEEPA_LATER, keepaFixture, storedFieldsOf } from './helpers/fixtures.js';

const ASIN = 'B0D8W1YVBX';
const EAN = '8809875456477';
const UNKNOWN = 'B0UNKNOWN1';

describe.each(testEngines())('GET /product on $name', (engine) => {
  const full = keepaFixture(KEEPA_FULL);
  const fixture = full.products[0]!;
  const later = keepaFixture(KEEPA_LATER).products[0]!;
  // the moment Keepa answered the fixture: the product's lastUpdate is 18 minutes before
  const now = statsNowOfResponse(full.timestamp);
  let harness: ApiHarness;
  let app: FastifyInstance;
  let key: string;

  beforeAll(async () => {
    harness = await apiHarness(engine, SimClock.atKeepaMinute(now));
    await importKeepaProduct(harness.store, splitKeepaProduct(fixture));
    app = await harness.server();
    key = await createKey(harness.store, 'product', 1000, harness.clock.ms);
  });
  afterAll(async () => harness?.close());

  async function product(params: Record<string, string | number>, headers: Record<string, string> = {}) {
    const response = await app.inject({ method: 'GET', url: url('/product', { key, domain: 1, ...params }), headers });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    return response.json();
  }

  it('answers a Keepa client’s request shape with the stored product, csv arrays equal to the fixture’s', async () => {
    const body = await product({ asin: ASIN, stats: 180, history: 1, buybox: 1, rating: 1, videos: 1, aplus: 1 });
    expect(body.products).toHaveLength(1);
    const { stats, ...served } = body.products[0];
    expect(served.csv).toEqual(fixture.csv);
    // every other field too, as Keepa sent it
    expect(served).toEqual(storedFieldsOf(fixture));
    expect(Object.keys(stats)).toEqual(expect.arrayContaining(Object.keys(fixture.stats)));
  });

  it('serves every stored history for the plain request; buybox and rating only add their cost and buy box stats', async () => {
    const body = await product({ asin: ASIN, stats: 180, history: 1 });
    const served = body.products[0];
    // the curl: csv arrays equal to the fixture's, slots 15–18 included
    expect(served.csv).toEqual(fixture.csv);
    expect(served.buyBoxSellerIdHistory).toEqual(fixture.buyBoxSellerIdHistory);
    expect(served.reviews).toEqual(fixture.reviews);
    // bulky optional fields stay behind their parameters, as in Keepa
    expect(served).not.toHaveProperty('videos');
    expect(served).not.toHaveProperty('aPlus');
    expect(served.stats.buyBoxPrice).toBe(-2);
    expect(body.tokensConsumed).toBe(1);
    const withBuyBox = await product({ asin: ASIN, stats: 180, buybox: 1, rating: 1 });
    expect(withBuyBox.tokensConsumed).toBe(4);
    expect(withBuyBox.products[0].stats.buyBoxPrice).toBe(fixture.stats.buyBoxPrice);
  });

  it('keeps the request order, deduplicates ASINs, and answers unknown ones as Keepa’s empty product', async () => {
    const body = await product({ asin: `${UNKNOWN},${ASIN.toLowerCase()},${ASIN}`, stats: 30 });
    expect(body.products.map((p: { asin: string }) => p.asin)).toEqual([UNKNOWN, ASIN]);
    expect(body.products[0]).toEqual(emptyKeepaProduct(1, UNKNOWN));
    expect(body.products[0].productType).toBe(4);
    expect(body.tokensConsumed).toBe(2);
  });

  it('looks products up by EAN/UPC code, charging per product found', async () => {
    const found = await product({ code: EAN, history: 0 });
    expect(found.products.map((p: { asin: string }) => p.asin)).toEqual([ASIN]);
    expect(found.products[0].eanList).toContain(EAN);
    expect(found.tokensConsumed).toBe(1);
    const both = await product({ code: `${EAN},0000000000000`, buybox: 1, history: 0 });
    expect(both.products).toHaveLength(1);
    expect(both.tokensConsumed).toBe(3);
    const none = await product({ code: '0000000000000' });
    expect(none.products).toEqual([]);
    expect(none.tokensConsumed).toBe(0);
  });

  it('history=0 leaves out csv and every other history but still computes stats from them', async () => {
    const withHistory = await product({ asin: ASIN, stats: 90 });
    const body = await product({ asin: ASIN, stats: 90, history: 0 });
    const served = body.products[0];
    expect(served.csv).toBeNull();
    for (const field of ['salesRanks', 'monthlySoldHistory', 'couponHistory', 'salesRankReferenceHistory', 'parentAsinHistory']) {
      expect(served[field], field).toBeNull();
    }
    expect(served.title).toBe(fixture.title);
    expect(served.stats).toEqual(withHistory.products[0].stats);
    const bare = await product({ asin: ASIN, history: 0 });
    expect(bare.products[0].csv).toBeNull();
    expect(bare.products[0]).not.toHaveProperty('stats');
  });

  it('days=N limits every history to the last N days, keeping the value in force at the start; stats stay all-time', async () => {
    const days = 30;
    const from = now - days * MINUTES_PER_DAY;
    const allTime = await product({ asin: ASIN, stats: 180 });
    for (const withStats of [false, true]) {
      const body = await product({ asin: ASIN, days, ...(withStats && { stats: 180 }) });
      const served = body.products[0];
      served.csv.forEach((series: number[] | null, index: number) => {
        if (series === null) return;
        const stride = [7, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 32].includes(index) ? 3 : 2;
        const original: number[] = fixture.csv[index];
        // a series with nothing newer keeps its last value, re-timed to the window start
        const inWindow = original.filter((_, i) => i % stride === 0 && original[i] >= from).length;
        expect(series.length / stride, `csv[${index}]`).toBe(inWindow + (series[0] === from ? 1 : 0));
        expect(series[0], `csv[${index}]`).toBeGreaterThanOrEqual(from);
        const last = original.slice(-stride);
        if (last[0] < from) last[0] = from;
        expect(series.slice(-stride), `csv[${index}] ends where the fixture ends`).toEqual(last);
      });
      expect(served.salesRanks['3760911'][0]).toBeGreaterThanOrEqual(from);
      if (withStats) expect(served.stats).toEqual(allTime.products[0].stats);
    }
  });

  it('gzips the answer when the client accepts gzip', async () => {
    const response = await app.inject({
      method: 'GET',
      url: url('/product', { key, domain: 1, asin: ASIN, stats: 180 }),
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(response.rawPayload).toString('utf8'));
    expect(body.products[0].csv[3]).toEqual(fixture.csv[3]);
    expect(response.rawPayload.length).toBeLessThan(JSON.stringify(body).length / 2);
  });

  it('accepts Keepa’s trailing-slash form and the epoch-ms stats range the Java client sends', async () => {
    const startMs = harness.clock.ms - 180 * 86_400_000;
    const response = await app.inject({ method: 'GET', url: `/product/?key=${key}&domain=1&asin=${ASIN}&stats=${startMs}%2C${harness.clock.ms}` });
    expect(response.statusCode).toBe(200);
    const byDays = await product({ asin: ASIN, stats: 180 });
    expect(response.json().products[0].stats).toEqual(byDays.products[0].stats);
  });

  it('serves the OpenAPI description at /documentation and health at /health', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/documentation/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/product', '/token', '/health']));
    expect(spec.paths['/product'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['key', 'domain', 'asin', 'code', 'stats', 'history', 'days', 'update', 'offers', 'buybox', 'rating']),
    );
    const ui = await app.inject({ method: 'GET', url: '/documentation/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/html/);
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toEqual({ ok: true, engine: harness.store.engine, timescaledb: harness.store.timescaledb });
  });

  describe('update', () => {
    it('scrapes products older than `update` hours first through the refresh function, then serves what it stored', async () => {
      const calls: Array<[number, readonly string[]]> = [];
      const refreshing = await harness.server({
        refresh: async (domainId, asins) => {
          calls.push([domainId, asins]);
          // what a scrape would store: the newer capture of the same product
          if (asins.includes(ASIN)) await importKeepaProduct(harness.store, splitKeepaProduct(later));
          return { failed: [] };
        },
      });
      const get = async (params: Record<string, string | number>) =>
        (await refreshing.inject({ method: 'GET', url: url('/product', { key, domain: 1, ...params }) })).json();

      // stored 18 minutes ago: fresh for update=1
      const fresh = await get({ asin: ASIN, update: 1 });
      expect(calls).toEqual([]);
      expect(fresh.products[0].lastUpdate).toBe(fixture.lastUpdate);
      expect(fresh.tokensConsumed).toBe(1);
      // never stored: always stale
      await get({ asin: `${ASIN},${UNKNOWN}`, update: 1 });
      expect(calls).toEqual([[1, [UNKNOWN]]]);
      // update=0: everything, live, +1 token per product
      const live = await get({ asin: ASIN, update: 0, stats: 1 });
      expect(calls[1]).toEqual([1, [ASIN]]);
      expect(live.products[0].lastUpdate).toBe(later.lastUpdate);
      expect(live.tokensConsumed).toBe(2);
      // update=-1 never scrapes
      await get({ asin: UNKNOWN, update: -1 });
      expect(calls).toHaveLength(2);
    });

    it('serves stored data, not charging the live update, when the scrape fails', async () => {
      const failing = await harness.server({
        refresh: async () => {
          throw new Error('blocked_by_amazon');
        },
      });
      const response = await failing.inject({ method: 'GET', url: url('/product', { key, domain: 1, asin: ASIN, update: 0 }) });
      expect(response.statusCode).toBe(200);
      expect(response.json().products[0].asin).toBe(ASIN);
      expect(response.json().tokensConsumed).toBe(1);
    });

    it('refunds the live update of a scrape that fails through the real refresh (captcha), charging only the product', async () => {
      const captcha = async (): Promise<ScrapeOutcome> => ({ ok: false, error: scrapeError('blocked_by_amazon'), attempts: [] });
      const failing = await harness.server({ refresh: createRefresh(harness.store, captcha) });
      const response = await failing.inject({ method: 'GET', url: url('/product', { key, domain: 1, asin: ASIN, update: 0 }) });
      expect(response.statusCode).toBe(200);
      expect(response.json().tokensConsumed).toBe(1);
    });

    it('serves as stored, with no extra cost, when no scraper is configured', async () => {
      const body = await product({ asin: ASIN, update: 0 });
      expect(body.tokensConsumed).toBe(1);
    });
  });
});
