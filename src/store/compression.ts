// Compression of old point chunks. TimescaleDB's policy job needs its background worker,
// which the embedded engine does not run, so the scheduler and `pricekeep db --compress`
// call this instead; on a server the policy compresses on its own and this still does the
// consolidation below, which no policy does.
//
// Why consolidate (issue 16): a compressed batch holds one series' points of one chunk, and
// its fixed cost (tuple header, metadata, three compressed-column headers, an index entry,
// TOAST bookkeeping) is ~150–200 bytes; with 90-day chunks a series has a few dozen points per
// chunk, so that cost was most of the 5–6 bytes/point. Schema 050 makes compressing a
// chunk roll it into the compressed chunk before it (compress_chunk_time_interval), which
// keeps the batches as they were; rebuilding that chunk (decompress, compress) merges each
// series' batches into batches of up to 1,000 points. Merging adjacent compressed chunks
// brings chunks compressed before 050 (or apart) into the same layout.
import { sql } from 'kysely';
import type { Store } from './database.js';

/** Rebuild a compressed chunk once it holds this many times the batches a rebuild would leave. */
const REBUILD_RATIO = 1.25;

/**
 * The daily run rebuilds (or merges) chunks of at most this many points: a rebuild holds the chunk's
 * lock for its whole history (~7 s per million points on 2 cores), so a big store's chunk
 * keeps its extra short batches (a few tenths of a byte a point) rather than stall reads
 * for minutes; `pricekeep db --compress-all` rebuilds whatever the size, in an hour of the
 * operator's choosing.
 */
export const SCHEDULED_REBUILD_MAX_POINTS = 5_000_000;

export interface ChunkRange {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly compressed: boolean;
}

async function chunkRanges(store: Store): Promise<ChunkRange[]> {
  const { rows } = await sql<{ name: string; start: number; end: number; compressed: boolean }>`
    SELECT format('%I.%I', chunk_schema, chunk_name) AS name, range_start_integer AS start,
           range_end_integer AS end, is_compressed AS compressed
    FROM timescaledb_information.chunks WHERE hypertable_name = 'points'
    ORDER BY range_start_integer`.execute(store.db);
  return rows.map((r) => ({ ...r, start: Number(r.start), end: Number(r.end) }));
}

/** compress_chunk_time_interval of points in Keepa minutes (stored as microseconds of an interval), or null. */
async function rollupMinutes(store: Store): Promise<number | null> {
  const { rows } = await sql<{ minutes: number | null }>`
    SELECT d.compress_interval_length AS minutes
    FROM _timescaledb_catalog.dimension d JOIN _timescaledb_catalog.hypertable h ON h.id = d.hypertable_id
    WHERE h.table_name = 'points' AND h.schema_name = current_schema() AND d.column_name = 't'`.execute(store.db);
  const minutes = rows[0]?.minutes;
  return minutes == null ? null : Number(minutes);
}

/** Runs of adjacent compressed chunks that fit one rollup interval, as TimescaleDB's rollup would group them. */
export function mergeRuns(chunks: readonly ChunkRange[], rollup: number): string[][] {
  const runs: string[][] = [];
  let run: ChunkRange[] = [];
  for (const chunk of chunks) {
    const last = run[run.length - 1];
    if (chunk.compressed && last && last.end === chunk.start && chunk.end - run[0]!.start <= rollup) {
      run.push(chunk);
      continue;
    }
    if (run.length > 1) runs.push(run.map((c) => c.name));
    run = chunk.compressed ? [chunk] : [];
  }
  if (run.length > 1) runs.push(run.map((c) => c.name));
  return runs;
}

/** Batches a compressed chunk holds, and how many a rebuild would leave (per series, points / batch limit). */
async function batchCounts(store: Store, chunk: string): Promise<{ batches: number; needed: number; points: number }> {
  const { rows } = await store.pool.query<{ batches: number; needed: number; points: number }>(
    `SELECT coalesce(sum(b), 0)::int8 AS batches, coalesce(sum(ceil(n / coalesce(current_setting('timescaledb.compression_batch_size_limit', true), '1000')::numeric)), 0)::int8 AS needed,
            coalesce(sum(n), 0)::int8 AS points
     FROM (SELECT count(*) AS b, sum(_ts_meta_count) AS n FROM ${chunk} GROUP BY series_id) s`,
  );
  return { batches: Number(rows[0]!.batches), needed: Number(rows[0]!.needed), points: Number(rows[0]!.points) };
}

