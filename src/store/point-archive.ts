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

/**
 * Points older than this (Keepa minutes before now) are archived: TimescaleDB's compression
 * age (compress_after, schema 002), so that on a hypertable whole chunks go into blobs
 * before they would be compressed, and are then dropped.
 */
export const ARCHIVE_AFTER_MINUTES = 30 * 1440;

/** Advisory-lock class of archive blobs ("PKAR"); the second key is the product id. */
const LOCK_CLASS = 0x504b4152 | 0;

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Series id → points, in time order. */
export type SeriesPoints = Map<number, readonly NumericPoint[]>;

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
export function mergeByMinute(base: readonly NumericPoint[] | undefined, over: readonly NumericPoint[]): readonly NumericPoint[] {
  // Not copied when one side is empty: an import's new history is most of its points.
  if (!base || base.length === 0) return over;
  if (over.length === 0) return base;
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
    // The blobs go as one binary parameter cut apart in SQL: node-pg sends a Buffer as
    // bytes, but a bytea[] as hex text (twice the bytes, encoded and parsed on each side).
    const starts: number[] = [];
    let offset = 1;
    for (const blob of blobs) {
      starts.push(offset);
      offset += blob.length;
    }
    await client.query(
      `INSERT INTO point_archive (product_id, points, t_max, best, data)
       SELECT b.id, b.points, b.t_max, $4::boolean, substring($5::bytea FROM b.start FOR b.length)
       FROM unnest($1::int[], $2::int[], $3::int[], $6::int[], $7::int[]) AS b(id, points, t_max, start, length)
       ON CONFLICT (product_id) DO UPDATE SET points = EXCLUDED.points, t_max = EXCLUDED.t_max, best = EXCLUDED.best, data = EXCLUDED.data`,
      [ids, counts, maxima, effort === 'best', Buffer.concat(blobs), starts, blobs.map((blob) => blob.length)],
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

/**
 * Rows of `points` of each series before its own cutoff, deleted and returned by series.
 * Most series have none (their rows are their last days): one read finds those that do,
 * and only they are deleted (a DELETE on a hypertable costs a plan over every chunk).
 */
export async function takeColdRows(client: pg.PoolClient, cutoffs: ReadonlyMap<number, number>): Promise<SeriesPoints> {
  const taken: SeriesPoints = new Map();
  if (cutoffs.size === 0) return taken;
  const { rows: found } = await client.query<{ id: number; cutoff: number }>(
    `SELECT c.id, c.cutoff FROM unnest($1::int[], $2::int[]) AS c(id, cutoff)
     WHERE EXISTS (SELECT 1 FROM points p WHERE p.series_id = c.id AND p.t < c.cutoff)`,
    [[...cutoffs.keys()], [...cutoffs.values()]]);
  const byCutoff = new Map<number, number[]>();
  for (const { id, cutoff } of found) {
    let ids = byCutoff.get(cutoff);
    if (!ids) byCutoff.set(cutoff, (ids = []));
    ids.push(id);
  }
  // Each group holds other series than the rest: their maps join without a merge.
  for (const [cutoff, ids] of byCutoff) {
    const rows = await rowsOf(client, 'DELETE FROM points WHERE series_id = ANY($1::int[]) AND t < $2 RETURNING series_id, t, value, second', [ids, cutoff]);
    for (const [id, points] of rows) taken.set(id, points);
  }
  return taken;
}

export interface ArchiveRunOptions {
  /** Archive points before this Keepa minute (default: now − ARCHIVE_AFTER_MINUTES). */
  readonly before?: number;
  /** Products per transaction (default 50). */
  readonly batchProducts?: number;
  /** After each batch: products folded so far, of how many (null: not known up front), points moved. */
  readonly onProgress?: (done: { products: number; of: number | null; points: number }) => void;
}

export interface ArchiveRunResult {
  /** Products whose blob was written. */
  readonly products: number;
  /** Rows of `points` moved into blobs. */
  readonly points: number;
  /** Empty chunks of `points` dropped (TimescaleDB). */
  readonly droppedChunks: number;
}

/** Series rows of these products, grouped as the blobs are. */
async function seriesOf(client: pg.PoolClient, productIds: readonly number[]): Promise<Array<{ id: number; product_id: number }>> {
  const { rows } = await client.query<{ id: number; product_id: number }>(
    'SELECT id, product_id FROM series WHERE product_id = ANY($1::int[])', [[...productIds]]);
  return rows;
}

/** In one transaction: each product's blob with `rows` (by series) merged in, the rows winning. */
async function foldIn(client: pg.PoolClient, productIds: readonly number[], read: (seriesIds: number[]) => Promise<SeriesPoints>): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SET LOCAL jit = off');
    await lockArchives(client, productIds);
    const series = await seriesOf(client, productIds);
    const rows = await read(series.map((r) => r.id));
    const blobs = await readArchives(client, productIds);
    const writes = new Map<number, SeriesPoints>(productIds.map((id) => [id, new Map()]));
    let moved = 0;
    for (const { id, product_id } of series) {
      const taken = rows.get(id) ?? [];
      moved += taken.length;
      const points = mergeByMinute(blobs.get(product_id)?.get(id), taken);
      if (points.length > 0) writes.get(product_id)!.set(id, points);
    }
    await writeArchives(client, [...writes].map(([productId, series]) => ({ productId, series })), 'best');
    await client.query('COMMIT');
    return moved;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * After a run that moved out more points than are left (the first run on a store that had
 * no archive), the primary key is rebuilt: VACUUM truncates the emptied heap but keeps every
 * index page (100M points: 2.35 GB of index over no rows). CONCURRENTLY lets writes go on;
 * the daily runs after it delete a day's worth, whose pages new rows reuse.
 */
async function shrinkPointsIndex(store: Store, moved: number): Promise<void> {
  const { rows: [left] } = await store.pool.query<{ rows: number }>(
    "SELECT greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = 'points'::regclass");
  if (left && left.rows < moved) await store.pool.query('REINDEX TABLE CONCURRENTLY points');
}

/** Runs `task` on a connection of its own; a connection that failed is not given back. */
async function onClient<T>(store: Store, task: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await store.pool.connect();
  try {
    const result = await task(client);
    client.release();
    return result;
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Progress = ArchiveRunOptions['onProgress'];

/**
 * TimescaleDB: the rows of the chunks wholly before the cutoff go into the blobs, a batch
 * of products per transaction (rows read, not deleted: a DELETE there costs milliseconds a
 * row), then each such chunk is dropped whole, under its lock, if it still holds exactly
 * the rows that were folded in (a count and a hash sum per chunk); a chunk a late write
 * changed meanwhile is kept, its rows winning over their copies in the blobs, for next time.
 */
async function archiveChunks(store: Store, cutoff: number, size: number, progress: Progress): Promise<{ products: number; points: number; dropped: number }> {
  const { rows: chunks } = await sql<{ name: string; oid: number; end: number }>`
    SELECT format('%I.%I', chunk_schema, chunk_name) AS name, format('%I.%I', chunk_schema, chunk_name)::regclass::oid::int8 AS oid,
           range_end_integer AS end
    FROM timescaledb_information.chunks
    WHERE hypertable_name = 'points' AND range_end_integer <= ${cutoff} ORDER BY range_start_integer`.execute(store.db);
  if (chunks.length === 0) return { products: 0, points: 0, dropped: 0 };
  const below = Math.max(...chunks.map((c) => Number(c.end)));
  const hash = `hashtextextended(series_id || ',' || t || ',' || value || ',' || coalesce(second::text, ''), 0)::numeric`;
  const { rows: products } = await store.pool.query<{ id: number }>(
    `SELECT DISTINCT s.product_id AS id FROM points p JOIN series s ON s.id = p.series_id WHERE p.t < $1 ORDER BY 1`, [below]);
  /** Per chunk oid: rows folded in, and the sum of their hashes. */
  const folded = new Map<string, { n: bigint; h: bigint }>();
  let done = 0;
  let points = 0;
  for (const batch of batches(products.map((r) => r.id), size)) {
    points += await onClient(store, (client) => foldIn(client, batch, async (seriesIds) => {
      const { rows: sums } = await client.query<{ oid: string; n: string; h: string }>(
        `SELECT tableoid::int8::text AS oid, count(*)::text AS n, sum(${hash})::text AS h FROM points
         WHERE series_id = ANY($1::int[]) AND t < $2 GROUP BY tableoid`, [seriesIds, below]);
      for (const { oid, n, h } of sums) {
        const sum = folded.get(oid) ?? { n: 0n, h: 0n };
        folded.set(oid, { n: sum.n + BigInt(n), h: sum.h + BigInt(h) });
      }
      return rowsOf(client, 'SELECT series_id, t, value, second FROM points WHERE series_id = ANY($1::int[]) AND t < $2', [seriesIds, below]);
    }));
    done += batch.length;
    progress?.({ products: done, of: products.length, points });
  }
  let dropped = 0;
  for (const { name, oid } of chunks) {
    const expected = folded.get(String(oid)) ?? { n: 0n, h: 0n };
    dropped += await onClient(store, async (client) => {
      await client.query('BEGIN');
      try {
        await client.query(`LOCK TABLE ${name} IN EXCLUSIVE MODE`);
        const { rows: [now] } = await client.query<{ n: string; h: string | null }>(
          `SELECT count(*)::text AS n, coalesce(sum(${hash}), 0)::text AS h FROM ${name}`);
        const same = BigInt(now!.n) === expected.n && BigInt(now!.h!) === expected.h;
        if (same) await client.query(`DROP TABLE ${name}`);
        await client.query('COMMIT');
        return same ? 1 : 0;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }
  return { products: done, points, dropped };
}

/** Rows as series id → points in time order. */
async function rowsOf(client: pg.PoolClient, text: string, values: unknown[]): Promise<SeriesPoints> {
  const { rows } = await client.query<[number, number, number, number | null]>({ rowMode: 'array', text, values });
  const result = new Map<number, NumericPoint[]>();
  for (const [id, t, value, second] of rows) {
    let points = result.get(id);
    if (!points) result.set(id, (points = []));
    points.push({ t, value, second });
  }
  for (const points of result.values()) points.sort((a, b) => a.t - b.t);
  return result;
}

/**
 * The archive run: every row of `points` older than the cutoff into its product's blob
 * (TimescaleDB: chunk by chunk, each dropped after; plain PostgreSQL: rows deleted as they
 * go), then the blobs an import wrote fast re-encoded at the best compression.
 */
export async function archiveColdPoints(store: Store, options: ArchiveRunOptions = {}): Promise<ArchiveRunResult> {
  const cutoff = options.before ?? (await archiveCutoff(store.pool));
  const size = Math.max(1, options.batchProducts ?? 50);
  let products = 0;
  let points = 0;
  let droppedChunks = 0;
  if (store.timescaledb) {
    ({ products, points, dropped: droppedChunks } = await archiveChunks(store, cutoff, size, options.onProgress));
  } else {
    const { rows } = await store.pool.query<{ id: number }>(
      'SELECT DISTINCT s.product_id AS id FROM points p JOIN series s ON s.id = p.series_id WHERE p.t < $1 ORDER BY 1', [cutoff]);
    for (const batch of batches(rows.map((r) => r.id), size)) {
      points += await onClient(store, (client) => foldIn(client, batch, (seriesIds) => rowsOf(client,
        'DELETE FROM points WHERE series_id = ANY($1::int[]) AND t < $2 RETURNING series_id, t, value, second', [seriesIds, cutoff])));
      products += batch.length;
      options.onProgress?.({ products, of: rows.length, points });
    }
    // What the deletes left behind is room for the next writes only after a vacuum.
    if (points > 0) await store.pool.query('VACUUM points');
    if (points > 0) await shrinkPointsIndex(store, points);
  }
  // Blobs an import wrote fast (a fold above rewrote its products' at the best already).
  const folded = products;
  const { rows: fast } = await store.pool.query<{ id: number }>('SELECT product_id AS id FROM point_archive WHERE NOT best ORDER BY 1');
  for (const batch of batches(fast.map((r) => r.id), size)) {
    await onClient(store, (client) => foldIn(client, batch, async () => new Map()));
    products += batch.length;
    options.onProgress?.({ products, of: null, points });
  }
  // Rewritten blobs leave dead TOAST behind: room for the next ones only after a vacuum.
  if (products > folded || points > 0) await store.pool.query('VACUUM point_archive');
  return { products, points, droppedChunks };
}
