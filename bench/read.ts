// Read: GET /product for 1, 10 and 100 ASINs (~5,000 points each, stats=180, history=1)
// through HTTP, against the bare SQL select of the same points through pg in the same
// process (p50 each, interleaved). Target: p50 ≤ 2×. Also requests/s with autocannon
// against a fastify hello-world on the same loopback setup.
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pino from 'pino';
import { request } from 'undici';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../src/auth/api-key.js';
import { startApiServer } from '../src/api/run.js';
import { loadConfig } from '../src/config.js';
import { newBucket } from '../src/keepa/envelope.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { keepaNow } from '../src/keepa/time.js';
import { insertApiKey } from '../src/store/api-keys.js';
import { importKeepaProduct, type Store } from '../src/store/index.js';
import { responseCacheOf } from '../src/products/response-cache.js';
import { tokenLeasesOf } from '../src/api/keepa/token-leases.js';
import type { Benchmark, BenchRow } from './bench-types.js';
import { median, serverDatabase } from './bench-db.js';
import { copyRows, readPoints } from './copy-baseline.js';
import { mulberry32, randomInt } from './prng.js';

const PRODUCTS = 100;

/** A Keepa product with ~5,000 points over the last ~400 days in the usual csv slots. */
function product(index: number, now: number, random: () => number) {
  const csv: Array<number[] | null> = new Array(36).fill(null);
  const slots: Array<[number, number]> = [[0, 600], [1, 900], [3, 2000], [11, 300], [16, 50], [17, 350], [18, 800]];
  for (const [slot, count] of slots) {
    const flat: number[] = [];
    let t = now - 400 * 1440;
    for (let i = 0; i < count; i++) {
      t += randomInt(random, 1, (400 * 1440) / count);
      const value = slot === 3 ? randomInt(random, 100, 200_000) : slot === 16 ? randomInt(random, 30, 50) : randomInt(random, 999, 4999);
      flat.push(t, value);
      if (slot === 18) flat.push(randomInt(random, 0, 1) * 499);
    }
    csv[slot] = flat;
  }
  return { asin: `B0BENCH${String(index).padStart(3, '0')}`, domainId: 1, productType: 0, title: `Bench product ${index}`,
    trackingSince: now - 400 * 1440, lastUpdate: now, csv };
}

async function seed(store: Store): Promise<string[]> {
  const random = mulberry32(7);
  const now = keepaNow();
  const asins: string[] = [];
  for (let i = 0; i < PRODUCTS; i++) {
    const p = product(i, now, random);
    await importKeepaProduct(store, splitKeepaProduct(p));
    asins.push(p.asin);
  }
  return asins;
}

/**
 * The baseline's table: every stored point of the seeded products as a row of a plain table
 * with points' primary key. Most of an imported history lives in its product's archive
 * blob (point-archive.ts), so selecting `points` alone would read a fifth of the points.
 */
async function bareTable(store: Store): Promise<void> {
  await store.pool.query('CREATE TABLE bench_read_points (series_id integer, t integer, value integer, second integer, PRIMARY KEY (series_id, t))');
  await copyRows(store, 'bench_read_points', await readPoints(store));
  await store.pool.query('ANALYZE bench_read_points');
}

const BARE_SQL = `
  SELECT s.product_id, s.name, p.t, p.value, p.second
  FROM products pr JOIN series s ON s.product_id = pr.id JOIN bench_read_points p ON p.series_id = s.id
  WHERE pr.domain_id = 1 AND pr.asin = ANY($1::text[])`;

