import { describe, expect, it } from 'vitest';
import { assembleKeepaProduct, splitKeepaProduct } from '../src/keepa/product-object.js';
import { dbInfo, importKeepaProduct, readProducts, type Store } from '../src/store/index.js';
import { testEngines, useTestStore } from './helpers/engines.js';
import { KEEPA_FULL, KEEPA_LATER, keepaFixture, storedFieldsOf } from './helpers/fixtures.js';

const HISTORY_FIELDS = [
  'salesRanks', 'buyBoxSellerIdHistory', 'couponHistory', 'monthlySoldHistory',
  'salesRankReferenceHistory', 'parentAsinHistory', 'reviews',
] as const;

async function exported(store: Store, asin: string) {
  const stored = await readProducts(store, 1, [asin]);
  return assembleKeepaProduct(stored.get(asin)!);
}

describe.each(testEngines())('Keepa import on $name', (engine) => {
  for (const file of [KEEPA_FULL, KEEPA_LATER]) {
    describe(file, () => {
      const db = useTestStore(engine);
      const product = keepaFixture(file).products[0]!;

      it('exports csv arrays identical, point for point, to the file', async () => {
        const first = await importKeepaProduct(db.store, splitKeepaProduct(product));
        expect(first.inserted).toBeGreaterThan(8000);
        const out = await exported(db.store, product.asin);
        expect(out.csv).toEqual(product.csv);
        for (const field of HISTORY_FIELDS) expect(out[field], field).toEqual(product[field]);
        // every other field, metadata included, comes back as Keepa sent it
        expect(out).toEqual(storedFieldsOf(product));
      });

      it('changes nothing when the same file is imported again', async () => {
        await importKeepaProduct(db.store, splitKeepaProduct(product));
        const before = await dbInfo(db.store);
        const again = await importKeepaProduct(db.store, splitKeepaProduct(product));
        expect(again.inserted).toBe(0);
        expect(again.updated).toBe(0);
        const after = await dbInfo(db.store);
        expect([after.products, after.series, after.points, after.textPoints]).toEqual([
          before.products, before.series, before.points, before.textPoints,
        ]);
        expect((await exported(db.store, product.asin)).csv).toEqual(product.csv);
      });
    });
  }

  describe('both captures of the same product', () => {
    const db = useTestStore(engine);

    it('merges the histories by time, keeping every point of both', async () => {
      const later = keepaFixture(KEEPA_LATER).products[0]!;
      const full = keepaFixture(KEEPA_FULL).products[0]!;
      // newest first: the older capture is backfill
      await importKeepaProduct(db.store, splitKeepaProduct(later));
      await importKeepaProduct(db.store, splitKeepaProduct(full));
      const out = await exported(db.store, full.asin);
      out.csv.forEach((series: number[] | null, index: number) => {
        // the later capture extends the earlier one; slots only the earlier one asked for stay
        expect(series, `csv[${index}]`).toEqual(later.csv[index] ?? full.csv[index]);
      });
      expect(out.buyBoxSellerIdHistory).toEqual(full.buyBoxSellerIdHistory);
      // metadata follows the newest capture
      expect(out.lastUpdate).toBe(later.lastUpdate);
    });
  });
});
