// The baseline of the write benchmarks: COPY FROM STDIN of the same points into a bare
// table (no index, no key) of the same database. The embedded engine takes COPY through
// its wire server (PGlite's /dev/blob COPY), so both engines run the same statement.
import { sql } from 'kysely';
import { copyText, pointLine } from '../src/store/copy-rows.js';
import type { Store } from '../src/store/index.js';
import { readArchivedSeries } from '../src/store/point-archive.js';

export type PointRow = { series_id: number; t: number; value: number; second: number | null };

/** Every stored numeric point: rows of `points` and the archive blobs' (point-archive.ts). */
export async function readPoints(store: Store, order: 'series_id, t' | 't, series_id' = 'series_id, t'): Promise<PointRow[]> {
  const rows = (await store.pool.query<PointRow>('SELECT series_id, t, value, second FROM points')).rows;
  const { rows: products } = await store.pool.query<{ id: number }>('SELECT product_id AS id FROM point_archive');
  for (const [id, points] of await readArchivedSeries(store.pool, products.map((p) => p.id))) {
    for (const p of points) rows.push({ series_id: id, t: p.t, value: p.value, second: p.second });
  }
  return rows.sort(order === 'series_id, t' ? (a, b) => a.series_id - b.series_id || a.t - b.t : (a, b) => a.t - b.t || a.series_id - b.series_id);
}

/** ms to COPY `rows` into `table` (the text is built before the clock starts). */
export async function copyRows(store: Store, table: string, rows: readonly PointRow[]): Promise<number> {
  const text = rows.map((r) => pointLine(r.series_id, r.t, r.value, r.second)).join('');
  const client = await store.pool.connect();
  try {
    const start = performance.now();
    await copyText(client, table, 'series_id, t, value, second', text);
    return performance.now() - start;
  } finally {
    client.release();
  }
}

/**
 * ms to COPY `rows` into a fresh bare table; `keyed`: into a table with points' primary key
 * instead, the floor of any write into points.
 */
export async function copyBaseline(store: Store, rows: readonly PointRow[], keyed = false): Promise<number> {
  await sql`DROP TABLE IF EXISTS bench_copy`.execute(store.db);
  await sql`CREATE TABLE bench_copy (series_id integer, t integer, value integer, second integer)`.execute(store.db);
  if (keyed) await sql`ALTER TABLE bench_copy ADD PRIMARY KEY (series_id, t)`.execute(store.db);
  try {
    return await copyRows(store, 'bench_copy', rows);
  } finally {
    await sql`DROP TABLE bench_copy`.execute(store.db);
  }
}
