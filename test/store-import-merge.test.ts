// A Keepa history imported into series that already hold points (scraped ones, an earlier
// import) must give exactly the rows the import always gave: every stored point kept,
// every Keepa point written, Keepa's value winning at a minute both have. The re-import
// shortcut (series-digest.ts) must never hide a change.
import { describe, expect, it } from 'vitest';
import { splitKeepaProduct, type StoredProductParts } from '../src/keepa/product-object.js';
import { importKeepaProduct, readProducts, recordObservations, type Store } from '../src/store/index.js';
import { testEngines, useTestStore } from './helpers/engines.js';
import { KEEPA_FULL, KEEPA_LATER, keepaFixture } from './helpers/fixtures.js';

const product = keepaFixture(KEEPA_FULL).products[0]!;

/**
 * Every stored point of the product as `name|t` → `value|second` (text: the values), read
 * back through readProducts: rows of `points` and the archive blob (point-archive.ts) alike.
 */
async function storedRows(store: Store, asin: string): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  const stored = (await readProducts(store, 1, [asin])).get(asin);
  if (!stored) return rows;
  for (const [name, points] of stored.numeric) for (const p of points) rows.set(`${name}|${p.t}`, `${p.value}|${p.second ?? '-'}`);
  for (const [name, points] of stored.text) for (const p of points) rows.set(`${name}|${p.t}`, p.values.join(','));
  return rows;
}

/** What the import has always written: the stored rows with Keepa's points laid over them. */
function overlaid(stored: ReadonlyMap<string, string>, parts: StoredProductParts): Map<string, string> {
  const rows = new Map(stored);
  for (const [name, points] of parts.numeric) for (const p of points) rows.set(`${name}|${p.t}`, `${p.value}|${p.second ?? '-'}`);
  for (const [name, points] of parts.text) for (const p of points) rows.set(`${name}|${p.t}`, p.values.join(','));
  return rows;
}

/** `base` with series `slot` of its csv changed by `edit` (a copy of the flat array). */
function withCsv(base: Record<string, any>, slot: number, edit: (flat: number[]) => void): Record<string, any> {
  const csv = base.csv.map((s: number[] | null) => (s ? [...s] : s));
  edit(csv[slot]);
  return { ...base, csv };
}

describe.each(testEngines())('Keepa import into stored series on $name', (engine) => {
  const db = useTestStore(engine);
  const newPrices: number[] = product.csv[1];

  it('keeps scraped points, writes every Keepa point, and Keepa wins at a minute both have', async () => {
    // Scrapes of the NEW price: at a Keepa minute with another value, between two Keepa
    // points, and after Keepa's last one.
    const at = [newPrices[20]!, newPrices[40]! + 1, newPrices[newPrices.length - 2]! + 60];
    for (const [i, minute] of at.entries()) {
      await recordObservations(db.store, [{
        domainId: 1, asin: product.asin, at: minute, numeric: [{ name: 'csv:1', value: 777 + i }], text: [], meta: {},
      }]);
    }
    const before = await storedRows(db.store, product.asin);
    expect(before.size).toBe(3);

    const parts = splitKeepaProduct(product);
    const counts = await importKeepaProduct(db.store, parts);
    const after = await storedRows(db.store, product.asin);
    expect(after).toEqual(overlaid(before, parts));
    expect(after.get(`csv:1|${at[0]}`)).toBe(`${newPrices[21]}|-`);
    expect(after.get(`csv:1|${at[1]}`)).toBe('778|-');
    expect(counts.updated).toBe(1);
    expect(counts.inserted).toBe(after.size - 3);

    // Again: the series with a scraped point inside Keepa's range goes through the merge, the others are skipped; nothing moves.
    expect(await importKeepaProduct(db.store, parts)).toMatchObject({ inserted: 0, updated: 0, unchanged: counts.inserted + counts.updated + counts.unchanged });
    expect(await storedRows(db.store, product.asin)).toEqual(after);
  });

  it('writes a value Keepa changed in the middle of a stored history, and deletes nothing Keepa left out', async () => {
    const parts = splitKeepaProduct(product);
    await importKeepaProduct(db.store, parts);
    const first = await storedRows(db.store, product.asin);

    // BUY_BOX_SHIPPING (time, price, shipping): the shipping of its 100th point changed.
    const edited = withCsv(product, 18, (flat) => (flat[100 * 3 + 2] = flat[100 * 3 + 2]! + 1));
    const changed = splitKeepaProduct(edited);
    expect(await importKeepaProduct(db.store, changed)).toMatchObject({ inserted: 0, updated: 1 });
    const second = await storedRows(db.store, product.asin);
    expect(second).toEqual(overlaid(first, changed));
    const t = product.csv[18][300];
    expect(second.get(`csv:18|${t}`)).toBe(`${product.csv[18][301]}|${product.csv[18][302] + 1}`);

    // RATING without its 10th point: the stored one stays.
    const shorter = splitKeepaProduct(withCsv(edited, 16, (flat) => flat.splice(20, 2)));
    expect(await importKeepaProduct(db.store, shorter)).toMatchObject({ inserted: 0, updated: 0 });
    expect(await storedRows(db.store, product.asin)).toEqual(second);
  });

  it('adds a later capture of the product (every history longer) as the merge would', async () => {
    await importKeepaProduct(db.store, splitKeepaProduct(product));
    const before = await storedRows(db.store, product.asin);
    // A tail cache behind the stored points: the later capture's "new" minutes of this
    // series include stored ones, the COPY fails, the batch goes again through the merge.
    await db.store.pool.query(`UPDATE series SET last_t = last_t - 100000 WHERE name = 'csv:3'`);
    const later = splitKeepaProduct(keepaFixture(KEEPA_LATER).products[0]!);
    const counts = await importKeepaProduct(db.store, later);
    const after = await storedRows(db.store, product.asin);
    expect(after).toEqual(overlaid(before, later));
    expect(counts.inserted).toBe(after.size - before.size);
    expect(counts.inserted).toBeGreaterThan(0);
    expect(await importKeepaProduct(db.store, later)).toMatchObject({ inserted: 0, updated: 0 });
  });

  it('keeps text values exactly, whatever COPY and array literals would read into them', async () => {
    // Each one means something to COPY text (backslash, tab, newline, \N) or to an array
    // literal (quotes, braces, commas, NULL, the empty string).
    const odd = ['a"b', 'back\\slash', 'tab\there', 'line\nbreak', '\\N', 'NULL', '', '{x,y}', 'c,d', 'ü €'];
    const t0 = product.csv[0][0] as number;
    const flat = odd.flatMap((value, i) => [t0 + i, value]);
    const fresh = splitKeepaProduct({ ...product, buyBoxSellerIdHistory: flat });
    await importKeepaProduct(db.store, fresh); // empty series: COPY straight into text_points
    const stored = (await readProducts(db.store, 1, [product.asin])).get(product.asin)!;
    expect(stored.text.get('buyBoxSellerIdHistory')!.map((p) => p.values[0])).toEqual(odd);
    // A later capture with one value changed: the staged merge path.
    const changed = splitKeepaProduct({ ...product, buyBoxSellerIdHistory: flat.map((v, i) => (i === 1 ? 'x\t"y"' : v)) });
    expect(await importKeepaProduct(db.store, changed)).toMatchObject({ inserted: 0, updated: 1 });
    const again = (await readProducts(db.store, 1, [product.asin])).get(product.asin)!;
    expect(again.text.get('buyBoxSellerIdHistory')!.map((p) => p.values[0])).toEqual(['x\t"y"', ...odd.slice(1)]);
  });
});
