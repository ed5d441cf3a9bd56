// The archive run (point-archive.ts, issue 16): rows of `points` before the cutoff move
// into their product's compressed blob (TimescaleDB: whole chunks, then dropped; plain
// PostgreSQL: rows deleted), reads give back exactly the same histories, and a late write
// into archived time is kept as a row, wins over the blob, and is folded in next time.
import { describe, expect, it } from 'vitest';
import { assembleKeepaProduct, splitKeepaProduct } from '../src/keepa/product-object.js';
import { archiveColdPoints, dbInfo, importKeepaProduct, readProducts, recordObservations } from '../src/store/index.js';
import { testEngines, useTestStore } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';

const product = keepaFixture(KEEPA_FULL).products[0]!;
const AS_ROWS = { archiveBefore: -2147483648 };

describe.each(testEngines())('archive run on $name', (engine) => {
  const db = useTestStore(engine);
  const csv = async (asin = product.asin) => assembleKeepaProduct((await readProducts(db.store, 1, [asin])).get(asin)!).csv;

  it('moves every old row into the blob, reads the same histories back, and folds a late write in later', async () => {
    await importKeepaProduct(db.store, splitKeepaProduct(product), AS_ROWS);
    const before = await csv();
    const rows = await dbInfo(db.store);
    expect(rows.archive.points).toBe(0);

    const run = await archiveColdPoints(db.store); // everything is older than 30 days
    expect(run.points).toBe(rows.points);
    const after = await dbInfo(db.store);
    expect(after.points).toBe(rows.points);
    expect(after.archive.points).toBe(rows.points);
    expect(Number((await db.store.pool.query('SELECT count(*) AS n FROM points')).rows[0].n)).toBe(0);
    expect(await csv()).toEqual(before);
    if (db.store.timescaledb) expect(run.droppedChunks).toBeGreaterThan(0);
    // Plain PostgreSQL: the rows were deleted, and the emptied primary key rebuilt (one page).
    else expect(Number((await db.store.pool.query(`SELECT pg_indexes_size('points') AS n`)).rows[0].n)).toBeLessThanOrEqual(8192);

    // A late observation inside archived time: a row, which wins over the blob.
    const prices = product.csv[1]!;
    const t = prices[2]! + 1;
    expect((await recordObservations(db.store, [{ domainId: 1, asin: product.asin, at: t, numeric: [{ name: 'csv:1', value: 4242 }] }])).pointsWritten).toBe(1);
    const late = (await csv())[1]!;
    expect(late.slice(0, 6)).toEqual([...prices.slice(0, 4), t, 4242]);
    const again = await archiveColdPoints(db.store);
    expect(again.points).toBe(1);
    expect((await csv())[1]).toEqual(late);
    expect((await dbInfo(db.store)).archive.points).toBe(rows.points + 1);
    // nothing left to move: a third run changes nothing
    expect((await archiveColdPoints(db.store)).points).toBe(0);
    expect((await csv())[1]).toEqual(late);
  });

  it('an import puts the cold part of each history into the blob; a re-import rewrites nothing', async () => {
    // a product of its own (the test above left its archive behind)
    const other = { ...product, asin: 'B0ARCHIVE2' };
    const before = await dbInfo(db.store);
    const counts = await importKeepaProduct(db.store, splitKeepaProduct(other));
    const info = await dbInfo(db.store);
    expect(info.archive.points - before.archive.points).toBeGreaterThan((info.points - before.points) / 2);
    expect(await csv(other.asin)).toEqual(assembleKeepaProduct(splitKeepaProduct(other)).csv);
    const again = await importKeepaProduct(db.store, splitKeepaProduct(other));
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: counts.inserted + counts.unchanged + counts.updated });
    // the archive run re-encodes the import's fast blob at the best compression, same content,
    await archiveColdPoints(db.store);
    const best = await dbInfo(db.store);
    expect(best.points).toBe(info.points);
    // and moves the rows the import kept (each history's last 90 days) that are older than 30
    expect(best.archive.points).toBeGreaterThanOrEqual(info.archive.points);
    expect(await csv(other.asin)).toEqual(assembleKeepaProduct(splitKeepaProduct(other)).csv);
  });
});
