import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { keepaNow } from '../src/keepa/time.js';
import { responseCacheOf } from '../src/products/response-cache.js';
import { importKeepaProduct, recordObservations } from '../src/store/index.js';
import { apiHarness, createKey, SimClock, url, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';

const ASIN = 'B0D8W1YVBX';

describe.each(testEngines())('the /product response cache on $name', (engine) => {
  const fixture = keepaFixture(KEEPA_FULL).products[0]!;
  let harness: ApiHarness;
  let app: FastifyInstance;
  let key: string;

  beforeAll(async () => {
    harness = await apiHarness(engine, SimClock.atKeepaMinute(fixture.lastUpdate + 60));
    app = await harness.server();
    key = await createKey(harness.store, 'cache', 100_000, harness.clock.ms);
  });
  afterAll(async () => harness?.close());

  async function product(params: Record<string, string | number>) {
    const response = await app.inject({ method: 'GET', url: url('/product', { key, domain: 1, ...params }) });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    return response.json();
  }

  it('answers a repeated request from the cache, and a write to the product invalidates it', async () => {
    await importKeepaProduct(harness.store, splitKeepaProduct(fixture));
    const cache = responseCacheOf(harness.store);
    const first = await product({ asin: ASIN, stats: 90, history: 1 });
    const misses = cache.misses;
    const again = await product({ asin: ASIN, stats: 90, history: 1 });
    expect(cache.misses).toBe(misses);
    expect(again.products).toEqual(first.products);
    // other parameters are another entry
    await product({ asin: ASIN, stats: 30, history: 0 });
    expect(cache.misses).toBe(misses + 1);

    // a scrape records a new Amazon price: the next answer shows it
    const at = keepaNow(harness.clock.now);
    const written = await recordObservations(harness.store, [{ domainId: 1, asin: ASIN, at, numeric: [{ name: 'csv:0', value: 123_45 }] }]);
    expect(written.pointsWritten).toBe(1);
    const after = await product({ asin: ASIN, stats: 90, history: 1 });
    expect(cache.misses).toBe(misses + 2);
    expect(after.products[0].csv[0].slice(-2)).toEqual([at, 123_45]);
    expect(after.products[0].stats.current[0]).toBe(123_45);
  });

  it('keys the answer by the minute: stats move with time although nothing was written', async () => {
    const cache = responseCacheOf(harness.store);
    await product({ asin: ASIN, stats: 1 });
    const misses = cache.misses;
    await product({ asin: ASIN, stats: 1 });
    expect(cache.misses).toBe(misses);
    harness.clock.advance(60_000);
    await product({ asin: ASIN, stats: 1 });
    expect(cache.misses).toBe(misses + 1);
  });

  it('reads a product once for many concurrent requests of it, and answers each in full', async () => {
    const cache = responseCacheOf(harness.store);
    harness.clock.advance(60_000); // a minute no entry is cached for
    const misses = cache.misses;
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, () => product({ asin: ASIN, stats: 180, history: 1 })),
      ...Array.from({ length: 5 }, () => product({ asin: ASIN, stats: 30 })),
    ]);
    expect(cache.misses).toBe(misses + 2);
    for (const answer of answers.slice(1, 20)) expect(answer.products).toEqual(answers[0].products);
    for (const answer of answers.slice(21)) expect(answer.products).toEqual(answers[20].products);
    expect(JSON.stringify(answers[0].products[0].csv).length).toBeGreaterThan(10_000);
    expect(answers[20].products[0].csv).toEqual(answers[0].products[0].csv);
  });

  it('answers an unknown ASIN as Keepa does, and the product once it is stored', async () => {
    const other = 'B0CACHE001';
    expect((await product({ asin: other })).products[0]).toMatchObject({ asin: other, productType: 4 });
    await importKeepaProduct(harness.store, splitKeepaProduct({ ...fixture, asin: other }));
    expect((await product({ asin: other })).products[0]).toMatchObject({ asin: other, title: fixture.title });
  });
});
