// Cold history (issue 16, schema/052_point_archive.sql): a product's numeric points older
// than the archive cutoff live in one compressed blob (point-codec.ts) instead of one row
// each. Who writes it:
//   - an import (import-batch.ts) puts the cold part of each history straight in, fast;
//   - the archive run (archiveColdPoints: the scheduler's daily job, `pricekeep db
//     --compress`) moves rows of `points` older than the cutoff in, and re-encodes blobs an
//     import wrote at the best compression.
// Both hold a transaction-scoped advisory lock per product, taken in product order, for the
// read-merge-write of its blob. Readers merge blob and rows by minute, the row winning: a
// row is the newer write (a late observation not yet folded in).
import { sql } from 'kysely';
import type pg from 'pg';
import type { NumericPoint } from '../keepa/history-series.js';
import type { Store } from './database.js';
import { decodeArchive, encodeArchive, type ArchiveEffort } from './point-codec.js';

/** Points older than this (Keepa minutes before now) are archived. */
export const ARCHIVE_AFTER_MINUTES = 90 * 1440;

/** Advisory-lock class of archive blobs ("PKAR"); the second key is the product id. */
const LOCK_CLASS = 0x504b4152 | 0;

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Series id → points, in time order. */
export type SeriesPoints = Map<number, NumericPoint[]>;

/** The archive cutoff for now: points before this minute are cold. */
export async function archiveCutoff(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ now: number }>('SELECT keepa_now() AS now');
  return rows[0]!.now - ARCHIVE_AFTER_MINUTES;
}

/** Locks the blobs of `productIds` until the transaction ends (import and archive run alike). */
export async function lockArchives(client: pg.PoolClient, productIds: readonly number[]): Promise<void> {
  if (productIds.length === 0) return;
  await client.query(
    'SELECT count(pg_advisory_xact_lock($1::int, id)) FROM (SELECT DISTINCT unnest($2::int[]) AS id ORDER BY 1) ids',
    [LOCK_CLASS, [...productIds]],
  );
}

/** The archived series of each of these products that has a blob. */
export async function readArchives(q: Queryable, productIds: readonly number[]): Promise<Map<number, SeriesPoints>> {
  const result = new Map<number, SeriesPoints>();
  if (productIds.length === 0) return result;
  const { rows } = await q.query<{ product_id: number; data: Buffer }>(
    'SELECT product_id, data FROM point_archive WHERE product_id = ANY($1::int[])', [[...productIds]]);
  for (const { product_id, data } of rows) result.set(product_id, decodeArchive(data));
  return result;
}

/** The archived points of these products' series, all in one map. */
export async function readArchivedSeries(q: Queryable, productIds: readonly number[]): Promise<SeriesPoints> {
  const result: SeriesPoints = new Map();
  for (const series of (await readArchives(q, productIds)).values()) for (const [id, points] of series) result.set(id, points);
  return result;
}

/** `base` and `over` (each in time order) merged by minute; `over` wins at a minute both hold. */
export function mergeByMinute(base: readonly NumericPoint[] | undefined, over: readonly NumericPoint[]): NumericPoint[] {
  if (!base || base.length === 0) return [...over];
  if (over.length === 0) return [...base];
  const out: NumericPoint[] = [];
  let i = 0;
  let j = 0;
  while (i < base.length && j < over.length) {
    const a = base[i]!;
    const b = over[j]!;
    if (a.t < b.t) (out.push(a), i++);
    else if (a.t > b.t) (out.push(b), j++);
    else (out.push(b), i++, j++);
  }
  while (i < base.length) out.push(base[i++]!);
  while (j < over.length) out.push(over[j++]!);
  return out;
}

/**
 * The points of `points` (in time order) from `from` to `to`, the value in force at `from`
 * carried in as a point at `from` (a point exactly at `from` replaces it).
 */