async function compressedChunkOf(store: Store, chunk: string): Promise<string | null> {
  const { rows } = await store.pool.query<{ name: string }>(
    `SELECT format('%I.%I', c2.schema_name, c2.table_name) AS name
     FROM _timescaledb_catalog.chunk c1 JOIN _timescaledb_catalog.chunk c2 ON c1.compressed_chunk_id = c2.id
     WHERE format('%I.%I', c1.schema_name, c1.table_name)::regclass = $1::regclass`,
    [chunk],
  );
  return rows[0]?.name ?? null;
}

/** Points held by the compressed `chunks` (their batches' counts). */
async function pointsOf(store: Store, chunks: readonly string[]): Promise<number> {
  let points = 0;
  for (const chunk of chunks) {
    const compressed = await compressedChunkOf(store, chunk);
    if (compressed) points += (await batchCounts(store, compressed)).points;
  }
  return points;
}

/** Decompresses and compresses `chunk` in one transaction, so that its batches are rebuilt full. */
async function rebuild(store: Store, chunk: string): Promise<void> {
  const client = await store.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT decompress_chunk($1::regclass)`, [chunk]);
    await client.query(`SELECT compress_chunk($1::regclass)`, [chunk]);
    await client.query('COMMIT');
  } catch (error) {
    // A failed ROLLBACK means a broken connection: it must not go back to the pool, and
    // the error to report is the rebuild's own.
    await client.query('ROLLBACK').then(() => client.release(), (broken: Error) => client.release(broken));
    throw error;
  }
  client.release();
}

/** Merges adjacent compressed chunks into rollup-sized ones, then rebuilds those whose batches are short. */
async function consolidate(store: Store, maxRebuildPoints: number): Promise<void> {
  const rollup = await rollupMinutes(store);
  // merge_chunks came with TimescaleDB 2.18; an older server only gets the rebuilds
  const { rows } = await store.pool.query<{ ok: boolean }>(`SELECT to_regprocedure('merge_chunks(regclass[])') IS NOT NULL AS ok`);
  if (rollup !== null && rows[0]!.ok) {
    for (const run of mergeRuns(await chunkRanges(store), rollup)) {
      // A merge rewrites its chunks under their locks, as a rebuild does: the same limit.
      if (Number.isFinite(maxRebuildPoints) && (await pointsOf(store, run)) > maxRebuildPoints) continue;
      await store.pool.query(`CALL merge_chunks($1::regclass[])`, [run]);
    }
  }
  for (const chunk of await chunkRanges(store)) {
    if (!chunk.compressed) continue;
    const compressed = await compressedChunkOf(store, chunk.name);
    if (!compressed) continue;
    const { batches, needed, points } = await batchCounts(store, compressed);
    if (batches > needed * REBUILD_RATIO && points <= maxRebuildPoints) await rebuild(store, chunk.name);
  }
}

/**
 * Compresses `chunks` oldest first (each rolls into the compressed chunk before it; a chunk
 * that took late writes after compression is recompressed), then consolidates.
 */
async function compressInOrder(store: Store, chunks: readonly ChunkRange[], maxRebuildPoints: number): Promise<number> {
  for (const chunk of chunks) {
    await store.pool.query(`SELECT compress_chunk($1::regclass, if_not_compressed => true)`, [chunk.name]);
  }
  await consolidate(store, maxRebuildPoints);
  return chunks.filter((c) => !c.compressed).length;
}

/** Compresses every uncompressed chunk that ends before `olderThanMinutes` ago; returns how many. */
export async function compressOldChunks(
  store: Store,
  olderThanMinutes = 43_200,
  maxRebuildPoints = SCHEDULED_REBUILD_MAX_POINTS,
): Promise<number> {
  if (!store.timescaledb) return 0;
  const { rows } = await sql<{ now: number }>`SELECT keepa_now() AS now`.execute(store.db);
  const cutoff = rows[0]!.now - olderThanMinutes;
  return compressInOrder(store, (await chunkRanges(store)).filter((c) => c.end <= cutoff), maxRebuildPoints);
}

/** Compresses every chunk regardless of age (tests, benchmarks, archives). */
export async function compressAllChunks(store: Store): Promise<number> {
  if (!store.timescaledb) return 0;
  return compressInOrder(store, await chunkRanges(store), Infinity);
}
