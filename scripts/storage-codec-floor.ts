// How small TimescaleDB's compressed columns could get (issue 16): real-shaped products in
// one 20-year chunk (batches as long as the data allows), then per point the bytes of the
// compressed t and value datums as stored, the same datums deflated (what entropy coding
// on top would still take off), whether PostgreSQL's TOAST compression (pglz, the only one
// in the embedded build) takes any of them, and for comparison plain per-series
// delta+varint with and without deflate.
//
//   node bin/run-ts.js scripts/storage-codec-floor.ts [--products 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { openStore } from '../src/store/index.js';
import { realShaped } from '../bench/storage.js';

const { values } = parseArgs({ options: { products: { type: 'string', default: '10' } } });
const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-floor-'));
const store = await openStore({ databaseUrl: undefined, dataDir });
const q = (text: string) => store.pool.query(text);
const deflated = (bytes: Uint8Array) => deflateRawSync(bytes, { level: 9 }).length;

function zigzagVarint(x: number, out: number[]): void {
  let z = x >= 0 ? x * 2 : -x * 2 - 1;
  while (z >= 128) {
    out.push((z % 128) | 128);
    z = Math.floor(z / 128);
  }
  out.push(z);
}

try {
  await realShaped(store, Number(values.products), () => {});
  await q(`CREATE TABLE staging AS SELECT * FROM points`);
  await q(`CREATE TABLE pf (LIKE points INCLUDING ALL)`);
  await q(`SELECT create_hypertable('pf', by_range('t', 20 * 525600))`);
  await q(`ALTER TABLE pf SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 't')`);
  await q(`INSERT INTO pf SELECT * FROM staging`);
  await q(`SELECT compress_chunk(c) FROM show_chunks('pf') c`);
  const { rows: [{ name }] } = await q(
    `SELECT format('%I.%I', c2.schema_name, c2.table_name) AS name FROM _timescaledb_catalog.chunk c1
     JOIN _timescaledb_catalog.chunk c2 ON c1.compressed_chunk_id = c2.id
     JOIN _timescaledb_catalog.hypertable h ON h.id = c1.hypertable_id WHERE h.table_name = 'pf'`,
  );
  const { rows: batches } = await q(
    `SELECT _timescaledb_functions.compressed_data_send(t) AS t, _timescaledb_functions.compressed_data_send(value) AS v,
            _ts_meta_count AS n FROM ${name}`,
  );
  let points = 0, t = 0, tz = 0, v = 0, vz = 0;
  for (const b of batches) {
    points += b.n;
    t += b.t.length;
    tz += deflated(b.t);
    v += b.v.length;
    vz += deflated(b.v);
  }
  // TOAST's own compression: the same datums in a bytea column that TOAST may compress
  await q(`CREATE TABLE toasted (b bytea) WITH (toast_tuple_target = 128)`);
  await q(`ALTER TABLE toasted ALTER b SET STORAGE EXTENDED`);
  await q(`INSERT INTO toasted SELECT _timescaledb_functions.compressed_data_send(t) FROM ${name}
           UNION ALL SELECT _timescaledb_functions.compressed_data_send(value) FROM ${name}`);
  const { rows: [toast] } = await q(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE pg_column_compression(b) IS NOT NULL)::int AS compressed,
            (SELECT setting FROM pg_settings WHERE name = 'default_toast_compression') AS method FROM toasted`,
  );
  const { rows: series } = await q(`SELECT array_agg(t ORDER BY t) AS ts, array_agg(value ORDER BY t) AS vs FROM staging GROUP BY series_id`);
  let varint = 0, varintZ = 0;
  for (const s of series) {
    const out: number[] = [];
    for (let i = 0; i < s.ts.length; i++) {
      zigzagVarint(s.ts[i] - (i ? s.ts[i - 1] : 0), out);
      zigzagVarint(s.vs[i] - (i ? s.vs[i - 1] : 0), out);
    }
    varint += out.length;
    varintZ += deflated(Uint8Array.from(out));
  }
  const f = (bytes: number) => (bytes / points).toFixed(2);
  process.stdout.write(
    `${points.toLocaleString('en-US')} points in ${batches.length.toLocaleString('en-US')} batches (${(points / batches.length).toFixed(0)} per batch)\n` +
      `TimescaleDB compressed datums: t ${f(t)} + value ${f(v)} = ${f(t + v)} bytes/point\n` +
      `  deflate -9 of the same datums: t ${f(tz)} + value ${f(vz)} = ${f(tz + vz)}\n` +
      `  TOAST ${toast.method}: ${toast.compressed} of ${toast.n} datums compressed\n` +
      `plain per-series delta+varint of (t, value): ${f(varint)}; deflated: ${f(varintZ)}\n`,
  );
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