export function windowPoints(points: readonly NumericPoint[], from: number, to: number): NumericPoint[] {
  const out: NumericPoint[] = [];
  let carried: NumericPoint | null = null;
  for (const p of points) {
    if (p.t < from) carried = p;
    else if (p.t <= to) {
      if (carried && p.t !== from) out.push({ ...carried, t: from });
      carried = null;
      out.push(p);
    } else break;
  }
  if (carried) out.push({ ...carried, t: from });
  return out;
}

export interface ArchiveWrite {
  readonly productId: number;
  /** Every archived series of the product, whole (series absent here lose their blob part). */
  readonly series: SeriesPoints;
}

/** Writes whole blobs and the series' cold tails; a product left with no points loses its row. */
export async function writeArchives(client: pg.PoolClient, writes: readonly ArchiveWrite[], effort: ArchiveEffort): Promise<void> {
  if (writes.length === 0) return;
  const ids: number[] = [];
  const counts: number[] = [];
  const maxima: Array<number | null> = [];
  const blobs: Buffer[] = [];
  const empty: number[] = [];
  const tailSeries: number[] = [];
  const tailT: Array<number | null> = [];
  const tailValue: Array<number | null> = [];
  const tailSecond: Array<number | null> = [];
  for (const { productId, series } of writes) {
    let n = 0;
    let max: number | null = null;
    for (const [id, points] of series) {
      n += points.length;
      const last = points[points.length - 1];
      if (last && (max === null || last.t > max)) max = last.t;
      tailSeries.push(id);
      tailT.push(last?.t ?? null);
      tailValue.push(last?.value ?? null);
      tailSecond.push(last?.second ?? null);
    }
    if (n === 0) {
      empty.push(productId);
      continue;
    }
    ids.push(productId);
    counts.push(n);
    maxima.push(max);
    blobs.push(encodeArchive(series, effort));
  }
  if (ids.length > 0) {
    await client.query(
      `INSERT INTO point_archive (product_id, points, t_max, best, data)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::bool[], $5::bytea[])
       ON CONFLICT (product_id) DO UPDATE SET points = EXCLUDED.points, t_max = EXCLUDED.t_max, best = EXCLUDED.best, data = EXCLUDED.data`,
      [ids, counts, maxima, ids.map(() => effort === 'best'), blobs],
    );
  }
  if (empty.length > 0) await client.query('DELETE FROM point_archive WHERE product_id = ANY($1::int[])', [empty]);
  if (tailSeries.length > 0) {
    await client.query(
      `UPDATE series s SET cold_t = c.t, cold_value = c.value, cold_second = c.second
       FROM unnest($1::int[], $2::int[], $3::int[], $4::int[]) AS c(id, t, value, second)
       WHERE s.id = c.id AND (s.cold_t, s.cold_value, s.cold_second) IS DISTINCT FROM (c.t, c.value, c.second)`,
      [tailSeries, tailT, tailValue, tailSecond],
    );
  }
}

/** Rows of `points` of each series before its own cutoff, deleted and returned by series. */
export async function takeColdRows(client: pg.PoolClient, cutoffs: ReadonlyMap<number, number>): Promise<SeriesPoints> {
  const taken: SeriesPoints = new Map();
  if (cutoffs.size === 0) return taken;
  const { rows } = await client.query<[number, number, number, number | null]>({
    rowMode: 'array',
    text: `DELETE FROM points p USING unnest($1::int[], $2::int[]) AS c(id, cutoff)
           WHERE p.series_id = c.id AND p.t < c.cutoff RETURNING p.series_id, p.t, p.value, p.second`,
    values: [[...cutoffs.keys()], [...cutoffs.values()]],
  });
  for (const [id, t, value, second] of rows) {
    let points = taken.get(id);
    if (!points) taken.set(id, (points = []));
    points.push({ t, value, second });
  }
  for (const points of taken.values()) points.sort((a, b) => a.t - b.t);
  return taken;
}