export const readBenchmark: Benchmark = {
  name: 'read',
  async run({ scale, serverUrl, log }): Promise<BenchRow[]> {
    if (!serverUrl) return [];
    const database = await serverDatabase(serverUrl, 8);
    const { store } = database;
    const api = { running: null as Awaited<ReturnType<typeof startApiServer>> | null };
    const hello = Fastify();
    try {
      log(`read: seeding ${PRODUCTS} products × ~5,000 points`);
      const asins = await seed(store);
      await bareTable(store);
      const key = generateApiKey();
      const bucket = newBucket(1_000_000, Date.now());
      await insertApiKey(store.db, { name: 'bench', keyHash: hashApiKey(key), keyPrefix: apiKeyPrefix(key), refillRate: 1_000_000, tokens: bucket.tokens, refilledAt: bucket.refilledAt });
      api.running = await startApiServer({ store, config: loadConfig({}), port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
      const base = api.running.url;
      const rows: BenchRow[] = [];
      const responseCache = responseCacheOf(store);
      const iterations = Math.max(5, Math.round(20 * scale));
      for (const size of [1, 10, 100]) {
        const list = asins.slice(0, size);
        const url = `${base}/product?key=${key}&domain=1&asin=${list.join(',')}&stats=180&history=1`;
        const ours: number[] = [];
        const bare: number[] = [];
        for (let i = 0; i < iterations + 2; i++) {
          responseCache.clear(); // these rows time the uncached answer
          let t = performance.now();
          const response = await request(url);
          const body = await response.body.text();
          if (response.statusCode !== 200) throw new Error(`GET /product answered ${response.statusCode}: ${body.slice(0, 200)}`);
          if (i >= 2) ours.push(performance.now() - t);
          t = performance.now();
          await store.pool.query({ text: BARE_SQL, values: [list] });
          if (i >= 2) bare.push(performance.now() - t);
        }
        const p50 = median(ours);
        const b50 = median(bare);
        rows.push({
          name: `read /product ${size} ASIN${size > 1 ? 's' : ''}`,
          figure: `${p50.toFixed(1)} ms p50`,
          baseline: `${b50.toFixed(1)} ms p50 (bare SQL select)`,
          ratio: p50 / b50,
          target: '≤ 2×',
          met: p50 / b50 <= 2,
          note: size === 1 ? `local PostgreSQL; ~5,000 points per product; stats=180&history=1, JSON over HTTP (uncompressed) vs the same points selected through pg from a plain table of rows with points' primary key (bench_read_points: most of the served points are in archive blobs); ${iterations} requests each, the response cache emptied before each` : undefined,
        });
        log(`read: ${size} ASINs done`);
      }
      hello.get('/', async () => ({ hello: 'world' }));
      const helloUrl = await hello.listen({ port: 0, host: '127.0.0.1' });
      const duration = Math.max(2, Math.round(5 * scale));
      // autocannon in a worker thread of its own: on this process's event loop it shared the
      // server's thread, and reading each 70 kB answer (its HTTP parser is JavaScript) was
      // charged to our side, not the hello-world's 17 bytes (0.22× then, same code).
      const cannon = async (target: string, seconds = duration) =>
        (await autocannon({ url: target, connections: 10, duration: seconds, workers: 1 })).requests.average;
      const cachedUrl = `${base}/product?key=${key}&domain=1&asin=${asins[0]}&stats=180&history=1`;
      // A second of each first, unmeasured: at 2 s a run was mostly the JIT warming up
      // the /product path, which a hello-world hardly has.
      await cannon(cachedUrl, 1);
      await cannon(helloUrl, 1);
      // counted over the measured runs alone (the p50 rows above miss on purpose)
      const leases = tokenLeasesOf(api.running.app.pricekeep);
      const before = { hits: responseCache.hits, misses: responseCache.misses, skips: responseCache.versionSkips, local: leases.localCharges };
      // Two rounds of ours then hello-world, averaged: on a shared machine the load drifts
      // within seconds, and one pair measured each side in a different weather.
      let oursRps = 0;
      let helloRps = 0;
      for (let round = 0; round < 2; round++) {
        oursRps += (await cannon(cachedUrl)) / 2;
        helloRps += (await cannon(helloUrl)) / 2;
      }
      const hits = responseCache.hits - before.hits;
      const misses = responseCache.misses - before.misses;
      const skips = responseCache.versionSkips - before.skips;
      const local = leases.localCharges - before.local;
      rows.push({
        name: 'read req/s (autocannon, 1 ASIN, cached)',
        figure: `${Math.round(oursRps).toLocaleString('en-US')} req/s`,
        baseline: `${Math.round(helloRps).toLocaleString('en-US')} req/s (fastify hello-world)`,
        ratio: oursRps / helloRps,
        target: '≥ 0.25×',
        met: oursRps / helloRps >= 0.25,
        note: `10 connections from autocannon in a worker thread, 2 rounds of ${duration} s each (averaged) after 1 s unmeasured, same loopback setup, uncompressed; the repeated request is answered from the response cache ` +
          `(${hits.toLocaleString('en-US')} hits, ${misses} misses): the product's version from the change feed (${skips.toLocaleString('en-US')} hits without a version look-up), ` +
          `the token charge from this process's lease (${local.toLocaleString('en-US')} requests without a bucket statement), the cached product bytes spliced into a fresh envelope`,
      });
      return rows;
    } finally {
      await hello.close();
      await api.running?.close();
      await database.dispose();
    }
  },
};
