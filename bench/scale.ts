// Scale (issue 16, reported): on the local PostgreSQL, 1,000,000 tracked products (at
// --scale 1) with 100 points each (100M points: AMAZON 50, SALES 50), loaded with COPY.
// Measured there: GET /product for one ASIN (a different product each time, so never a
// cache hit) against the bare select of its points; the scheduler's claim of 1,000 due
// products against an indexed select; and the bytes per point the points table and its
// index take; then the archive run into blobs, and the bytes per point and /product p50
// after it. Opt-in (`npm run bench -- --only scale`): loading takes a while.
import { sql } from 'kysely';
import pino from 'pino';
import { request } from 'undici';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../src/auth/api-key.js';
import { startApiServer } from '../src/api/run.js';
import { loadConfig } from '../src/config.js';
import { newBucket } from '../src/keepa/envelope.js';
import { MINUTES_PER_DAY } from '../src/keepa/time.js';
import { insertApiKey } from '../src/store/api-keys.js';
import { archiveColdPoints, dbInfo } from '../src/store/index.js';
import type { Benchmark, BenchRow } from './bench-types.js';
import { copyLines, median, serverDatabase } from './bench-db.js';
import { mulberry32, randomInt } from './prng.js';
import { measureClaims } from './scheduler.js';

const NOW = 8_000_000;
const POINTS_PER_SERIES = 50;
const REQUESTS = 41;

const asinOf = (i: number) => `B${String(i).padStart(9, '0')}`;