export interface ArchiveRunOptions {
  /** Archive points before this Keepa minute (default: now − ARCHIVE_AFTER_MINUTES). */
  readonly before?: number;
  /** Products per transaction (default 50). */
  readonly batchProducts?: number;
  readonly onProgress?: (done: { products: number; of: number; points: number }) => void;
}

export interface ArchiveRunResult {
  /** Products whose blob was written. */
  readonly products: number;
  /** Rows of `points` moved into blobs. */
  readonly points: number;
  /** Empty chunks of `points` dropped (TimescaleDB). */
  readonly droppedChunks: number;
}

/**
 * The archive run: moves every row of `points` older than the cutoff into its product's
 * blob and re-encodes the blobs an import wrote fast, at the best compression, a batch of
 * products per transaction; then drops the chunks of `points` it emptied.
 */
export async function archiveColdPoints(store: Store, options: ArchiveRunOptions = {}): Promise<ArchiveRunResult> {
  const cutoff = options.before ?? (await archiveCutoff(store.pool));
  const { rows } = await store.pool.query<{ id: number }>(
    `SELECT DISTINCT s.product_id AS id FROM points p JOIN series s ON s.id = p.series_id WHERE p.t < $1
     UNION SELECT product_id FROM point_archive WHERE NOT best ORDER BY 1`,
    [cutoff],
  );
  const productIds = rows.map((r) => r.id);
  const batchSize = Math.max(1, options.batchProducts ?? 50);
  let moved = 0;
  for (let start = 0; start < productIds.length; start += batchSize) {
    const batch = productIds.slice(start, start + batchSize);
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL jit = off');
      await lockArchives(client, batch);
      const { rows: seriesRows } = await client.query<{ id: number; product_id: number }>(
        'SELECT id, product_id FROM series WHERE product_id = ANY($1::int[])', [batch]);
      const taken = await takeColdRows(client, new Map(seriesRows.map((r) => [r.id, cutoff])));
      const archived = await readArchivedSeries(client, batch);
      const writes = new Map<number, SeriesPoints>(batch.map((id) => [id, new Map()]));
      for (const { id, product_id } of seriesRows) {
        const points = mergeByMinute(archived.get(id), taken.get(id) ?? []);
        if (points.length > 0) writes.get(product_id)!.set(id, points);
        moved += taken.get(id)?.length ?? 0;
      }
      await writeArchives(client, [...writes].map(([productId, series]) => ({ productId, series })), 'best');
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').then(() => client.release(), (broken: Error) => client.release(broken));
      throw error;
    }
    client.release();
    options.onProgress?.({ products: Math.min(productIds.length, start + batchSize), of: productIds.length, points: moved });
  }
  const droppedChunks = store.timescaledb ? await dropEmptyChunks(store, cutoff) : 0;
  // What the moves left behind is space for the next writes only after a vacuum.
  if (moved > 0) await store.pool.query('VACUUM points');
  return { products: productIds.length, points: moved, droppedChunks };
}

/** Drops the chunks of `points` wholly before `cutoff` that hold no row (checked under the chunk's lock). */
async function dropEmptyChunks(store: Store, cutoff: number): Promise<number> {
  const { rows } = await sql<{ name: string }>`
    SELECT format('%I.%I', chunk_schema, chunk_name) AS name FROM timescaledb_information.chunks
    WHERE hypertable_name = 'points' AND range_end_integer <= ${cutoff}
    ORDER BY range_start_integer`.execute(store.db);
  let dropped = 0;
  for (const { name } of rows) {
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${name} IN ACCESS EXCLUSIVE MODE`);
      const { rows: any } = await client.query(`SELECT 1 FROM ${name} LIMIT 1`);
      if (any.length === 0) {
        await client.query(`DROP TABLE ${name}`);
        dropped++;
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').then(() => client.release(), (broken: Error) => client.release(broken));
      throw error;
    }
    client.release();
  }
  return dropped;
}
