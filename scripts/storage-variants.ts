// Storage variants for issue 16: the storage benchmark's two generators loaded once into
// plain staging tables of one embedded engine, then for each variant a fresh hypertable
// `pv` with that variant's layout and compression settings, filled from staging,
// compressed chunk by chunk in time order (as the scheduler does), and broken down
// (bench/storage-breakdown.ts). Prints bytes/point and points/batch per variant.
//
//   node bin/run-ts.js scripts/storage-variants.ts [--scale 0.1] [--only 'part of a name|…'] [--detail]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, type Store } from '../src/store/index.js';
import { realShaped, synthetic } from '../bench/storage.js';
import { formatBreakdown, storageBreakdown } from '../bench/storage-breakdown.js';

const DAY = 1440;

interface Variant {
  readonly name: string;
  /** Chunk interval in Keepa minutes. */
  readonly chunk: number;
  readonly segmentby?: string;
  readonly orderby?: string;
  /** timescaledb.compress_chunk_time_interval in minutes (rolls chunks up on compression). */
  readonly rollup?: number;
  /** Columns of pv; `second` left out drops it. */
  readonly columns?: string;
  /** Extra SQL after the hypertable exists (fillfactor, index changes…). */
  readonly extra?: string;
  /** Decompress and compress each chunk again at the end: a rollup appends batches, a rebuild merges them. */
  readonly rebuild?: boolean;
  /** SQL after compression (e.g. dropping indexes of the compressed chunks). */
  readonly after?: string;
}

