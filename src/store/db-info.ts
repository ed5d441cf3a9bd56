// What `pricekeep db` reports: engine, TimescaleDB, counts, size, compression.
import { sql } from 'kysely';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from './database.js';

export interface DbInfo {
  readonly engine: string;
  readonly timescaledb: string | null;
  readonly products: number;
  readonly series: number;
  /** Numeric points: rows of `points` and archived ones. */
  readonly points: number;
  readonly textPoints: number;
  /** The cold history (point-archive.ts): products with a blob, the points and bytes the blobs hold (table, TOAST, index). */
  readonly archive: { readonly products: number; readonly points: number; readonly bytes: number };
  /** Every byte numeric points take: the rows of `points` (each chunk, compressed or not, with indexes) and the archive. */
  readonly pointBytes: number;
  readonly databaseBytes: number;
  /** Bytes of the embedded data directory on disk (null in server mode). */
  readonly dataDirBytes: number | null;
  readonly compression: {
    readonly enabled: boolean;
    readonly chunks: number;
    readonly compressedChunks: number;
    readonly bytesBefore: number | null;
    readonly bytesAfter: number | null;
  } | null;
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return total;
}

export async function dbInfo(store: Store): Promise<DbInfo> {
  const rowBytes = store.timescaledb ? sql`hypertable_size('points')` : sql`pg_total_relation_size('points')`;
  const counts = await sql<{
    products: number; series: number; points: number; text_points: number; bytes: number;
    archived_products: number; archived_points: number; archive_bytes: number; row_bytes: number;
  }>`
    SELECT (SELECT count(*) FROM products)::int8 AS products, (SELECT count(*) FROM series)::int8 AS series,
           (SELECT count(*) FROM points)::int8 AS points, (SELECT count(*) FROM text_points)::int8 AS text_points,
           (SELECT count(*) FROM point_archive)::int8 AS archived_products,
           (SELECT coalesce(sum(points), 0) FROM point_archive)::int8 AS archived_points,
           pg_total_relation_size('point_archive') AS archive_bytes, coalesce(${rowBytes}, 0)::int8 AS row_bytes,
           pg_database_size(current_database()) AS bytes`.execute(store.db);
  const c = Object.fromEntries(Object.entries(counts.rows[0]!).map(([k, v]) => [k, Number(v)])) as Record<keyof typeof counts.rows[0], number>;
  let compression: DbInfo['compression'] = null;
  if (store.timescaledb) {
    const h = await sql<{ compression_enabled: boolean }>`
      SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_name = 'points'`.execute(store.db);
    const s = await sql<{ total: number; compressed: number; before: number | null; after: number | null }>`
      SELECT total_chunks AS total, number_compressed_chunks AS compressed,
             before_compression_total_bytes AS before, after_compression_total_bytes AS after
      FROM hypertable_compression_stats('points')`.execute(store.db);
    const stats = s.rows[0];
    compression = {
      enabled: h.rows[0]?.compression_enabled ?? false,
      chunks: stats?.total ?? 0,
      compressedChunks: stats?.compressed ?? 0,
      bytesBefore: stats?.before ?? null,
      bytesAfter: stats?.after ?? null,
    };
  }
  return {
    engine: store.engine === 'embedded' ? 'embedded TimescaleDB (PGlite)' : 'server',
    timescaledb: store.timescaledb,
    products: c.products,
    series: c.series,
    points: c.points + c.archived_points,
    textPoints: c.text_points,
    archive: { products: c.archived_products, points: c.archived_points, bytes: c.archive_bytes },
    pointBytes: c.row_bytes + c.archive_bytes,
    databaseBytes: c.bytes,
    dataDirBytes: store.dataDir ? directoryBytes(store.dataDir) : null,
    compression,
  };
}
