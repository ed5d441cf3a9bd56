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

const untimed = readSavedResponse(`${SHARED_FIXTURES}keepa/more`, 'B09X7MPX8L_us.json')!;

describe.each(testEngines())('an imported buy box that names a seller without a time, read back on $name', (engine) => {
  const db = useTestStore(engine);

  it('answers its seller, Amazon flag and availability as Keepa did (B09X7MPX8L_us.json)', async () => {
    const k = untimed.product.stats;
    expect([k.lastBuyBoxUpdate, k.buyBoxPrice, k.buyBoxSellerId, k.buyBoxIsAmazon, k.buyBoxAvailabilityMessage]).toEqual([null, -2, 'ATVPDKIKX0DER', true, 'In Stock']);
    expect(untimed.product.buyBoxSellerIdHistory ?? []).toEqual([]); // no history could give them back
    await importKeepaProduct(db.store, splitKeepaProduct(untimed.product));
    const { now, statsParam, offers, buyBox } = untimed.request;
    const answer = await loadKeepaProducts(
      db.store,
      { ...FULL_VIEW, buybox: buyBox, offers, domainId: 1, asins: ['B09X7MPX8L'], stats: parseStatsParam(statsParam, now) as StatsInterval, days: null },
      { now, asOf: true },
    );
    const stats = answer.products[0]!.stats as Record<string, unknown>;
    for (const field of ['lastBuyBoxUpdate', 'buyBoxPrice', 'buyBoxShipping', 'buyBoxSellerId', 'buyBoxIsAmazon', 'buyBoxAvailabilityMessage', 'buyBoxIsFBA']) {
      expect(stats[field], field).toEqual(k[field]);
    }
  });
});

describe('latestBuyBox', () => {
  const parts = splitKeepaProduct(saved.product);
  const observed = buyBoxObservationOf(parts)!;

  it("is Keepa's observation until a later buy box point (a scrape) exists", () => {
    expect(observed.observedAt).toBe(keepa.lastBuyBoxUpdate);
    const product = { ...saved.product, csv: [...saved.product.csv] };
    expect(latestBuyBox(product as never, observed, saved.request.now)).toBe(observed);
    const later = observed.observedAt! + 10;
    product.csv[18] = [...(product.csv[18] ?? []), later, 1999, 0];
    expect(latestBuyBox(product as never, observed, later)?.price).toBe(1999);
  });

  it('without a time, dates from lastUpdate and yields to any buy box point (B09X7MPX8L_us.json)', () => {
    const parts2 = splitKeepaProduct(untimed.product);
    const seen = buyBoxObservationOf(parts2)!;
    expect([seen.observedAt, seen.sellerId]).toEqual([null, 'ATVPDKIKX0DER']);
    const lastUpdate = untimed.product.lastUpdate as number;
    expect(latestBuyBox(untimed.product as never, seen, lastUpdate)).toBe(seen);
    expect(latestBuyBox(untimed.product as never, seen, lastUpdate - 1)).toBeNull();
    const scraped = { ...untimed.product, csv: [...untimed.product.csv] };
    scraped.csv[18] = [lastUpdate + 10, 1999, 0];
    expect(latestBuyBox(scraped as never, seen, lastUpdate + 10)?.price).toBe(1999);
    // A response that names no seller keeps no untimed observation.
    const empty = readSavedResponse(`${SHARED_FIXTURES}keepa`, 'product_B0D8W1YVBX_us_empty_stats_interval_aplus.json')!;
    expect(empty.product.stats.lastBuyBoxUpdate).toBeNull();
    expect(buyBoxObservationOf(splitKeepaProduct(empty.product))).toBeNull();
  });

  it('is not used in a replay before it was made', () => {
    const replay = latestBuyBox(saved.product as never, observed, observed.observedAt! - 1);
    expect(replay).not.toBe(observed);
    expect(replay?.isFBA).toBeUndefined(); // the histories do not know it
  });
});
