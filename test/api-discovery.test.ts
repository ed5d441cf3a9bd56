// The discovery endpoints reached with the exact request shapes of Keepa's Java client
// (Request.getQueryRequest, getDealsRequest, getBestSellersRequest, getCategoryLookupRequest,
// category/product search) and the Python client (product_finder, deals, best_sellers_query,
// category_lookup, search_for_categories), as keepa-api-more.md §0, 2–4 describe them.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { MINUTES_PER_DAY } from '../src/keepa/time.js';
import { importKeepaProduct, recordObservations } from '../src/store/index.js';
import { apiHarness, createKey, SimClock, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';

const NOW = 7_560_000;
const BOOKS = 283155;
const FIXTURES = ['0135048761_us.json', '0470820942_us.json', '1496849574_us.json', '1580626130_us.json'];
const DEAL_ASIN = 'B0DEAL0001';
const STEADY_ASIN = 'B0STEADY01';

/** Java: every value form-encoded (space → +), the key appended raw. */
function javaUrl(path: string, key: string, params: Record<string, string | number>): string {
  const encoded = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(String(v)).replace(/%20/g, '+')}`);
  return `/${path}?key=${key}&${encoded.join('&')}`;
}

/** Python: trailing slash on the path, `requests` encoding. */
function pythonUrl(path: string, key: string, params: Record<string, string | number>): string {
  return `/${path}/?${new URLSearchParams({ key, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) })}`;
}

/** json.dumps with Python's default separators. */
const pyJson = (value: unknown) => JSON.stringify(value).replace(/":/g, '": ').replace(/,"/g, ', "');

describe.each(testEngines())('discovery endpoints on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;
  let key: string;

  beforeAll(async () => {
    harness = await apiHarness(engine, SimClock.atKeepaMinute(NOW));
    for (const file of FIXTURES) {
      await importKeepaProduct(harness.store, splitKeepaProduct(JSON.parse(readFileSync(`${SHARED_FIXTURES}keepa/more/${file}`, 'utf8'))));
    }
    const meta = {
      title: 'Laboratory Kettle Deluxe', brand: 'Acme', productGroup: 'Kitchen', rootCategory: BOOKS, categories: [2581],
      categoryTree: [{ catId: BOOKS, name: 'Books' }, { catId: 1000, name: 'Subjects' }, { catId: 3, name: 'Business & Money' }, { catId: 2581, name: 'Economics' }],
      imagesCSV: '61kettle.jpg',
    };
    const observe = (asin: string, at: number, amazon: number, rank: number) => ({
      domainId: 1, asin, at, meta: asin === DEAL_ASIN ? meta : { ...meta, title: 'Steady Grinder' }, numeric: [{ name: 'csv:0' as const, value: amazon }, { name: 'csv:3' as const, value: rank }, { name: 'salesRanks:2581' as const, value: rank }],
    });
    await recordObservations(harness.store, [
      observe(DEAL_ASIN, NOW - 10 * MINUTES_PER_DAY, 2000, 900), observe(DEAL_ASIN, NOW - 360, 1500, 400),
      observe(STEADY_ASIN, NOW - 10 * MINUTES_PER_DAY, 2000, 700),
    ]);
    app = await harness.server();
    key = await createKey(harness.store, 'discovery', 10_000, harness.clock.ms);
  }, 300_000);
  afterAll(async () => harness?.close());

  async function get(path: string, status = 200) {
    const response = await app.inject({ method: 'GET', url: path });
    expect(response.statusCode, response.body.slice(0, 400)).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    return response.json();
  }

  describe('/query', () => {
    it('answers Java getQueryRequest (GET, selection with perPage and page always set)', async () => {
      const selection = JSON.stringify({ perPage: 50, page: 0, current_SALES_gte: 1, rootCategory: [String(BOOKS)], sort: [['current_SALES', 'asc']] });
      const body = await get(javaUrl('query', key, { domain: 1, selection }));
      expect(body.totalResults).toBe(6);
      expect(body.asinList).toHaveLength(6);
      expect(body.tokensConsumed).toBe(11);
      // ascending current sales rank: the recorded products (ranks 400, 700) lead
      expect(body.asinList.slice(0, 2)).toEqual([DEAL_ASIN, STEADY_ASIN]);
    });

    it('answers Python product_finder (trailing slash, json.dumps spacing) and the POST body form', async () => {
      const python = await get(pythonUrl('query', key, { domain: 1, selection: pyJson({ brand: 'acme', deltaPercent1_AMAZON_gte: 20, perPage: 50, page: 0 }) }));
      expect(python).toMatchObject({ asinList: [DEAL_ASIN], totalResults: 1 });
      const post = await app.inject({
        method: 'POST', url: `/query?key=${key}&domain=1`, headers: { 'content-type': 'application/json; charset=UTF-8' },
        payload: { title: 'laboratory', isLowest_AMAZON: true },
      });
      expect(post.statusCode, post.body).toBe(200);
      expect(post.json()).toMatchObject({ asinList: [DEAL_ASIN], totalResults: 1 });
    });

    it('refuses an unknown selection field by name, and charges nothing', async () => {
      const body = await get(pythonUrl('query', key, { domain: 1, selection: pyJson({ current_SALES_gte: 1, colour: ['red'] }) }), 400);
      expect(body.error.message).toContain('"colour"');
      expect(body.error.details).toBe('field: colour');
      expect(body.tokensConsumed).toBe(0);
      const bad = await get(javaUrl('query', key, { domain: 1, selection: JSON.stringify({ avg2_AMAZON_gte: 5 }) }), 400);
      expect(bad.error.message).toContain('avg2_AMAZON_gte');
    });
  });

  describe('/deal', () => {
    it('answers Java getDealsRequest: POST body with every primitive, priceTypes array', async () => {
      const dealRequest = {
        page: 0, domainId: 1, priceTypes: [0], dateRange: 0, isLowest: false, isLowest90: false, isLowestOffer: false,
        isOutOfStock: false, isBackInStock: false, isRangeEnabled: true, isFilterEnabled: false, hasReviews: false,
        filterErotic: false, isPrimeExclusive: false, mustHaveAmazonOffer: false, mustNotHaveAmazonOffer: false, sortType: 4,
        deltaPercentRange: [20, 100],
      };
      const response = await app.inject({
        method: 'POST', url: `/deal?key=${key}&`, headers: { 'content-type': 'application/json; charset=UTF-8' }, payload: JSON.stringify(dealRequest),
      });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(body.tokensConsumed).toBe(5);
      expect(body.deals.dr.map((d: { asin: string }) => d.asin)).toEqual([DEAL_ASIN]);
      const deal = body.deals.dr[0];
      // 1500 for the last 6 h of the day, 2000 for the 18 before: avg 1875, a 20% drop
      expect(deal.current[0]).toBe(1500);
      expect(deal.avg[0][0]).toBe(1875);
      expect(deal.delta[0][0]).toBe(375);
      expect(deal.deltaPercent[0][0]).toBe(20);
      expect(deal.deltaLast[0]).toBe(500);
      expect(deal.currentSince[0]).toBe(NOW - 360);
      expect(deal.creationDate).toBe(NOW - 360);
      expect(deal.rootCat).toBe(BOOKS);
      expect(deal.categories).toEqual([2581]);
      expect(String.fromCharCode(...deal.image)).toBe('61kettle.jpg');
      expect(body.deals).toMatchObject({ drDateIndex: null, categoryIds: [BOOKS], categoryNames: ['Books'], categoryCount: [1] });
    });

    it('answers Python deals: GET selection, scalar priceTypes, domain as a parameter', async () => {
      const body = await get(pythonUrl('deal', key, { domain: 1, selection: pyJson({ page: 0, priceTypes: 0, dateRange: 1, titleSearch: 'kettle' }) }));
      expect(body.deals.dr.map((d: { asin: string }) => d.asin)).toEqual([DEAL_ASIN]);
    });

    it('rejects domainId 0 (Java unset) without a domain, and unknown fields by name', async () => {
      const noDomain = await app.inject({ method: 'POST', url: `/deal?key=${key}&`, payload: { page: 0, domainId: 0, priceTypes: [0] } });
      expect(noDomain.statusCode).toBe(400);
      expect(noDomain.json().error.details).toBe('field: domainId');
      const unknown = await get(pythonUrl('deal', key, { domain: 1, selection: pyJson({ priceTypes: 0, isWonderful: true }) }), 400);
      expect(unknown.error.message).toContain('isWonderful');
    });
  });

  describe('/bestsellers', () => {
    it('answers Java getBestSellersRequest and Python best_sellers_query from stored ranks', async () => {
      const java = await get(javaUrl('bestsellers', key, { domain: 1, category: 2581 }));
      expect(java.bestSellersList).toMatchObject({ domainId: 1, categoryId: 2581 });
      // the Hello Kitty book (ranked in 2581 by its salesRanks) and both recorded products, best primary rank first
      expect(java.bestSellersList.asinList[0]).toBe(DEAL_ASIN);
      expect(java.bestSellersList.asinList).toContain('0470820942');
      expect(java.tokensConsumed).toBe(50);
      const python = await get(pythonUrl('bestsellers', key, { domain: 1, category: 2581, range: 0, variations: 0, sublist: 0 }));
      expect(python.bestSellersList.asinList).toEqual(java.bestSellersList.asinList);
      const group = await get(pythonUrl('bestsellers', key, { domain: 1, category: 'Kitchen', range: 0, variations: 1, sublist: 0 }));
      expect(group.bestSellersList).toMatchObject({ categoryId: 0, asinList: [DEAL_ASIN, STEADY_ASIN] });
    });

    it('answers without bestSellersList and charges nothing when no product is ranked there', async () => {
      const body = await get(javaUrl('bestsellers', key, { domain: 1, category: 999999 }));
      expect(body.bestSellersList).toBeUndefined();
      expect(body.tokensConsumed).toBe(0);
    });
  });

  describe('/category and /search?type=category', () => {
    it('answers Java getCategoryLookupRequest with parents=1 and Python category_lookup with parents=0', async () => {
      const java = await get(javaUrl('category', key, { domain: 1, category: 2581, parents: 1 }));
      expect(java.categories['2581']).toMatchObject({ catId: 2581, name: 'Economics', parent: 3, domainId: 1, productCount: 3 });
      expect(Object.keys(java.categoryParents).sort()).toEqual(['1000', '283155', '3']);
      expect(java.categoryParents['283155'].parent).toBe(0);
      expect(java.tokensConsumed).toBe(1);
      const python = await get(pythonUrl('category', key, { domain: 1, category: 0, parents: 0 }));
      expect(Object.keys(python.categories)).toEqual([String(BOOKS)]);
      expect(python.categories[String(BOOKS)].children).toEqual([1000]);
      expect(python.categoryParents).toBeUndefined();
    });

    it('answers Python search_for_categories and Java category search', async () => {
      const python = await get(pythonUrl('search', key, { domain: 1, type: 'category', term: 'engineering' }));
      expect(Object.values(python.categories).map((c: any) => c.name).sort()).toEqual(['Engineering', 'Engineering & Transportation']);
      const java = await get(javaUrl('search', key, { domain: 1, type: 'category', term: 'graphic novels', parents: 1 }));
      expect(Object.keys(java.categories)).toEqual(['4366']);
      expect(Object.keys(java.categoryParents).sort()).toEqual(['1000', '283155']);
      const short = await get(javaUrl('search', key, { domain: 1, type: 'category', term: 'ec' }), 400);
      expect(short.error.message).toContain('3 characters');
    });
  });

  describe('/search?type=product', () => {
    it('answers Java product search (stats, page) with products, and asins-only with asinList', async () => {
      const body = await get(javaUrl('search', key, { domain: 1, type: 'product', term: 'laboratory manual', stats: 180, page: 0 }));
      expect(body.products.map((p: { asin: string }) => p.asin)).toEqual(['0135048761']);
      expect(body.products[0].stats.current).toBeDefined();
      expect(body.tokensConsumed).toBe(10);
      // English stemming: "laboratories" finds "Laboratory"
      const only = await get(javaUrl('search', key, { domain: 1, type: 'product', term: 'laboratories', update: 1, history: 0, 'asins-only': 1 }));
      expect(only.asinList.sort()).toEqual(['0135048761', DEAL_ASIN]);
    });
  });
});