export const scaleBenchmark: Benchmark = {
  name: 'scale',
  async run({ scale, serverUrl, log }): Promise<BenchRow[]> {
    if (!serverUrl) return [{ name: 'scale', figure: 'skipped', baseline: '-', ratio: null, target: '-', met: null, note: 'needs the local PostgreSQL' }];
    const products = Math.max(1000, Math.round(1_000_000 * scale));
    const database = await serverDatabase(serverUrl, 8);
    const { store } = database;
    const api = { running: null as Awaited<ReturnType<typeof startApiServer>> | null };
    try {
      const loadStart = performance.now();
      await copyLines(store, 'products', 'domain_id, asin, title, tracking_since, last_update, meta', (function* () {
        for (let i = 0; i < products; i++) yield `1\t${asinOf(i)}\tScale product ${i}\t${NOW - 400 * MINUTES_PER_DAY}\t${NOW}\t{}\n`;
      })());
      await sql`INSERT INTO series (product_id, name) SELECT id, n FROM products, unnest(ARRAY['csv:0', 'csv:3']) AS n`.execute(store.db);
      const { rows: series } = await store.pool.query<{ id: number; name: string }>('SELECT id, name FROM series ORDER BY id');
      log(`scale: ${products} products, ${series.length} series; loading points`);
      const random = mulberry32(16);
      let points = 0;
      await copyLines(store, 'points', 'series_id, t, value', (function* () {
        for (let k = 0; k < series.length; k++) {
          const rank = series[k]!.name === 'csv:3';
          let t = NOW - 400 * MINUTES_PER_DAY;
          for (let i = 0; i < POINTS_PER_SERIES; i++) {
            t += randomInt(random, 1, (390 * MINUTES_PER_DAY) / POINTS_PER_SERIES);
            yield `${series[k]!.id}\t${t}\t${rank ? randomInt(random, 1, 900_000) : random() < 0.03 ? -1 : randomInt(random, 500, 20_000)}\n`;
            points++;
          }
          if (k % 200_000 === 0) log(`scale: loading points, series ${k}/${series.length}`);
        }
      })());
      // Every product tracked: 1% due now (some long overdue), the rest over the next day.
      await sql`
        INSERT INTO tracked_products (domain_id, asin, interval_minutes, next_due)
        SELECT 1, asin, 60, CASE WHEN id % 100 = 0 THEN now() - (id % 997) * interval '1 second'
                                 ELSE now() + interval '1 hour' + (id % 86400) * interval '1 second' END
        FROM products`.execute(store.db);
      await sql`ANALYZE`.execute(store.db);
      const loadS = (performance.now() - loadStart) / 1000;
      log(`scale: loaded ${points} points in ${loadS.toFixed(0)} s`);

      const { rows: [size] } = await store.pool.query<{ total: string; heap: string; index: string }>(
        `SELECT pg_total_relation_size('points') AS total, pg_relation_size('points') AS heap, pg_indexes_size('points') AS index`);
      const bytesPerPoint = Number(size!.total) / points;

      const key = generateApiKey();
      const bucket = newBucket(1_000_000, Date.now());
      await insertApiKey(store.db, { name: 'bench', keyHash: hashApiKey(key), keyPrefix: apiKeyPrefix(key), refillRate: 1_000_000, tokens: bucket.tokens, refilledAt: bucket.refilledAt });
      api.running = await startApiServer({ store, config: loadConfig({}), port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
      const productP50 = async (seed: number) => {
        const pick = mulberry32(seed);
        const ours: number[] = [];
        for (let i = 0; i < REQUESTS; i++) {
          const asin = asinOf(randomInt(pick, 0, products - 1));
          const t = performance.now();
          const response = await request(`${api.running!.url}/product?key=${key}&domain=1&asin=${asin}&stats=180&history=1`);
          const body = (await response.body.json()) as { products?: Array<{ csv: unknown[] }> };
          if (response.statusCode !== 200 || !body.products?.[0]?.csv[0]) throw new Error(`/product ${asin} answered ${response.statusCode}`);
          if (i > 0) ours.push(performance.now() - t);
        }
        return median(ours);
      };
      const pick = mulberry32(4);
      const bare: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const other = asinOf(randomInt(pick, 0, products - 1));
        const t = performance.now();
        await store.pool.query(`SELECT s.name, p.t, p.value FROM products pr JOIN series s ON s.product_id = pr.id JOIN points p ON p.series_id = s.id
          WHERE pr.domain_id = 1 AND pr.asin = $1`, [other]);
        if (i > 0) bare.push(performance.now() - t);
      }
      const read = await productP50(3);
      const readBase = median(bare);
      const { claim, select: claimBase } = await measureClaims(store, Math.min(1000, Math.floor(products / 100)));
      const label = `${products.toLocaleString('en-US')} products, ${(points / 1e6).toFixed(0)}M points`;
      // Every point is older than 30 days (NOW is months back): the archive run folds them all
      // into blobs, as the daily job would on a server (point-archive.ts).
      log('scale: archive run');
      const archiveStart = performance.now();
      let lastLog = 0;
      const archived = await archiveColdPoints(store, {
        onProgress: ({ products: done, of, points: moved }) => {
          if (performance.now() - lastLog < 10_000) return;
          lastLog = performance.now();
          log(`scale: archived ${done}/${of ?? '?'} products, ${moved} points (${((lastLog - archiveStart) / 1000).toFixed(0)} s)`);
        },
      });
      const archiveS = (performance.now() - archiveStart) / 1000;
      const info = await dbInfo(store);
      const archivedBytesPerPoint = info.pointBytes / info.points;
      const readArchived = await productP50(5);
      return [
        { name: `scale: /product 1 ASIN (${label})`, figure: `${read.toFixed(1)} ms p50`, baseline: `${readBase.toFixed(1)} ms p50 (bare SQL select)`,
          ratio: read / readBase, target: 'report', met: null,
          note: `a different random product per request (never a cache hit), stats=180&history=1, ${POINTS_PER_SERIES * 2} points each; compare the default-scale "read /product 1 ASIN" row (~5,000 points per product). Loaded in ${loadS.toFixed(0)} s` },
        { name: `scale: scheduler claim (1,000 of ${products.toLocaleString('en-US')}, ${(points / 1e6).toFixed(0)}M points stored)`, figure: `${claim.toFixed(2)} ms p50`,
          baseline: `${claimBase.toFixed(2)} ms p50 (indexed select)`, ratio: claim / claimBase, target: 'report', met: null,
          note: 'claimDue as in the scheduler row, on a database that also holds the points' },
        { name: `scale: storage PostgreSQL (${(points / 1e6).toFixed(0)}M points)`, figure: `${bytesPerPoint.toFixed(1)} bytes/point`, baseline: '8 bytes/point (int32 t + int32 value)',
          ratio: bytesPerPoint / 8, target: 'report', met: null,
          note: `plain PostgreSQL keeps points uncompressed: heap ${(Number(size!.heap) / 1e9).toFixed(2)} GB + primary-key index ${(Number(size!.index) / 1e9).toFixed(2)} GB (TimescaleDB compression, the storage row, is the embedded engine's)` },
        { name: `scale: archive run (${(points / 1e6).toFixed(0)}M points)`, figure: `${archiveS.toFixed(0)} s`, baseline: '-', ratio: null, target: 'report', met: null,
          note: `archiveColdPoints on plain PostgreSQL: ${archived.products.toLocaleString('en-US')} products, ${archived.points.toLocaleString('en-US')} points moved out of points (DELETE … RETURNING) into blobs at brotli 11, then VACUUM; ${Math.round(archived.points / archiveS).toLocaleString('en-US')} points/s` },
        { name: `scale: storage PostgreSQL after the archive run (${(info.points / 1e6).toFixed(0)}M points)`, figure: `${archivedBytesPerPoint.toFixed(2)} bytes/point`, baseline: '8 bytes/point (int32 t + int32 value)',
          ratio: archivedBytesPerPoint / 8, target: 'report', met: null,
          note: `point_archive ${(info.archive.bytes / 1e9).toFixed(2)} GB for ${info.archive.products.toLocaleString('en-US')} blobs of ${POINTS_PER_SERIES * 2} points (a blob this small stays in the row: no TOAST, a row header each); what is left of points ${((info.pointBytes - info.archive.bytes) / 1e9).toFixed(2)} GB` },
        { name: `scale: /product 1 ASIN after the archive run (${label})`, figure: `${readArchived.toFixed(1)} ms p50`, baseline: `${read.toFixed(1)} ms p50 (the same reads from rows, above)`,
          ratio: readArchived / read, target: 'report', met: null, note: 'the same request mix on other random products, their points now decoded from the blob' },
      ];
    } finally {
      await api.running?.close();
      await database.dispose();
    }
  },
};
