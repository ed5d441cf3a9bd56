import { describe, expect, it } from 'vitest';
import { CSV } from '../src/keepa/csv-type.js';
import { assembleKeepaProduct } from '../src/keepa/product-object.js';
import { readProducts, recordObservations, StoreError, type Observation, type Store } from '../src/store/index.js';
import { serverTestUrl, testEngines, useTestStore, useTwoServerStores } from './helpers/engines.js';

const T0 = 8_000_000;
const ASIN = 'B000000001';

/** A scrape every hour with repeats and out-of-stock gaps (-1). */
const amazonPrices = [1999, 1999, 1799, -1, -1, 1799, 1799, 2099, 2099];
const buyBox: Array<[number, number]> = [[1999, 0], [1999, 0], [1999, 499], [1999, 499], [-1, -1], [-1, -1], [1799, 0], [1799, 0], [1799, 0]];
const sellers = ['ATVPDKIKX0DER', 'ATVPDKIKX0DER', 'A1SELLER', 'A1SELLER', '-2', '-2', 'ATVPDKIKX0DER', 'ATVPDKIKX0DER', 'ATVPDKIKX0DER'];
const ratings = [45, 45, 45, 45, 45, 44, 44, 44, 44];

function scrape(i: number, asin = ASIN): Observation {
  return {
    domainId: 1,
    asin,
    at: T0 + i * 60,
    numeric: [
      { name: `csv:${CSV.AMAZON}`, value: amazonPrices[i]! },
      { name: `csv:${CSV.BUY_BOX_SHIPPING}`, value: buyBox[i]![0], second: buyBox[i]![1] },
      { name: `csv:${CSV.RATING}`, value: ratings[i]! },
    ],
    text: [{ name: 'buyBoxSellerIdHistory', values: [sellers[i]!] }],
    meta: { title: `Product ${asin}`, brand: 'Acme' },
  };
}

const expectedAmazon = [T0, 1999, T0 + 120, 1799, T0 + 180, -1, T0 + 300, 1799, T0 + 420, 2099];
const expectedBuyBox = [T0, 1999, 0, T0 + 120, 1999, 499, T0 + 240, -1, -1, T0 + 360, 1799, 0];
const expectedRating = [T0, 45, T0 + 300, 44];
const expectedSellers = [String(T0), 'ATVPDKIKX0DER', String(T0 + 120), 'A1SELLER', String(T0 + 240), '-2', String(T0 + 360), 'ATVPDKIKX0DER'];

async function exportOf(store: Store, asin = ASIN) {
  const parts = (await readProducts(store, 1, [asin])).get(asin);
  return parts ? assembleKeepaProduct(parts) : undefined;
}

