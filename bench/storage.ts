// Storage: bytes per stored numeric point after the daily archive run (jobs/archive.ts:
// points older than 30 days into a compressed blob per product, point-codec.ts), on the
// embedded TimescaleDB, on two generators: the synthetic one (irregular gaps, long runs of
// the same price, -1 out-of-stock spells, drifting ranks, generated in SQL) and real-shaped
// Keepa products (bench/keepa-shapes.ts: the real fixtures' histories replayed, shifted and
// scaled per copy). The figure is every byte points take (dbInfo.pointBytes: the archive's
// table, TOAST and index, plus whatever rows and chunks of `points` are left) over the
// points stored. Baseline: 8 bytes (int32 time + int32 value). Target: ≤ 2 bytes/point
// (ratio ≤ 0.25). TimescaleDB's own compression, measured before the archive existed, left
// 4.33 / 3.65 (its codec's column data alone is 3.57 / 3.16: scripts/storage-codec-floor.ts).
import { sql } from 'kysely';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { copyText, PointCopyBuffer } from '../src/store/copy-rows.js';
import { archiveColdPoints, compressAllChunks, dbInfo, type Store } from '../src/store/index.js';
import type { Benchmark, BenchOptions, BenchRow } from './bench-types.js';
import { embeddedDatabase } from './bench-db.js';
import { realShapedProducts } from './keepa-shapes.js';

/** Series of a synthetic product (the real fixtures' products have 23.7 numeric series on average). */
export const SERIES_PER_PRODUCT = 24;

export async function synthetic(store: Store, series: number, perSeries: number, log: BenchOptions['log']): Promise<string> {
  // Keepa minutes ascending with gaps of 1 min to ~1 day; values: a price that changes
  // every few points, -1 for ~5% of points, ranks for every 4th series. The archive keeps a
  // blob per product: SERIES_PER_PRODUCT series to a product, as many as the real products
  // have (23.7); series ids 1…N in a fresh database.
  await sql`INSERT INTO products (domain_id, asin)
            SELECT 1, 'S' || lpad(g::text, 9, '0') FROM generate_series(1, ${Math.ceil(series / SERIES_PER_PRODUCT)}::int) g`.execute(store.db);
  await sql`INSERT INTO series (product_id, name)
            SELECT (s - 1) / ${SERIES_PER_PRODUCT}::int + 1, 'csv:' || ((s - 1) % ${SERIES_PER_PRODUCT}::int)
            FROM generate_series(1, ${series}::int) s ORDER BY s`.execute(store.db);
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
  return `synthetic, ${series.toLocaleString('en-US')} series × ${perSeries} points, ${SERIES_PER_PRODUCT} series a product`;
}

export async function realShaped(store: Store, products: number, log: BenchOptions['log']): Promise<string> {
  let seriesCount = 0;
  const client = await store.pool.connect();
  try {
    for (let done = 0; done < products; done += 50) {
      const copy = new PointCopyBuffer();
      const batch = realShapedProducts(Math.min(50, products - done), done).map((product) => ({ product, split: splitKeepaProduct(product) }));
      const { rows: ids } = await client.query<{ id: number; asin: string }>(
        `INSERT INTO products (domain_id, asin) SELECT 1, unnest($1::text[]) RETURNING id, asin`, [batch.map(({ product }) => product.asin)]);
      const idOf = new Map(ids.map((r) => [r.asin, r.id]));
      const wanted = batch.flatMap(({ product, split }) => [...split.numeric.keys()].map((name) => [idOf.get(product.asin)!, name] as const));
      const { rows: series } = await client.query<{ id: number; product_id: number; name: string }>(
        `INSERT INTO series (product_id, name) SELECT * FROM unnest($1::int[], $2::text[]) RETURNING id, product_id, name`,
        [wanted.map(([id]) => id), wanted.map(([, name]) => name)]);
      const seriesOf = new Map(series.map((r) => [`${r.product_id}:${r.name}`, r.id]));
      for (const { product, split } of batch) {
        for (const [name, points] of split.numeric) {
          seriesCount++;
          const id = seriesOf.get(`${idOf.get(product.asin)}:${name}`)!;
          for (const p of points) copy.add(id, p.t, p.value, p.second);
        }
      }
      await copyText(client, 'points', 'series_id, t, value, second', copy.bytes());
      log(`storage: ${Math.min(products, done + 50)}/${products} real-shaped products`);
    }
  } finally {
    client.release();
  }
  return `real-shaped, ${products} products, ${seriesCount.toLocaleString('en-US')} series`;
}

/** Where the bytes of the archived history go, in bytes/point. */
async function archiveBreakdown(store: Store, points: number): Promise<string> {
  const { rows: [b] } = await store.pool.query<Record<string, string>>(`
    SELECT (SELECT coalesce(sum(octet_length(data)), 0) FROM point_archive) AS blobs,
           pg_relation_size('point_archive') AS heap,
           pg_total_relation_size(reltoastrelid) AS toast,
           pg_indexes_size('point_archive') AS index,
           (SELECT count(*) FROM point_archive) AS rows
    FROM pg_class WHERE oid = 'point_archive'::regclass`);
  const f = (x: string | undefined) => (Number(x) / points).toFixed(3);
  return `${Number(b!.rows).toLocaleString('en-US')} blobs (${Math.round(points / Number(b!.rows)).toLocaleString('en-US')} points each): ` +
    `blob bytes ${f(b!.blobs)}, table ${f(b!.heap)}, TOAST (blob bytes included) ${f(b!.toast)}, index ${f(b!.index)} bytes/point`;
}

async function measure(label: string, fill: (store: Store) => Promise<string>, log: BenchOptions['log']): Promise<BenchRow> {
  const database = await embeddedDatabase();
  const { store } = database;
  try {
    const start = performance.now();
    const what = await fill(store);
    const before = await dbInfo(store);
    log(`storage ${label}: archiving (${((performance.now() - start) / 1000).toFixed(0)} s so far)`);
    // What the daily archive job does (jobs/archive.ts): everything older than 30 days (all
    // of these histories) into per-product blobs at the best compression, then the chunks left.
    const archiveStart = performance.now();
    const archived = await archiveColdPoints(store, {
      batchProducts: 100,
      onProgress: ({ products, of }) => products % 1000 === 0 && log(`storage ${label}: ${products}/${of} products archived`),
    });
    await compressAllChunks(store);
    const archiveSeconds = (performance.now() - archiveStart) / 1000;
    const info = await dbInfo(store);
    const perPoint = info.pointBytes / info.points;
    return {
      name: `storage ${label} (${(info.points / 1e6).toFixed(1)}M points, archived)`,
      figure: `${perPoint.toFixed(2)} bytes/point`,
      baseline: '8 bytes/point (int32 t + int32 value)',
      ratio: perPoint / 8,
      target: '≤ 0.25× (≤ 2 bytes/point)',
      met: perPoint <= 2,
      note: `${what}: ${(info.pointBytes / 1e6).toFixed(1)} MB for ${info.points.toLocaleString('en-US')} points ` +
        `(${info.archive.points.toLocaleString('en-US')} archived, ${(info.points - info.archive.points).toLocaleString('en-US')} left as rows, ` +
        `${archived.droppedChunks} emptied chunks dropped); ${await archiveBreakdown(store, info.points)}; ` +
        `as rows before: ${(before.pointBytes / before.points).toFixed(1)} bytes/point; archived in ${archiveSeconds.toFixed(0)} s ` +
        `(point-codec.ts: a blob per product, columns of varints or a shared timeline, brotli 11)`,
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
