// The dashboard's list query on real Keepa products: current price, the price 30 days
// back, sorting, filters, paging, and the 90-day sparkline window.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeNumeric } from '../src/keepa/history-series.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { addTracking, importKeepaProduct } from '../src/store/index.js';
import { listProducts, seriesWindows, type ListQuery } from '../src/store/product-list.js';
import { productVersion } from '../src/store/product-version.js';
import { testEngines, useTestStore } from './helpers/engines.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';

const FILES = ['1496849574_us', '0135048761_us', 'B0BSL6P6WJ_jp'];
const raw = (name: string) => JSON.parse(readFileSync(`${SHARED_FIXTURES}keepa/more/${name}.json`, 'utf8'));

/** The value of a flat csv array in force at minute `t` (null before its first point). */
function valueAt(flat: number[], t: number): number | null {
  const points = decodeNumeric('csv:1', flat);
  let value: number | null = null;
  for (const p of points) if (p.t <= t) value = p.value;
  return value;
}

describe.each(testEngines())('dashboard product list on $name', (engine) => {
  const db = useTestStore(engine);
  const now = 7_558_000;
  const query = (extra: Partial<ListQuery> = {}): ListQuery => ({ sort: 'lastChange', descending: true, limit: 50, offset: 0, now, ...extra });

  // The store helper empties the database before each test: every test starts from these.
  beforeEach(async () => {
    for (const name of FILES) await importKeepaProduct(db.store, splitKeepaProduct(raw(name)));
    await addTracking(db.store, 3, ['B07TXRHFYS'], 60); // tracked, never scraped: no product row yet
  });

  it('lists stored and tracked products with current price and the price 30 days back', async () => {
    const { total, rows } = await listProducts(db.store, query());
    expect(total).toBe(4);
    const books = raw('1496849574_us');
    const row = rows.find((r) => r.asin === '1496849574')!;
    // New (csv 1) is the preferred current price when in stock.
    const current = valueAt(books.csv[1], now)!;
    expect(current).toBeGreaterThan(0);
    expect(row.priceSeries).toBe('csv:1');
    expect(row.currentPrice).toBe(current);
    const ago = valueAt(books.csv[1], now - 30 * 1440);
    expect(row.price30DaysAgo).toBe(ago !== null && ago >= 0 ? ago : null);
    expect(row.title).toBe(books.title);
    expect(row.tracked).toBe(false);
    const tracked = rows.find((r) => r.asin === 'B07TXRHFYS')!;
    expect(tracked).toMatchObject({ domainId: 3, tracked: true, productId: null, currentPrice: null, intervalMinutes: 60 });
  });

  it('searches titles and ASINs, filters by marketplace and tracking, sorts and pages', async () => {
    expect((await listProducts(db.store, query({ search: 'modernism' }))).rows.map((r) => r.asin)).toEqual(['1496849574']);
    expect((await listProducts(db.store, query({ search: 'b0bsl6p6wj' }))).rows.map((r) => r.asin)).toEqual(['B0BSL6P6WJ']);
    // LIKE wildcards in the search are literal characters.
    expect((await listProducts(db.store, query({ search: '%' }))).total).toBe(0);
    expect((await listProducts(db.store, query({ domainId: 5 }))).rows.map((r) => r.asin)).toEqual(['B0BSL6P6WJ']);
    expect((await listProducts(db.store, query({ tracked: true }))).rows.map((r) => r.asin)).toEqual(['B07TXRHFYS']);
    expect((await listProducts(db.store, query({ tracked: false }))).total).toBe(3);
    const byPrice = (await listProducts(db.store, query({ sort: 'price', descending: false }))).rows;
    const prices = byPrice.map((r) => r.currentPrice).filter((p) => p !== null) as number[];
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(byPrice.at(-1)!.currentPrice).toBeNull(); // no price: last
    const page = await listProducts(db.store, query({ sort: 'title', descending: false, limit: 2, offset: 2 }));
    expect(page.total).toBe(4);
    expect(page.rows).toHaveLength(2);
    expect((await listProducts(db.store, query({ only: ['5:B0BSL6P6WJ'] }))).rows.map((r) => r.asin)).toEqual(['B0BSL6P6WJ']);
  });

  it('reads a 90-day sparkline window with the value in force at its start', async () => {
    const { rows } = await listProducts(db.store, query({ search: '1496849574' }));
    const from = now - 90 * 1440;
    const windows = await seriesWindows(db.store, [rows[0]!.priceSeriesId!], from);
    const spark = windows.get(rows[0]!.priceSeriesId!)!;
    const points = decodeNumeric('csv:1', raw('1496849574_us').csv[1]);
    const inside = points.filter((p) => p.t >= from);
    expect(spark.t[0]).toBe(from);
    expect(spark.v[0]).toBe(valueAt(raw('1496849574_us').csv[1], from));
    expect(spark.t.slice(-inside.length)).toEqual(inside.map((p) => p.t));
  });

  it('gives a product a new version only when its history changes', async () => {
    const v1 = await productVersion(db.store, 1, '1496849574');
    await importKeepaProduct(db.store, splitKeepaProduct(raw('1496849574_us')));
    expect(await productVersion(db.store, 1, '1496849574')).toBe(v1);
    const later = raw('1496849574_us');
    later.csv[1].push(later.csv[1].at(-2) + 60, 777);
    await importKeepaProduct(db.store, splitKeepaProduct(later));
    expect(await productVersion(db.store, 1, '1496849574')).not.toBe(v1);
    expect(await productVersion(db.store, 1, 'B000000000')).toBeNull();
  });
});
