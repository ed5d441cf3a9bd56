// Schema 050 and compressOldChunks on the embedded TimescaleDB (issue 16): old chunks roll
// into rollup-sized compressed chunks whose batches hold each series' points in as few
// batches as the 1,000-point limit allows; the newest chunk stays an ordinary one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assembleKeepaProduct, splitKeepaProduct, type StoredProductParts } from '../src/keepa/product-object.js';
import {
  compressAllChunks, compressOldChunks, importKeepaProduct, listMigrations, migrate, openStore, readProducts, recordObservations,
  type Store,
} from '../src/store/index.js';
import { mergeRuns } from '../src/store/compression.js';
import { keepaFixture } from './helpers/fixtures.js';

const ROLLUP = 10_497_600; // schema 050: 81 chunks of 90 days
// a real product with ~10 years of history (the files of more/ hold the product object itself)
const product = keepaFixture('more/0135048761_us.json') as Record<string, any>;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-compression-'));
  dirs.push(dataDir);
  return dataDir;
}

function open(dataDir: string, migrations = true): Promise<Store> {
  return openStore({ databaseUrl: undefined, dataDir }, { migrate: migrations });
}

const freshStore = () => open(newDataDir());

interface Layout {
  readonly chunks: number;
  readonly compressed: number;
  readonly batches: number;
  /** Batches a rebuild would leave: per compressed chunk and series, ceil(points / 1000). */
  readonly needed: number;
}

async function layout(store: Store): Promise<Layout> {
  const { rows: chunks } = await store.pool.query<{ compressed: boolean; inner: string | null }>(
    `SELECT c1.compressed_chunk_id IS NOT NULL AS compressed, CASE WHEN c2.id IS NOT NULL THEN format('%I.%I', c2.schema_name, c2.table_name) END AS inner
     FROM _timescaledb_catalog.chunk c1 LEFT JOIN _timescaledb_catalog.chunk c2 ON c1.compressed_chunk_id = c2.id
     WHERE c1.hypertable_id = (SELECT id FROM _timescaledb_catalog.hypertable WHERE table_name = 'points') AND NOT c1.dropped`,
  );
  let batches = 0;
  let needed = 0;
  for (const { inner } of chunks.filter((c) => c.compressed)) {
    const { rows } = await store.pool.query<{ b: number; n: number }>(
      `SELECT sum(b)::int AS b, sum(ceil(n / 1000.0))::int AS n FROM (SELECT count(*) AS b, sum(_ts_meta_count) AS n FROM ${inner} GROUP BY series_id) s`,
    );
    batches += Number(rows[0]!.b);
    needed += Number(rows[0]!.n);
  }
  return { chunks: chunks.length, compressed: chunks.filter((c) => c.compressed).length, batches, needed };
}

/** The product's numeric points as rows of `points`, by plain SQL (a schema of before 052). */
async function insertAsRows(store: Store, parts: StoredProductParts): Promise<void> {
  const { rows: [{ id }] } = await store.pool.query<{ id: number }>(
    'INSERT INTO products (domain_id, asin) VALUES ($1, $2) RETURNING id', [parts.domainId, parts.asin]);
  for (const [name, points] of parts.numeric) {
    const { rows: [series] } = await store.pool.query<{ id: number }>('INSERT INTO series (product_id, name) VALUES ($1, $2) RETURNING id', [id, name]);
    await store.pool.query(
      'INSERT INTO points (series_id, t, value, second) SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[])',
      [series!.id, points.map((p) => p.t), points.map((p) => p.value), points.map((p) => p.second)]);
  }
}

async function readCsv(store: Store): Promise<Array<number[] | null>> {
  return assembleKeepaProduct((await readProducts(store, 1, [product.asin])).get(product.asin)!).csv;
}

/** Imported history kept as rows of `points` (no archive blob): what TimescaleDB compression works on. */
const AS_ROWS = { archiveBefore: -2147483648 };