describe.each(testEngines())('change-only recording on $name', (engine) => {
  const db = useTestStore(engine);

  it('records only changed values, one scrape at a time', async () => {
    let written = 0;
    for (let i = 0; i < amazonPrices.length; i++) written += (await recordObservations(db.store, [scrape(i)])).pointsWritten;
    const product = (await exportOf(db.store))!;
    expect(product.csv[CSV.AMAZON]).toEqual(expectedAmazon);
    expect(product.csv[CSV.BUY_BOX_SHIPPING]).toEqual(expectedBuyBox);
    expect(product.csv[CSV.RATING]).toEqual(expectedRating);
    expect(product.buyBoxSellerIdHistory).toEqual(expectedSellers);
    expect(written).toBe(5 + 4 + 2 + 4);
    expect(product.title).toBe(`Product ${ASIN}`);
    expect(product.lastUpdate).toBe(T0 + 480);
    expect(product.trackingSince).toBe(T0);
    // the last price change is the last minute a price series moved
    expect(product.lastPriceChange).toBe(T0 + 420);
  });

  // Each test starts from an empty database (useTestStore): the history it builds on is recorded in it.
  const recordHistory = async () => {
    for (let i = 0; i < amazonPrices.length; i++) await recordObservations(db.store, [scrape(i)]);
  };

  it('writes nothing when the same scrapes are recorded again', async () => {
    await recordHistory();
    const again = await recordObservations(db.store, amazonPrices.map((_, i) => scrape(i)));
    expect(again.pointsWritten).toBe(0);
    expect((await exportOf(db.store))!.csv[CSV.AMAZON]).toEqual(expectedAmazon);
  });

  it('gives the same arrays when a whole batch is recorded in one call', async () => {
    const asin = 'B000000002';
    // shuffled: a batch is applied in time order
    const batch = amazonPrices.map((_, i) => scrape(i, asin)).reverse();
    await recordObservations(db.store, batch);
    const product = (await exportOf(db.store, asin))!;
    expect(product.csv[CSV.AMAZON]).toEqual(expectedAmazon);
    expect(product.csv[CSV.BUY_BOX_SHIPPING]).toEqual(expectedBuyBox);
    expect(product.buyBoxSellerIdHistory).toEqual(expectedSellers);
  });

  it('merges a late observation by time, only if it changes what held then', async () => {
    const asin = 'B000000001';
    await recordHistory();
    // at T0+30 the price in force was 1999: nothing to write
    expect((await recordObservations(db.store, [{ domainId: 1, asin, at: T0 + 30, numeric: [{ name: 'csv:0', value: 1999 }] }])).pointsWritten).toBe(0);
    // at T0+200 it was -1; a late scrape saw 1899 then
    await recordObservations(db.store, [{ domainId: 1, asin, at: T0 + 200, numeric: [{ name: 'csv:0', value: 1899 }] }]);
    const product = (await exportOf(db.store, asin))!;
    expect(product.csv[CSV.AMAZON]).toEqual([T0, 1999, T0 + 120, 1799, T0 + 180, -1, T0 + 200, 1899, T0 + 300, 1799, T0 + 420, 2099]);
  });

  it('keeps the last of two observations of one minute in a call', async () => {
    const asin = 'B000000004';
    const at = (t: number, value: number): Observation => ({ domainId: 1, asin, at: t, numeric: [{ name: 'csv:0', value }] });
    const result = await recordObservations(db.store, [at(T0, 1000), at(T0 + 60, 1100), at(T0 + 60, 1200), at(T0 + 120, 1200)]);
    expect(result.pointsWritten).toBe(2);
    expect((await exportOf(db.store, asin))!.csv[CSV.AMAZON]).toEqual([T0, 1000, T0 + 60, 1200]);
  });

  it('compares a late observation with an earlier one of the same call', async () => {
    const asin = 'B000000005';
    const at = (t: number, value: number): Observation => ({ domainId: 1, asin, at: t, numeric: [{ name: 'csv:0', value }] });
    await recordObservations(db.store, [at(T0, 1000), at(T0 + 600, 2000)]);
    // Both late: the first moves the price at T0+100, the second repeats it at T0+200.
    const late = await recordObservations(db.store, [at(T0 + 200, 1500), at(T0 + 100, 1500)]);
    expect(late.pointsWritten).toBe(1);
    expect((await exportOf(db.store, asin))!.csv[CSV.AMAZON]).toEqual([T0, 1000, T0 + 100, 1500, T0 + 600, 2000]);
  });

  it('rejects a non-integer price with a clear error and writes nothing', async () => {
    const bad: Observation = { domainId: 1, asin: 'B000000003', at: T0, numeric: [{ name: 'csv:0', value: 19.99 }] };
    await expect(recordObservations(db.store, [bad])).rejects.toThrow(StoreError);
    await expect(recordObservations(db.store, [bad])).rejects.toThrow(/integer/);
    expect(await exportOf(db.store, 'B000000003')).toBeUndefined();
  });
});

describe.runIf(serverTestUrl())('concurrent writers on the PostgreSQL server', () => {
  const servers = useTwoServerStores(serverTestUrl()!);

  it('two writers feeding the same observations write every point exactly once', async () => {
    const asins = Array.from({ length: 12 }, (_, i) => `B0000001${String(i).padStart(2, '0')}`);
    // Two workers that scraped the same products at the same minutes: each sends every
    // scrape in time order, in batches of a few products, and they race each other.
    const scrapes = (order: string[]) =>
      amazonPrices.flatMap((_, i) => order.map((asin) => scrape(i, asin)));
    const feed = async (store: Store, sequence: Observation[]) => {
      for (let i = 0; i < sequence.length; i += 5) await recordObservations(store, sequence.slice(i, i + 5));
    };
    await Promise.all([
      feed(servers.stores[0]!, scrapes(asins)),
      feed(servers.stores[1]!, scrapes([...asins].reverse())),
      feed(servers.stores[1]!, scrapes(asins)),
    ]);
    for (const asin of asins) {
      const product = (await exportOf(servers.stores[0]!, asin))!;
      expect(product.csv[CSV.AMAZON], asin).toEqual(expectedAmazon);
      expect(product.csv[CSV.BUY_BOX_SHIPPING], asin).toEqual(expectedBuyBox);
      expect(product.buyBoxSellerIdHistory, asin).toEqual(expectedSellers);
    }
  });
});
