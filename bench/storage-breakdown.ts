// Where the bytes of a compressed hypertable go: TimescaleDB's after_compression_total_bytes
// (heap + TOAST + indexes of the compressed chunks, recorded when each chunk was compressed)
// split into the compressed columns (inline and TOASTed), the _ts_meta_* columns, tuple
// headers and page slack, the TOAST relation's own overhead, the compressed chunks' indexes,
// and what compression leaves behind outside that figure (the emptied uncompressed chunks'
// heaps and indexes). Used by bench/storage.ts and scripts/storage-variants.ts.
import type { Store } from '../src/store/index.js';

export interface BreakdownPart {
  readonly part: string;
  readonly bytes: number;
  /** Counted in after_compression_total_bytes (false: on disk, but outside the figure). */
  readonly counted: boolean;
}

export interface StorageBreakdown {
  readonly points: number;
  readonly batches: number;
  readonly compressedChunks: number;
  /** after_compression_total_bytes as TimescaleDB reports it. */
  readonly afterBytes: number;
  readonly parts: readonly BreakdownPart[];
}

interface ChunkPair {
  readonly uncompressed: string;
  readonly compressed: string;
}

const quote = (schema: string, table: string) => `"${schema}"."${table}"`;

async function chunkPairs(store: Store, hypertable: string): Promise<ChunkPair[]> {
  const { rows } = await store.pool.query<{ s1: string; t1: string; s2: string; t2: string }>(
    `SELECT c1.schema_name AS s1, c1.table_name AS t1, c2.schema_name AS s2, c2.table_name AS t2
     FROM _timescaledb_catalog.chunk c1
     JOIN _timescaledb_catalog.chunk c2 ON c1.compressed_chunk_id = c2.id
     JOIN _timescaledb_catalog.hypertable h ON h.id = c1.hypertable_id
     WHERE h.table_name = $1 AND NOT c1.dropped`,
    [hypertable],
  );
  return rows.map((r) => ({ uncompressed: quote(r.s1, r.t1), compressed: quote(r.s2, r.t2) }));
}

/** Adds `bytes` to the part named `part` (parts keep their first-seen order). */
class Tally {
  readonly parts = new Map<string, BreakdownPart>();
  add(part: string, bytes: number, counted = true): void {
    const old = this.parts.get(part);
    this.parts.set(part, { part, bytes: (old?.bytes ?? 0) + bytes, counted });
  }
}

async function one<T>(store: Store, text: string, values: unknown[] = []): Promise<T> {
  return (await store.pool.query(text, values)).rows[0] as T;
}

