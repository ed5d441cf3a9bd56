// Import: `pricekeep import`'s path (streamed file → batches → COPY + merge) of real-shaped
// Keepa products, against COPY FROM STDIN of the same points into a bare table of the same
// database. Ratio = COPY time ÷ import time. Target on PostgreSQL: ≥ 0.5×.
// Most points of real histories are older than 30 days and than their series' last 90
// days: they go into one brotli blob per product (point-archive.ts), so the import costs
// parsing and encoding more than index inserts; the rest are rows, COPYed. The note gives
// COPY into a table with points' primary key too (a btree insert and WAL record per row).
// Two batches are written at once on two connections while the next one is parsed.
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productsOfStream, type ProductItem } from '../src/keepa/product-stream.js';
import { dbInfo, importKeepaProducts, type ImportItem, type Store } from '../src/store/index.js';
import type { Benchmark, BenchRow } from './bench-types.js';
import { embeddedDatabase, serverDatabase, type BenchDatabase } from './bench-db.js';
import { copyBaseline, readPoints } from './copy-baseline.js';
import { realShapedProducts } from './keepa-shapes.js';

async function* accepted(items: AsyncIterable<ProductItem>): AsyncGenerator<ImportItem> {
  for await (const item of items) {
    if (item.kind === 'rejected') throw new Error(item.message);
    yield item;
  }
}

async function importFile(store: Store, file: string) {
  const start = performance.now();
  const result = await importKeepaProducts(store, accepted(productsOfStream(createReadStream(file, { highWaterMark: 1 << 20 }))));
  return { ms: performance.now() - start, result };
}

async function measure(database: BenchDatabase, file: string, products: number): Promise<BenchRow> {
  const { store } = database;
  const first = await importFile(store, file);
  const again = await importFile(store, file);
  if (again.result.inserted !== 0 || again.result.updated !== 0) throw new Error('re-import changed points');
  const info = await dbInfo(store);
  const points = await readPoints(store);
  const copyMs = await copyBaseline(store, points);
  const keyedMs = await copyBaseline(store, points, true);
  const ratio = copyMs / first.ms;
  const mb = statSync(file).size / 1e6;
  return {
    name: `import ${database.label} (${products} products)`,
    figure: `${Math.round(info.points / (first.ms / 1000)).toLocaleString('en-US')} points/s`,
    baseline: `${Math.round(points.length / (copyMs / 1000)).toLocaleString('en-US')} rows/s (COPY, bare table)`,
    ratio,
    target: database.label === 'PostgreSQL' ? '≥ 0.5×' : 'report',
    met: database.label === 'PostgreSQL' ? ratio >= 0.5 : null,
    note: `${products} real-shaped products, ${mb.toFixed(0)} MB of JSON, ${info.points.toLocaleString('en-US')} numeric + ${info.textPoints.toLocaleString('en-US')} text points imported in ${(first.ms / 1000).toFixed(2)} s ` +
      `(streamed; ${(100_000).toLocaleString('en-US')}-point transactions, ${database.label === 'PostgreSQL' ? 'two written at once on two connections' : 'one at a time (one PGlite session)'}, while the next batch is parsed; ` +
      `points older than 30 days and than their series' last 90 days into one brotli blob per product (point-codec.ts), the rest of new series COPYed into points in (series, t) order, product rows in one statement per batch); ` +
      `re-import of the same file (0 changes) ${(again.ms / 1000).toFixed(2)} s (a series whose stored points in the history's range hash the same as the file's, md5 on both sides, is not sent again; products whose merged row would not change are not rewritten); ` +
      `baseline COPY FROM STDIN of the same ${points.length.toLocaleString('en-US')} rows into a bare table ${(copyMs / 1000).toFixed(2)} s (into a table with points' primary key: ${(keyedMs / 1000).toFixed(2)} s, ${(copyMs / keyedMs).toFixed(2)}×); ratio = baseline time ÷ import time`,
  };
}

export const importBenchmark: Benchmark = {
  name: 'import',
  async run({ scale, serverUrl, log }): Promise<BenchRow[]> {
    const products = Math.max(10, Math.round(100 * scale));
    const dir = mkdtempSync(join(tmpdir(), 'pricekeep-bench-import-'));
    const file = join(dir, 'products.json');
    try {
      writeFileSync(file, JSON.stringify({ timestamp: 0, products: realShapedProducts(products) }));
      const rows: BenchRow[] = [];
      const engines: Array<() => Promise<BenchDatabase>> = [embeddedDatabase];
      if (serverUrl) engines.push(() => serverDatabase(serverUrl));
      for (const open of engines) {
        const database = await open();
        try {
          log(`import ${database.label}: ${products} products`);
          rows.push(await measure(database, file, products));
        } finally {
          await database.dispose();
        }
      }
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
