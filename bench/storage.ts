// Storage: bytes per stored point on TimescaleDB after compression (embedded engine; the
// local PostgreSQL has no TimescaleDB), on two generators: the synthetic one (irregular
// gaps, long runs of the same price, -1 out-of-stock spells, drifting ranks, generated in
// SQL) and real-shaped Keepa products (bench/keepa-shapes.ts: the real fixtures' histories
// replayed, shifted and scaled per copy). Also how many points each compressed batch holds,
// since per-batch headers weigh on short batches. Baseline: 8 bytes (int32 time + int32
// value). Target: ≤ 2 bytes/point (ratio ≤ 0.25).
import { sql } from 'kysely';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { copyText, PointCopyBuffer } from '../src/store/copy-rows.js';
import { compressAllChunks, dbInfo, type Store } from '../src/store/index.js';
import type { Benchmark, BenchOptions, BenchRow } from './bench-types.js';
import { embeddedDatabase } from './bench-db.js';
import { realShapedProducts } from './keepa-shapes.js';

export async function synthetic(store: Store, series: number, perSeries: number, log: BenchOptions['log']): Promise<string> {
  // Keepa minutes ascending with gaps of 1 min to ~1 day; values: a price that changes
  // every few points, -1 for ~5% of points, ranks for every 4th series.
  for (let first = 1; first <= series; first += 2000) {
    const last = Math.min(series, first + 1999);
    await sql`
      INSERT INTO points (series_id, t, value, second)
      SELECT s, 7_500_000 + (n * 731 + (hashint4(s * 1000 + n) & 511))::int,
             CASE WHEN (hashint4(s * 7 + n / 20) & 31) = 0 THEN -1
                  WHEN s % 4 = 0 THEN 1000 + (abs(hashint4(s + n / 3)) % 90000)
                  ELSE 999 + 100 * (abs(hashint4(s * 13 + n / 8)) % 40) END,
             CASE WHEN s % 10 = 0 THEN 0 END
      FROM generate_series(${first}::int, ${last}::int) s, generate_series(0, ${perSeries - 1}) n`.execute(store.db);
    log(`storage: ${last}/${series} series`);
  }
  return `synthetic, ${series.toLocaleString('en-US')} series × ${perSeries} points`;
}

export async function realShaped(store: Store, products: number, log: BenchOptions['log']): Promise<string> {
  let seriesId = 0;
  const client = await store.pool.connect();
  try {
    for (let done = 0; done < products; done += 50) {
      const copy = new PointCopyBuffer();
      for (const product of realShapedProducts(Math.min(50, products - done), done)) {
        for (const points of splitKeepaProduct(product).numeric.values()) {
          seriesId++;
          for (const p of points) copy.add(seriesId, p.t, p.value, p.second);
        }
      }
      await copyText(client, 'points', 'series_id, t, value, second', copy.bytes());
      log(`storage: ${Math.min(products, done + 50)}/${products} real-shaped products`);
    }
  } finally {
    client.release();
  }
  return `real-shaped, ${products} products, ${seriesId.toLocaleString('en-US')} series`;
}

/** Points per compressed batch (rows of the compressed chunks). */
async function batchStats(store: Store): Promise<{ batches: number }> {
  const { rows } = await sql<{ name: string }>`
    SELECT format('%I.%I', c2.schema_name, c2.table_name) AS name
    FROM _timescaledb_catalog.chunk c1
    JOIN _timescaledb_catalog.chunk c2 ON c1.compressed_chunk_id = c2.id
    JOIN _timescaledb_catalog.hypertable h ON h.id = c1.hypertable_id
    WHERE h.table_name = 'points'`.execute(store.db);
  let batches = 0;
  for (const { name } of rows) batches += (await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`)).rows[0]!.n;
  return { batches };
}

async function measure(label: string, fill: (store: Store) => Promise<string>, log: BenchOptions['log']): Promise<BenchRow> {
  const database = await embeddedDatabase();
  const { store } = database;
  try {
    const start = performance.now();
    const what = await fill(store);
    log(`storage ${label}: compressing (${((performance.now() - start) / 1000).toFixed(0)} s so far)`);
    await compressAllChunks(store);
    const info = await dbInfo(store);
    const { batches } = await batchStats(store);
    const after = info.compression?.bytesAfter ?? NaN;
    const perPoint = after / info.points;
    return {
      name: `storage ${label} (${(info.points / 1e6).toFixed(1)}M points, compressed)`,
      figure: `${perPoint.toFixed(2)} bytes/point`,
      baseline: '8 bytes/point (int32 t + int32 value)',
      ratio: perPoint / 8,
      target: '≤ 0.25× (≤ 2 bytes/point)',
      met: perPoint <= 2,
      note: `${what}: after_compression_total_bytes ${(after / 1e6).toFixed(1)} MB for ${info.points.toLocaleString('en-US')} points in ${info.compression?.chunks} chunks, ${batches.toLocaleString('en-US')} compressed batches (${(info.points / batches).toFixed(0)} points per batch); before: ${((info.compression?.bytesBefore ?? 0) / info.points).toFixed(1)} bytes/point with the primary-key index; segmentby series_id, orderby t, 90-day chunks`,
    };
  } finally {
    await database.dispose();
  }
}

export const storageBenchmark: Benchmark = {
  name: 'storage',
  async run({ scale, log }): Promise<BenchRow[]> {
    // Default (scale 1) is the 10M points: 20,000 series × 500 points, and ~400
    // real-shaped products (~9M points).
    const series = Math.max(100, Math.round(20_000 * scale));
    const products = Math.max(10, Math.round(400 * scale));
    return [
      await measure('synthetic', (store) => synthetic(store, series, 500, log), log),
      await measure('real-shaped', (store) => realShaped(store, products, log), log),
    ];
  },
};