async function compressedChunk(store: Store, tally: Tally, table: string): Promise<number> {
  const { rows: columns } = await store.pool.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  // Per column: bytes stored in the heap tuple (inline), and bytes moved out to TOAST.
  const sums = columns.flatMap(({ name }) => [
    `coalesce(sum(pg_column_size("${name}")) FILTER (WHERE pg_column_toast_chunk_id("${name}") IS NULL), 0)::int8`,
    `coalesce(sum(pg_column_size("${name}")) FILTER (WHERE pg_column_toast_chunk_id("${name}") IS NOT NULL), 0)::int8`,
    `count(*) FILTER (WHERE pg_column_toast_chunk_id("${name}") IS NOT NULL)::int8`,
  ]);
  const row = (await store.pool.query({ text: `SELECT count(*)::int8, ${sums.join(', ')} FROM ${table}`, rowMode: 'array' })).rows[0] as number[];
  const batches = row[0]!;
  let inline = 0;
  let toasted = 0;
  let toastedValues = 0;
  columns.forEach(({ name }, i) => {
    const label = name.startsWith('_ts_meta_') ? 'heap: _ts_meta_* columns' : `heap: column ${name} (inline)`;
    tally.add(label, row[1 + 3 * i]!);
    inline += row[1 + 3 * i]!;
    toasted += row[2 + 3 * i]!;
    toastedValues += row[3 + 3 * i]!;
    if (row[2 + 3 * i]! > 0) tally.add(`toast: column ${name} (data)`, row[2 + 3 * i]!);
  });
  // A TOASTed value leaves an 18-byte pointer in the heap tuple (counted with the heap).
  const sizes = await one<{ main: number; fsm: number; vm: number; pages: number; toast: number; toastidx: number }>(
    store,
    `SELECT pg_relation_size(c.oid, 'main') AS main, pg_relation_size(c.oid, 'fsm') AS fsm,
            pg_relation_size(c.oid, 'vm') AS vm, pg_relation_size(c.oid, 'main') / 8192 AS pages,
            coalesce(pg_table_size(nullif(c.reltoastrelid, 0)), 0) AS toast,
            coalesce(pg_indexes_size(nullif(c.reltoastrelid, 0)), 0) AS toastidx
     FROM pg_class c WHERE c.oid = $1::regclass`,
    [table],
  );
  const headers = batches * (24 + 4) + sizes.pages * 24; // tuple header + line pointer, page header
  tally.add('heap: tuple headers + line pointers + page headers', headers);
  tally.add('heap: alignment, toast pointers, free space', sizes.main - inline - headers);
  tally.add('heap: fsm + vm forks', sizes.fsm + sizes.vm);
  tally.add('toast: chunk tuple headers + free space', sizes.toast - toasted);
  tally.add('toast: index', sizes.toastidx);
  tally.add('toast: values moved out (count)', toastedValues, false);
  const { rows: indexes } = await store.pool.query<{ name: string; bytes: number }>(
    `SELECT pg_get_indexdef(i.indexrelid) AS name, pg_relation_size(i.indexrelid) AS bytes FROM pg_index i WHERE i.indrelid = $1::regclass`,
    [table],
  );
  for (const index of indexes) tally.add(`index: ${index.name.replace(/^.* USING /, '').replace(/"?_timescaledb_internal"?\.\S+/, '')}`, index.bytes);
  return batches;
}

export async function storageBreakdown(store: Store, hypertable = 'points'): Promise<StorageBreakdown> {
  const tally = new Tally();
  let batches = 0;
  const pairs = await chunkPairs(store, hypertable);
  for (const pair of pairs) {
    batches += await compressedChunk(store, tally, pair.compressed);
    const left = await one<{ heap: number; indexes: number }>(
      store,
      `SELECT pg_table_size($1::regclass) AS heap, pg_indexes_size($1::regclass) AS indexes`,
      [pair.uncompressed],
    );
    tally.add('not counted: emptied uncompressed chunk heaps', left.heap, false);
    tally.add('not counted: emptied uncompressed chunk indexes', left.indexes, false);
  }
  const stats = await one<{ after: number | null }>(
    store,
    `SELECT after_compression_total_bytes AS after FROM hypertable_compression_stats($1::regclass)`,
    [hypertable],
  );
  const points = await one<{ n: number }>(store, `SELECT count(*)::int8 AS n FROM ${hypertable}`);
  return { points: points.n, batches, compressedChunks: pairs.length, afterBytes: stats?.after ?? 0, parts: [...tally.parts.values()] };
}

/** Markdown table: each part in bytes, bytes per point and bytes per batch. */
export function formatBreakdown(b: StorageBreakdown): string {
  const counted = b.parts.filter((p) => p.counted).reduce((s, p) => s + p.bytes, 0);
  const lines = [
    `${b.points.toLocaleString('en-US')} points, ${b.batches.toLocaleString('en-US')} batches (${(b.points / b.batches).toFixed(1)} points/batch), ${b.compressedChunks} compressed chunks; after_compression_total_bytes ${b.afterBytes.toLocaleString('en-US')} (${(b.afterBytes / b.points).toFixed(3)} bytes/point); parts below sum to ${counted.toLocaleString('en-US')}`,
    '',
    '| part | bytes | bytes/point | bytes/batch |',
    '|---|---:|---:|---:|',
  ];
  for (const p of b.parts) {
    if (p.part.endsWith('(count)')) {
      lines.push(`| ${p.part} | ${p.bytes.toLocaleString('en-US')} values | | |`);
      continue;
    }
    lines.push(`| ${p.part} | ${p.bytes.toLocaleString('en-US')} | ${(p.bytes / b.points).toFixed(3)} | ${(p.bytes / b.batches).toFixed(1)} |`);
  }
  return lines.join('\n');
}
