// The cached /product answer follows the product's stored data exactly: a write of points
// alone (the product row's fields unchanged, so upsertProducts leaves the row) still gives
// the product a new version, and a write that changes nothing keeps it (review findings 3, 8).
// Also: the cache's byte budget counts the gzip copies it keeps (finding 9).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import type { KeepaMinute } from '../src/keepa/time.js';
import type { ProductQuery } from '../src/products/product-response.js';
import { FULL_VIEW } from '../src/products/product-view.js';
import { ProductResponseCache, responseCacheOf } from '../src/products/response-cache.js';
import { importKeepaProduct, productVersions, recordObservations } from '../src/store/index.js';
import { apiHarness, createKey, SimClock, url, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';

const ASIN = 'B0D8W1YVBX';
const RANK = 3; // csv[3]: the sales rank, not a price

describe.each(testEngines())('cached /product answers follow point-only writes on $name', (engine) => {
  const fixture = keepaFixture(KEEPA_FULL).products[0]!;
  let harness: ApiHarness;
  let app: FastifyInstance;
  let key: string;

  beforeAll(async () => {
    harness = await apiHarness(engine, SimClock.atKeepaMinute(fixture.lastUpdate + 60));
    app = await harness.server();
    key = await createKey(harness.store, 'versions', 100_000, harness.clock.ms);
    await importKeepaProduct(harness.store, splitKeepaProduct(fixture));
  });
  afterAll(async () => harness?.close());

  async function product() {
    const response = await app.inject({ method: 'GET', url: url('/product', { key, domain: 1, asin: ASIN, history: 1 }) });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    return response.json().products[0];
  }
  const version = async () => (await productVersions(harness.store, 1, [ASIN])).get(ASIN);
  /** Flat Keepa csv as [minute, value] pairs. */
  const pairs = (csv: number[]) => Array.from({ length: csv.length / 2 }, (_, i) => [csv[2 * i]!, csv[2 * i + 1]!]);

  it('an observation older than the last update that changes only the sales rank shows in the next answer', async () => {
    const cache = responseCacheOf(harness.store);
    const before = await product();
    const at = fixture.lastUpdate - 100; // after trackingSince, before lastUpdate: the row's fields stay
    expect(pairs(before.csv[RANK])).not.toContainEqual([at, 999]);
    const versionBefore = await version();
    const misses = cache.misses;

    const written = await recordObservations(harness.store, [{ domainId: 1, asin: ASIN, at, numeric: [{ name: `csv:${RANK}`, value: 999 }] }]);
    expect(written.pointsWritten).toBe(1);
    const after = await product();
    expect(pairs(after.csv[RANK])).toContainEqual([at, 999]);
    expect(cache.misses).toBe(misses + 1);
    expect(await version()).not.toBe(versionBefore);
    expect(after.lastUpdate).toBe(before.lastUpdate);
  });

  // The fixture with one rank point changed: the product row's fields are the same.
  const changed: Record<string, any> = { ...fixture, csv: fixture.csv.map((c: number[] | null, i: number) => (i === RANK ? [c![0], c![1]! + 1, ...c!.slice(2)] : c)) };

  it('an import that changes only one series\u2019 points, its product row\u2019s fields identical, shows in the next answer', async () => {
    const cache = responseCacheOf(harness.store);
    const before = await product();
    expect(before.csv[RANK][1]).toBe(fixture.csv[RANK][1]);
    const versionBefore = await version();
    const misses = cache.misses;

    // Without lastPriceChange, so that nothing but the points can move the row.
    const { lastPriceChange: _, ...pointsOnly } = changed;
    const counts = await importKeepaProduct(harness.store, splitKeepaProduct(pointsOnly));
    expect(counts.inserted + counts.updated).toBe(1);
    const after = await product();
    expect(after.csv[RANK][1]).toBe(fixture.csv[RANK][1] + 1);
    expect(cache.misses).toBe(misses + 1);
    expect(await version()).not.toBe(versionBefore);
  });

  it('a re-import of the identical file leaves the cached answer valid: a hit, the same version', async () => {
    const cache = responseCacheOf(harness.store);
    const first = await product();
    const versionBefore = await version();
    const { hits, misses } = cache;

    // What is stored already (the rank series also holds the scraped point of the first test).
    const counts = await importKeepaProduct(harness.store, splitKeepaProduct(changed));
    expect(counts.inserted + counts.updated).toBe(0);
    const again = await product();
    expect(cache.misses).toBe(misses);
    expect(cache.hits).toBe(hits + 1);
    expect(await version()).toBe(versionBefore);
    expect(again).toEqual(first);
  });

  it('counts the gzip copy of an entry in the byte budget, and evicts by it', async () => {
    const query: ProductQuery = { ...FULL_VIEW, domainId: 1, asins: [ASIN], stats: null, days: null };
    const now = (i: number) => (fixture.lastUpdate + 1_000 + i) as KeepaMinute;
    const sizing = new ProductResponseCache();
    const [part] = (await sizing.answer(harness.store, query, now(0))).products;
    const entry = sizing.size;
    expect(entry).toBeGreaterThan(part!.bytes.length);
    const deflated = part!.deflated.length;
    expect(sizing.size).toBe(entry + deflated);
    part!.deflated; // made once, counted once
    expect(sizing.size).toBe(entry + deflated);

    // Four entries fit as JSON; their gzip copies push the oldest out.
    const cache = new ProductResponseCache(4 * entry + Math.floor(deflated / 2));
    const parts = [];
    for (let i = 0; i < 4; i++) parts.push(...(await cache.answer(harness.store, query, now(i))).products);
    expect(cache.misses).toBe(4);
    await cache.answer(harness.store, query, now(0));
    expect(cache.hits).toBe(1);
    for (const p of parts) void p.deflated;
    expect(cache.size).toBeLessThanOrEqual(4 * entry + Math.floor(deflated / 2));
    await cache.answer(harness.store, query, now(1)); // now(1) was the oldest (now(0) was used since)
    expect(cache.misses).toBe(5);
  });
});
