// The cached /product answer without database round trips: a hit trusts the product
// version it read while the change feed is live, so a write committed by another process
// (a second pool on the same server database) must still invalidate it, and a lost
// listener must send every request back to the version look-up.
import { gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { keepaNow } from '../src/keepa/time.js';
import { responseCacheOf } from '../src/products/response-cache.js';
import { FEED_APPLICATION_NAME } from '../src/store/change-feed.js';
import { importKeepaProduct, importKeepaProducts, recordObservations, type Store } from '../src/store/index.js';
import { apiHarness, createKey, SimClock, url, type ApiHarness } from './helpers/api-server.js';
import { serverTestUrl, testEngines } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';
import { feedState } from './helpers/feed-events.js';

const ASIN = 'B0D8W1YVBX';
const fixture = keepaFixture(KEEPA_FULL).products[0]!;

describe.each(testEngines())('cached /product answers on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;
  let key: string;

  beforeAll(async () => {
    harness = await apiHarness(engine, SimClock.atKeepaMinute(fixture.lastUpdate + 60));
    app = await harness.server();
    key = await createKey(harness.store, 'feed', 100_000, harness.clock.ms);
    await importKeepaProduct(harness.store, splitKeepaProduct(fixture));
    await feedState(harness.store.changes, 'live');
  });
  afterAll(async () => harness?.close());

  const path = () => url('/product', { key, domain: 1, asin: ASIN, stats: 90, history: 1 });

  it('answers a repeated request without looking up the version, and a write in this process still shows at once', async () => {
    const cache = responseCacheOf(harness.store);
    await app.inject({ method: 'GET', url: path() });
    const skips = cache.versionSkips;
    const again = await app.inject({ method: 'GET', url: path() });
    expect(again.statusCode).toBe(200);
    expect(cache.versionSkips).toBe(skips + 1);

    const at = keepaNow(harness.clock.now);
    await recordObservations(harness.store, [{ domainId: 1, asin: ASIN, at, numeric: [{ name: 'csv:0', value: 222_22 }] }]);
    const after = (await app.inject({ method: 'GET', url: path() })).json();
    expect(after.products[0].csv[0].slice(-2)).toEqual([at, 222_22]);
  });

  it('sends the cached bytes gzipped in a fresh envelope: the same products, this request\u2019s timestamp and tokens', async () => {
    const plain = (await app.inject({ method: 'GET', url: path() })).json();
    harness.clock.advance(1_000); // same minute: the same cache entry
    const response = await app.inject({ method: 'GET', url: path(), headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(response.rawPayload).toString('utf8'));
    expect(body.products).toEqual(plain.products);
    expect(body.timestamp).toBe(plain.timestamp + 1_000);
    expect(body.tokensLeft).toBe(plain.tokensLeft - 1);
    expect(body.tokensConsumed).toBe(1);
    expect(Number(response.headers['content-length'])).toBe(response.rawPayload.length);

    // a client asking for deflate alone gets it from the compress plugin
    const deflated = await app.inject({ method: 'GET', url: path(), headers: { 'accept-encoding': 'deflate' } });
    expect(deflated.headers['content-encoding']).toBe('deflate');
    expect(JSON.parse(inflateSync(deflated.rawPayload).toString('utf8')).products).toEqual(plain.products);
  });

  it('a bulk write (one statement over more than 200 products) invalidates every remembered version', async () => {
    const retitled = 'B0BULK0000';
    const small = (asin: string, title: string) => splitKeepaProduct({ asin, domainId: 1, productType: 0, title, csv: [] });
    const bulk = (first: string) => Array.from({ length: 250 }, (_, i) => ({ index: i, parts: small(`B0BULK${String(i).padStart(4, '0')}`, i === 0 ? first : `bulk ${i}`) }));
    await importKeepaProducts(harness.store, bulk('Before'));
    const bulkPath = url('/product', { key, domain: 1, asin: retitled });
    expect((await app.inject({ method: 'GET', url: bulkPath })).json().products[0].title).toBe('Before');
    await importKeepaProducts(harness.store, bulk('After')); // 250 rows updated: notified as 'p *'
    expect((await app.inject({ method: 'GET', url: bulkPath })).json().products[0].title).toBe('After');
  });

  it('answers two products in one gzip body, each spliced from its own cached bytes', async () => {
    const other = 'B0FEED0001';
    await importKeepaProduct(harness.store, splitKeepaProduct({ ...fixture, asin: other }));
    const both = url('/product', { key, domain: 1, asin: `${ASIN},${other}`, stats: 90, history: 1 });
    const plain = (await app.inject({ method: 'GET', url: both })).json();
    const zipped = await app.inject({ method: 'GET', url: both, headers: { 'accept-encoding': 'gzip' } });
    const body = JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'));
    expect(body.products.map((p: { asin: string }) => p.asin)).toEqual([ASIN, other]);
    expect(body.products).toEqual(plain.products);
  });
});

describe.runIf(serverTestUrl())('cached /product answers across processes on one server database', () => {
  const engine = testEngines().find((e) => e.name === 'server')!;
  let harness: ApiHarness;
  let writer: Store;
  let app: FastifyInstance;
  let key: string;

  beforeAll(async () => {
    harness = await apiHarness(engine, SimClock.atKeepaMinute(fixture.lastUpdate + 60));
    writer = await harness.database.open(); // another process's pool
    app = await harness.server();
    key = await createKey(harness.store, 'feed', 100_000, harness.clock.ms);
    await importKeepaProduct(writer, splitKeepaProduct(fixture));
    await feedState(harness.store.changes, 'live');
  });
  afterAll(async () => {
    await writer?.close();
    await harness?.close();
  });

  const path = () => url('/product', { key, domain: 1, asin: ASIN, stats: 90, history: 1 });
  const lastAmazonPrice = async () => (await app.inject({ method: 'GET', url: path() })).json().products[0].csv[0].slice(-2);

  it('a write committed by another process invalidates the cached answer', async () => {
    const cache = responseCacheOf(harness.store);
    await lastAmazonPrice();
    const skips = cache.versionSkips;
    await lastAmazonPrice();
    expect(cache.versionSkips).toBe(skips + 1); // served without asking the database

    const at = keepaNow(harness.clock.now);
    await recordObservations(writer, [{ domainId: 1, asin: ASIN, at, numeric: [{ name: 'csv:0', value: 333_33 }] }]);
    // the notification has reached this process once its listener has made a round trip
    await harness.store.changes.caughtUp();
    expect(await lastAmazonPrice()).toEqual([at, 333_33]);
  });

  it('with its listener gone, every request looks the version up (a write meanwhile shows), until it listens again', async () => {
    const cache = responseCacheOf(harness.store);
    await lastAmazonPrice();
    const lost = feedState(harness.store.changes, 'lost');
    const admin = new pg.Client({ connectionString: harness.database.config.databaseUrl });
    await admin.connect();
    try {
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND pid <> pg_backend_pid()',
        [FEED_APPLICATION_NAME],
      );
      expect(killed.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await lost;
    // No notification reaches this process now: the write below must still show, because
    // the version is looked up again (whether or not the feed has reconnected meanwhile:
    // on reconnecting it forgets every version it held).
    const skips = cache.versionSkips;
    harness.clock.advance(60_000);
    const at = keepaNow(harness.clock.now);
    await recordObservations(writer, [{ domainId: 1, asin: ASIN, at, numeric: [{ name: 'csv:0', value: 444_44 }] }]);
    expect(await lastAmazonPrice()).toEqual([at, 444_44]);
    expect(cache.versionSkips).toBe(skips);

    await feedState(harness.store.changes, 'live'); // reconnected (backoff): hits skip the look-up again
    await lastAmazonPrice();
    const relisted = cache.versionSkips;
    await lastAmazonPrice();
    expect(cache.versionSkips).toBe(relisted + 1);
  });
});