describe('point compression (schema 050, compressOldChunks)', () => {
  it('sets a ~20-year rollup of compressed chunks in Keepa minutes, keeping 90-day chunks', async () => {
    const store = await freshStore();
    try {
      const { rows } = await store.pool.query<{ chunk: number; rollup: number }>(
        `SELECT d.interval_length AS chunk, d.compress_interval_length AS rollup FROM _timescaledb_catalog.dimension d
         JOIN _timescaledb_catalog.hypertable h ON h.id = d.hypertable_id WHERE h.table_name = 'points'`,
      );
      expect(rows).toEqual([{ chunk: 129_600, rollup: ROLLUP }]);
    } finally {
      await store.close();
    }
  });

  it('rolls old chunks into one compressed chunk per rollup and rebuilds each series into full batches', async () => {
    const store = await freshStore();
    try {
      await importKeepaProduct(store, splitKeepaProduct(product), AS_ROWS);
      const csv = await readCsv(store);
      const before = await layout(store);
      expect(before.chunks).toBeGreaterThan(5);
      await compressAllChunks(store);
      const after = await layout(store);
      expect(after.compressed).toBe(after.chunks);
      expect(after.chunks).toBeLessThan(before.chunks / 5);
      expect(after.batches).toBe(after.needed);
      expect(await readCsv(store)).toEqual(csv);
    } finally {
      await store.close();
    }
  });

  it('leaves a chunk above the daily run\'s rebuild limit merged but not rebuilt; --compress-all rebuilds it', async () => {
    const store = await freshStore();
    try {
      await importKeepaProduct(store, splitKeepaProduct(product), AS_ROWS);
      const csv = await readCsv(store);
      const before = await layout(store);
      await compressOldChunks(store, 0, 1); // a limit of one point: every chunk is "too big"
      const daily = await layout(store);
      expect(daily.chunks).toBeLessThan(before.chunks / 5);
      expect(daily.batches).toBeGreaterThan(daily.needed * 1.25);
      expect(await readCsv(store)).toEqual(csv);
      await compressAllChunks(store);
      const rebuilt = await layout(store);
      expect(rebuilt.batches).toBe(rebuilt.needed);
      expect(await readCsv(store)).toEqual(csv);
    } finally {
      await store.close();
    }
  });

  it("consolidates an existing database's 90-day compressed chunks once schema 050 is applied", async () => {
    // a database of before 050, its chunks compressed the old way
    const dataDir = newDataDir();
    const all = listMigrations();
    const first = await open(dataDir, false);
    await migrate(first.pool, all.filter((f) => f.name < '050')).finally(() => first.close());
    const old = await open(dataDir, false);
    let csv: Array<number[] | null>;
    let before: Layout;
    try {
      // rows as the code of then wrote them (today's import needs schema 052)
      const parts = splitKeepaProduct(product);
      await insertAsRows(old, parts);
      csv = assembleKeepaProduct({ ...parts, text: new Map() }).csv;
      await compressAllChunks(old);
      before = await layout(old);
      expect(before.compressed).toBe(before.chunks);
    } finally {
      await old.close();
    }
    // the upgrade applies 050; the next compression run consolidates
    const store = await open(dataDir);
    try {
      expect(store.migrations.applied).toContain('050_points_compression.timescaledb.sql');
      await compressOldChunks(store);
      const after = await layout(store);
      expect(after.chunks).toBeLessThan(before.chunks / 5);
      expect(after.batches).toBe(after.needed);
      expect(after.batches).toBeLessThan(before.batches / 5);
      expect(await readCsv(store)).toEqual(csv);
    } finally {
      await store.close();
    }
  });

  it('leaves the newest chunk uncompressed and takes change-only writes into compressed chunks', async () => {
    const store = await freshStore();
    try {
      await importKeepaProduct(store, splitKeepaProduct(product), AS_ROWS);
      const { rows } = await store.pool.query<{ now: number }>('SELECT keepa_now() AS now');
      const now = rows[0]!.now;
      const scrape = (at: number, value: number) =>
        recordObservations(store, [{ domainId: 1, asin: product.asin, at, numeric: [{ name: 'csv:1', value }] }]);
      expect((await scrape(now, 4321)).pointsWritten).toBe(1);
      await compressOldChunks(store);
      const { rows: newest } = await store.pool.query<{ compressed: boolean }>(
        `SELECT is_compressed AS compressed FROM timescaledb_information.chunks
         WHERE hypertable_name = 'points' AND range_start_integer <= $1 AND range_end_integer > $1`,
        [now],
      );
      expect(newest).toEqual([{ compressed: false }]);
      expect((await layout(store)).compressed).toBeGreaterThan(0);
      // a late scrape inside the compressed history: compared with the compressed point in force then
      const history = product.csv[1]! as number[];
      const [t, price] = [history[2]!, history[3]!];
      expect((await scrape(t + 1, price)).pointsWritten).toBe(0);
      expect((await scrape(t + 1, price + 1)).pointsWritten).toBe(1);
      const stored = (await readCsv(store))[1]!;
      expect(stored.slice(0, 6)).toEqual([...history.slice(0, 4), t + 1, price + 1]);
      // the next run recompresses the chunk that took the late point; nothing is lost
      await compressOldChunks(store);
      expect((await readCsv(store))[1]).toEqual(stored);
    } finally {
      await store.close();
    }
  });
});

describe('mergeRuns', () => {
  const chunk = (name: string, start: number, end: number, compressed = true) => ({ name, start, end, compressed });

  it('groups adjacent compressed chunks that fit one rollup interval', () => {
    const chunks = [chunk('a', 0, 10), chunk('b', 10, 20), chunk('c', 20, 30), chunk('d', 30, 40), chunk('e', 40, 50)];
    expect(mergeRuns(chunks, 30)).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  });

  it('breaks a run at a gap and at an uncompressed chunk', () => {
    const chunks = [chunk('a', 0, 10), chunk('b', 20, 30), chunk('c', 30, 40), chunk('d', 40, 50, false), chunk('e', 50, 60)];
    expect(mergeRuns(chunks, 100)).toEqual([['b', 'c']]);
  });
});
