// Storage: bytes per stored point on TimescaleDB after compression (embedded engine; the
// local PostgreSQL has no TimescaleDB), on two generators: the synthetic one (irregular
// gaps, long runs of the same price, -1 out-of-stock spells, drifting ranks, generated in
// SQL) and real-shaped Keepa products (bench/keepa-shapes.ts: the real fixtures' histories
// replayed, shifted and scaled per copy). Also how many points each compressed batch holds,
// since per-batch headers weigh on short batches, and where the bytes go (column data vs.
// the rest, bench/storage-breakdown.ts). Compression runs as the scheduler's does
// (compressAllChunks: chunks oldest first, each rolled into the ~20-year compressed chunk
// before it, whose batches are then rebuilt full). Baseline: 8 bytes (int32 time + int32
// value). Target: ≤ 2 bytes/point (ratio ≤ 0.25); the column data alone of TimescaleDB's
// delta-delta/simple-8b codec is above that on both generators (see the note).
import { sql } from 'kysely';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { copyText, PointCopyBuffer } from '../src/store/copy-rows.js';
import { compressAllChunks, dbInfo, type Store } from '../src/store/index.js';
import type { Benchmark, BenchOptions, BenchRow } from './bench-types.js';
import { embeddedDatabase } from './bench-db.js';
import { formatBreakdown, storageBreakdown, type StorageBreakdown } from './storage-breakdown.js';
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

/** Compressed-column payload vs. everything else, in bytes/point, from the breakdown. */
function split(b: StorageBreakdown): string {
  const perPoint = (test: (part: string) => boolean) =>
    (b.parts.filter((p) => p.counted && test(p.part)).reduce((s, p) => s + p.bytes, 0) / b.points).toFixed(2);
  const column = (name: string) => perPoint((p) => p.includes(`column ${name} `));
  const payload = (p: string) => /column (t|value|second) /.test(p);
  return `column data ${perPoint(payload)} bytes/point (t ${column('t')}, value ${column('value')}, second ${column('second')}), ` +
    `everything else ${perPoint((p) => !payload(p))} (metadata, tuple and page headers, page slack, TOAST bookkeeping, index)`;
}

async function measure(label: string, fill: (store: Store) => Promise<string>, log: BenchOptions['log']): Promise<BenchRow> {
  const database = await embeddedDatabase();
  const { store } = database;
  try {
    const start = performance.now();
    const what = await fill(store);
    log(`storage ${label}: compressing (${((performance.now() - start) / 1000).toFixed(0)} s so far)`);
    const compressStart = performance.now();
    await compressAllChunks(store);
    const compressSeconds = (performance.now() - compressStart) / 1000;
    const info = await dbInfo(store);
    const b = await storageBreakdown(store);
    log(`storage ${label}: breakdown\n${formatBreakdown(b)}`);
    const after = info.compression?.bytesAfter ?? NaN;
    const perPoint = after / info.points;
    return {
      name: `storage ${label} (${(info.points / 1e6).toFixed(1)}M points, compressed)`,
      figure: `${perPoint.toFixed(2)} bytes/point`,
      baseline: '8 bytes/point (int32 t + int32 value)',
      ratio: perPoint / 8,
      target: '≤ 0.25× (≤ 2 bytes/point)',
      met: perPoint <= 2,
      note: `${what}: after_compression_total_bytes ${(after / 1e6).toFixed(1)} MB for ${info.points.toLocaleString('en-US')} points in ${b.compressedChunks} compressed chunks, ${b.batches.toLocaleString('en-US')} compressed batches (${(info.points / b.batches).toFixed(0)} points per batch); ${split(b)}; before: ${((info.compression?.bytesBefore ?? 0) / info.points).toFixed(1)} bytes/point with the primary-key index; compressed and consolidated in ${compressSeconds.toFixed(0)} s; segmentby series_id, orderby t, 90-day chunks rolled into ~20-year compressed chunks (schema 050) whose batches are rebuilt full (compressOldChunks)`,
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
