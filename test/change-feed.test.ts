// The change feed must notice a listening connection that died without an error (a
// failover, a dropped NAT entry) or that never delivers notifications (a pooler in
// transaction mode): until then caches trust stale versions, and `caughtUp` (awaited by
// every write path) must neither hang nor reject. A proxy between the feed and PostgreSQL
// fails the feed's connection alone; short deadlines are injected, and every wait is for an
// event the feed reports.
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { keepaNow } from '../src/keepa/time.js';
import { responseCacheOf } from '../src/products/response-cache.js';
import { FEED_APPLICATION_NAME, serverChangeFeed, type ChangeFeed } from '../src/store/change-feed.js';
import { importKeepaProduct, importKeepaProducts, openStore, recordObservations, type Store } from '../src/store/index.js';
import type { ImportItem } from '../src/store/import-keepa.js';
import { apiHarness, createKey, SimClock, url, type ApiHarness } from './helpers/api-server.js';
import { serverTestUrl, testEngines } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';
import { startPgProxy, type PgProxy } from './helpers/pg-proxy.js';
import { feedState } from './helpers/feed-events.js';

const ASIN = 'B0D8W1YVBX';
const fixture = keepaFixture(KEEPA_FULL).products[0]!;
const isFeed = (name: string | null) => name === FEED_APPLICATION_NAME;