const VARIANTS: Variant[] = [
  { name: 'today: 90-day chunks', chunk: 90 * DAY },
  { name: '1-year chunks', chunk: 365 * DAY },
  { name: '3-year chunks', chunk: 3 * 365 * DAY },
  { name: '20-year chunk (one chunk)', chunk: 20 * 365 * DAY },
  { name: '90-day chunks, rollup 1 year', chunk: 90 * DAY, rollup: 4 * 90 * DAY },
  { name: '90-day chunks, rollup 20 years', chunk: 90 * DAY, rollup: 81 * 90 * DAY },
  { name: '30-day chunks, rollup 20 years', chunk: 30 * DAY, rollup: 243 * 30 * DAY },
  { name: '30-day chunks, rollup 20 years, rebuilt', chunk: 30 * DAY, rollup: 243 * 30 * DAY, rebuild: true },
  { name: '30-day chunks, rollup 5 years, rebuilt', chunk: 30 * DAY, rollup: 60 * 30 * DAY, rebuild: true },
  { name: '30-day chunks, rollup 3 years, rebuilt', chunk: 30 * DAY, rollup: 36 * 30 * DAY, rebuild: true },
  { name: '90-day chunks, rollup 20 years, rebuilt', chunk: 90 * DAY, rollup: 81 * 90 * DAY, rebuild: true },
  { name: '90-day chunks, rollup 5 years, rebuilt', chunk: 90 * DAY, rollup: 20 * 90 * DAY, rebuild: true },
  { name: '30-day chunks, rollup 20 years, rebuilt, no compressed-chunk index', chunk: 30 * DAY, rollup: 243 * 30 * DAY, rebuild: true, after: 'DROP_COMPRESSED_INDEXES' },
  { name: '30-day chunks, rollup 20 years, rebuilt, no second column', chunk: 30 * DAY, rollup: 243 * 30 * DAY, rebuild: true, columns: 'series_id, t, value' },
  { name: '20-year chunk, no segmentby, orderby series_id,t', chunk: 20 * 365 * DAY, segmentby: '', orderby: 'series_id, t' },
  { name: '90-day chunks, no segmentby, orderby series_id,t', chunk: 90 * DAY, segmentby: '', orderby: 'series_id, t' },
];

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.1' },
    only: { type: 'string', default: '' },
    detail: { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
const only = values.only ? values.only.split('|').map((s) => s.trim()) : [];
const log = (line: string) => process.stderr.write(`[variants] ${line}\n`);

async function stage(store: Store, table: string, fill: () => Promise<string>): Promise<string> {
  const what = await fill();
  await store.pool.query(`CREATE TABLE ${table} AS SELECT series_id, t, value, second FROM points`);
  await store.pool.query(`TRUNCATE points`);
  return what;
}

async function chunks(store: Store): Promise<Array<{ c: string }>> {
  const { rows } = await store.pool.query<{ c: string }>(
    `SELECT format('%I.%I', chunk_schema, chunk_name) AS c FROM timescaledb_information.chunks
     WHERE hypertable_name = 'pv' ORDER BY range_start_integer`,
  );
  return rows;
}

async function build(store: Store, v: Variant, staging: string): Promise<void> {
  await store.pool.query('DROP TABLE IF EXISTS pv');
  const columns = v.columns ?? 'series_id, t, value, second';
  const defs = columns.split(', ').map((c) => `${c} integer${c === 'second' ? '' : ' NOT NULL'}`);
  await store.pool.query(`CREATE TABLE pv (${defs.join(', ')}, PRIMARY KEY (series_id, t))`);
  await store.pool.query(`SELECT create_hypertable('pv', by_range('t', ${v.chunk}))`);
  await store.pool.query(`SELECT set_integer_now_func('pv', 'keepa_now')`);
  const settings = [
    'timescaledb.compress',
    `timescaledb.compress_segmentby = '${v.segmentby ?? 'series_id'}'`,
    `timescaledb.compress_orderby = '${v.orderby ?? 't'}'`,
    // On an integer time column TimescaleDB 2.23 reads this setting as an interval and
    // keeps it in microseconds: '1555200' would be 1555200 seconds = 1.5552e12 minutes.
    ...(v.rollup ? [`timescaledb.compress_chunk_time_interval = '${v.rollup} microseconds'`] : []),
  ];
  await store.pool.query(`ALTER TABLE pv SET (${settings.join(', ')})`);
  if (v.extra) await store.pool.query(v.extra);
  await store.pool.query(`INSERT INTO pv (${columns}) SELECT ${columns} FROM ${staging} ORDER BY t`);
  // Oldest first, one statement each: a rollup merges a chunk into the one compressed before it.
  for (const { c } of await chunks(store)) await store.pool.query(`SELECT compress_chunk('${c}', if_not_compressed => true)`);
  if (v.rebuild) {
    const start = performance.now();
    for (const { c } of await chunks(store)) {
      await store.pool.query(`SELECT decompress_chunk('${c}', if_compressed => true)`);
      await store.pool.query(`SELECT compress_chunk('${c}')`);
    }
    log(`${v.name}: rebuilt in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  if (v.after === 'DROP_COMPRESSED_INDEXES') {
    const { rows: indexes } = await store.pool.query<{ i: string }>(
      `SELECT i.indexrelid::regclass::text AS i FROM _timescaledb_catalog.chunk c1
       JOIN _timescaledb_catalog.chunk c2 ON c1.compressed_chunk_id = c2.id
       JOIN pg_index i ON i.indrelid = format('%I.%I', c2.schema_name, c2.table_name)::regclass
       WHERE c1.hypertable_id = (SELECT id FROM _timescaledb_catalog.hypertable WHERE table_name = 'pv')`,
    );
    for (const { i } of indexes) await store.pool.query(`DROP INDEX ${i}`);
    // after_compression_total_bytes was recorded at compression: take the index bytes off it
    await store.pool.query(`UPDATE _timescaledb_catalog.compression_chunk_size SET compressed_index_size = 0
      WHERE chunk_id IN (SELECT id FROM _timescaledb_catalog.chunk WHERE hypertable_id = (SELECT id FROM _timescaledb_catalog.hypertable WHERE table_name = 'pv'))`);
  } else if (v.after) await store.pool.query(v.after);
}

const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-variants-'));
const store = await openStore({ databaseUrl: undefined, dataDir });
try {
  const generators = [
    { label: 'synthetic', table: 'staging_synthetic', what: await stage(store, 'staging_synthetic', () => synthetic(store, Math.max(100, Math.round(20_000 * scale)), 500, log)) },
    { label: 'real-shaped', table: 'staging_real', what: await stage(store, 'staging_real', () => realShaped(store, Math.max(10, Math.round(400 * scale)), log)) },
  ];
  for (const g of generators) log(`${g.label}: ${g.what}`);
  const out: string[] = ['| variant | synthetic bytes/point | points/batch | real-shaped bytes/point | points/batch |', '|---|---:|---:|---:|---:|'];
  for (const v of VARIANTS) {
    if (only.length && !only.some((o) => v.name.includes(o))) continue;
    const cells: string[] = [v.name];
    for (const g of generators) {
      const start = performance.now();
      try {
        await build(store, v, g.table);
        const b = await storageBreakdown(store, 'pv');
        cells.push((b.afterBytes / b.points).toFixed(2), (b.points / b.batches).toFixed(0));
        log(`${v.name} / ${g.label}: ${(b.afterBytes / b.points).toFixed(3)} bytes/point, ${(b.points / b.batches).toFixed(1)} points/batch, ${b.compressedChunks} chunks (${((performance.now() - start) / 1000).toFixed(0)} s)`);
        if (values.detail) process.stdout.write(`\n### ${v.name} / ${g.label}\n\n${formatBreakdown(b)}\n`);
      } catch (error) {
        cells.push(`failed: ${(error as Error).message}`, '-');
        log(`${v.name} / ${g.label}: ${(error as Error).message}`);
      }
    }
    out.push(`| ${cells.join(' | ')} |`);
  }
  process.stdout.write(`\n${out.join('\n')}\n`);
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
