// A saved Keepa response imported, then read back as of its request the way `export --as-of`
// and GET /product read it: what Keepa knew of its offer fetch (lastOffersUpdate, the buy box
// flags) comes back from the store, not from the histories alone.
import { describe, expect, it } from 'vitest';
import { buyBoxObservationOf, splitKeepaProduct } from '../src/keepa/product-object.js';
import { readSavedResponse } from './golden/saved-response.js';
import { parseStatsParam, type StatsInterval } from '../src/keepa/stats-interval.js';
import { loadKeepaProducts } from '../src/products/product-response.js';
import { latestBuyBox } from '../src/products/product-stats.js';
import { FULL_VIEW } from '../src/products/product-view.js';
import { importKeepaProduct } from '../src/store/index.js';
import { testEngines, useTestStore } from './helpers/engines.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';

const saved = readSavedResponse(`${SHARED_FIXTURES}keepa/more`, '0135048761_us_lu7555212.json')!;
const keepa = saved.product.stats;

describe.each(testEngines())('an imported Keepa response read back on $name', (engine) => {
  const db = useTestStore(engine);

  it('answers lastOffersUpdate, the buy box flags and tradeInPrice as Keepa did', async () => {
    await importKeepaProduct(db.store, splitKeepaProduct(saved.product));
    const { now, statsParam, offers } = saved.request;
    const answer = await loadKeepaProducts(
      db.store,
      { ...FULL_VIEW, offers, domainId: 1, asins: ['0135048761'], stats: parseStatsParam(statsParam, now) as StatsInterval, days: null },
      { now, asOf: true },
    );
    const product = answer.products[0]!;
    const stats = product.stats as Record<string, unknown>;
    expect(stats.lastOffersUpdate).toBe(7555172);
    for (const field of ['buyBoxIsFBA', 'buyBoxIsPrimeEligible', 'buyBoxCondition', 'buyBoxSellerId', 'lastBuyBoxUpdate', 'tradeInPrice']) {
      expect(stats[field], field).toEqual(keepa[field]);
    }
    expect(['salesRankDrops30', 'salesRankDrops365'].map((f) => stats[f])).toEqual([keepa.salesRankDrops30, keepa.salesRankDrops365]);
    // Kept for the stats only: neither is a product field of Keepa's.
    expect('lastOffersUpdate' in product || 'buyBoxObservation' in product).toBe(false);
  });
});

describe('latestBuyBox', () => {
  const parts = splitKeepaProduct(saved.product);
  const observed = buyBoxObservationOf(parts)!;

  it("is Keepa's observation until a later buy box point (a scrape) exists", () => {
    expect(observed.observedAt).toBe(keepa.lastBuyBoxUpdate);
    const product = { ...saved.product, csv: [...saved.product.csv] };
    expect(latestBuyBox(product as never, observed, saved.request.now)).toBe(observed);
    const later = observed.observedAt + 10;
    product.csv[18] = [...(product.csv[18] ?? []), later, 1999, 0];
    expect(latestBuyBox(product as never, observed, later)?.price).toBe(1999);
  });

  it('is not used in a replay before it was made', () => {
    const replay = latestBuyBox(saved.product as never, observed, observed.observedAt - 1);
    expect(replay).not.toBe(observed);
    expect(replay?.isFBA).toBeUndefined(); // the histories do not know it
  });
});