describe.runIf(serverTestUrl())('the server change feed behind a failing network path', () => {
  const engine = testEngines().find((e) => e.name === 'server')!;
  let harness: ApiHarness;
  let proxy: PgProxy;
  const feeds: ChangeFeed[] = [];

  beforeAll(async () => {
    harness = await apiHarness(engine, SimClock.atKeepaMinute(fixture.lastUpdate + 60));
    proxy = await startPgProxy(harness.database.config.databaseUrl!, isFeed);
  });
  afterEach(async () => {
    proxy.blackhole(false);
    proxy.dropNotifications(false);
    for (const feed of feeds.splice(0)) await feed.close();
  });
  afterAll(async () => {
    await proxy?.close();
    await harness?.close();
  });

  /** A feed through the proxy with short deadlines; its errors are collected. */
  function proxiedFeed(pingMs: number, errors: Error[] = [], onError = () => {}): ChangeFeed {
    const feed = serverChangeFeed({
      connection: { connectionString: proxy.url },
      pingMs,
      deadlineMs: 300,
      firstBackoffMs: 20,
      notify: (channel, payload) => harness.store.pool.query('SELECT pg_notify($1, $2)', [channel, payload]),
      onError: (error) => {
        errors.push(error);
        onError();
      },
    });
    feeds.push(feed);
    return feed;
  }

  it('a ping that gets no reply loses the feed (no error from the socket), and it is live again once the path is back', async () => {
    const feed = proxiedFeed(50);
    await feedState(feed, 'live');
    proxy.blackhole(true);
    await feedState(feed, 'lost'); // the OS would take ~15 min to fail the socket
    expect(feed.isLive).toBe(false);
    proxy.blackhole(false);
    await feedState(feed, 'live'); // reconnected with backoff
  });

  it('caughtUp on a silently dead connection resolves (never hangs, never rejects) and leaves the feed lost', async () => {
    const errors: Error[] = [];
    const feed = proxiedFeed(3_600_000, errors); // no ping: caughtUp alone must notice
    await feedState(feed, 'live');
    proxy.blackhole(true);
    await expect(feed.caughtUp()).resolves.toBeUndefined();
    expect(feed.isLive).toBe(false);
    expect(errors.map((e) => e.message)).toContain('change feed: catching up took over 300 ms');
    await expect(feed.caughtUp()).resolves.toBeUndefined(); // lost: returns at once
  });

  it('a listener whose probe never comes back (LISTEN accepted, nothing delivered) stays lost and retries until it does', async () => {
    proxy.dropNotifications(true);
    const errors: Error[] = [];
    let lives = 0;
    let onSecondError = () => {};
    const retried = new Promise<void>((resolve) => (onSecondError = resolve));
    const feed = proxiedFeed(50, errors, () => errors.length === 2 && onSecondError());
    feed.subscribe({ changed: () => {}, live: () => lives++, lost: () => {} });
    await retried;
    expect(lives).toBe(0);
    expect(feed.isLive).toBe(false);
    expect(errors.slice(0, 2).map((e) => e.message)).toEqual(['change feed: probe took over 300 ms', 'change feed: probe took over 300 ms']);
    await expect(feed.caughtUp()).resolves.toBeUndefined();

    proxy.dropNotifications(false);
    await feedState(feed, 'live');
    expect(lives).toBe(1);
  });

  it('goes live on a probe sent from another session, not on its own (a pooler can echo those back alone)', async () => {
    let sent = 0;
    let onSecondError = () => {};
    const retried = new Promise<void>((resolve) => (onSecondError = resolve));
    let errors = 0;
    const feed = serverChangeFeed({
      connection: { connectionString: proxy.url },
      deadlineMs: 300,
      firstBackoffMs: 20,
      notify: async () => void sent++, // the other session's notification never arrives
      onError: () => ++errors === 2 && onSecondError(),
    });
    feeds.push(feed);
    feed.subscribe({ changed: () => {}, live: () => {}, lost: () => {} });
    await retried;
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(feed.isLive).toBe(false);
  });

  describe('the /product cache of a store whose feed goes through the proxy', () => {
    let store: Store;
    let app: FastifyInstance;
    let key: string;

    beforeAll(async () => {
      store = await openStore(
        { ...harness.database.config, databaseUrl: proxy.url },
        { poolSize: 2, feed: { pingMs: 3_600_000, deadlineMs: 300, firstBackoffMs: 20 } },
      );
      app = await harness.server({ store });
      key = await createKey(harness.store, 'feed-proxy', 100_000, harness.clock.ms);
      await importKeepaProduct(harness.store, splitKeepaProduct(fixture));
    });
    afterAll(async () => store?.close());

    const path = () => url('/product', { key, domain: 1, asin: ASIN, stats: 90, history: 1 });
    const lastAmazonPrice = async () => (await app.inject({ method: 'GET', url: path() })).json().products[0].csv[0].slice(-2);

    it('falls back to the version look-up once caughtUp finds the connection dead, and skips it again when live', async () => {
      const cache = responseCacheOf(store);
      await lastAmazonPrice(); // subscribes the cache: the feed starts
      await feedState(store.changes, 'live');
      await lastAmazonPrice();
      const skips = cache.versionSkips;
      await lastAmazonPrice();
      expect(cache.versionSkips).toBe(skips + 1);

      proxy.blackhole(true);
      // another process writes; this one's feed cannot hear it
      harness.clock.advance(1_000);
      const at = keepaNow(harness.clock.now);
      await recordObservations(harness.store, [{ domainId: 1, asin: ASIN, at, numeric: [{ name: 'csv:0', value: 555_55 }] }]);
      await store.changes.caughtUp(); // resolves past the deadline; the feed is lost
      expect(store.changes.isLive).toBe(false);
      const lostSkips = cache.versionSkips;
      expect(await lastAmazonPrice()).toEqual([at, 555_55]);
      expect(cache.versionSkips).toBe(lostSkips);

      proxy.blackhole(false);
      await feedState(store.changes, 'live');
      await lastAmazonPrice();
      const relisted = cache.versionSkips;
      await lastAmazonPrice();
      expect(cache.versionSkips).toBe(relisted + 1);
    });
  });
});

describe.each(testEngines())('a failed import on $name', (engine) => {
  let harness: ApiHarness;
  beforeAll(async () => {
    harness = await apiHarness(engine);
  });
  afterAll(async () => harness?.close());

  it('still catches the feed up on the batches that committed before rethrowing', async () => {
    let catchUps = 0;
    const changes = harness.store.changes;
    const store: Store = { ...harness.store, changes: { ...changes, isLive: changes.isLive, caughtUp: async () => void catchUps++ } };
    const item: ImportItem = { index: 0, parts: splitKeepaProduct({ ...fixture, asin: 'B0FAIL0001' }) };
    async function* items(): AsyncIterable<ImportItem> {
      yield item;
      yield { ...item, index: 1 }; // the same product again: the first is written (and committed) first
      throw new Error('source broke');
    }
    await expect(importKeepaProducts(store, items())).rejects.toThrow('source broke');
    expect(catchUps).toBe(1);
    const { rows } = await harness.store.pool.query(`SELECT count(*)::int AS n FROM products WHERE asin = 'B0FAIL0001'`);
    expect(rows[0].n).toBe(1); // the first batch did commit
  });
});
