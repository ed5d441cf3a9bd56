import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSV } from '../src/keepa/csv-type.js';
import { keepaImage, mapObservation, type MappedObservation } from '../src/keepa/observation-mapping.js';
import { extractProduct } from '../src/scraper/index.js';
import type { MarketplaceTld } from '../src/marketplaces.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';

const AT = 8_080_000;

function observe(path: string, tld: MarketplaceTld, domainId: number): MappedObservation {
  const result = extractProduct(readFileSync(path, 'utf8'), tld);
  if (!result.ok) throw new Error(`fixture did not extract: ${result.error.code}`);
  return mapObservation(result.product, domainId, AT);
}

const value = (o: MappedObservation, name: string) => o.numeric.find((p) => p.name === name);

describe('scraped page → Keepa series', () => {
  it('maps an Amazon-sold page to AMAZON, NEW, buy box, rank, rating and reviews', () => {
    const o = observe(`${SHARED_FIXTURES}amazon/com_product_B00N150YS4.html`, 'com', 1);
    expect(o).toMatchObject({ domainId: 1, asin: 'B00N150YS4', at: AT });
    expect(value(o, `csv:${CSV.AMAZON}`)?.value).toBe(1248);
    expect(value(o, `csv:${CSV.NEW}`)?.value).toBe(1248);
    expect(value(o, `csv:${CSV.BUY_BOX_SHIPPING}`)).toMatchObject({ value: 1248, second: 0 });
    expect(value(o, `csv:${CSV.SALES}`)?.value).toBe(280);
    expect(value(o, `csv:${CSV.RATING}`)?.value).toBe(48);
    expect(value(o, `csv:${CSV.COUNT_REVIEWS}`)?.value).toBe(8249);
    expect(o.meta).toMatchObject({ productType: 0, lastUpdate: AT, lastRatingUpdate: AT });
  });

  it('writes AMAZON -1 when another seller holds the buy box, and keeps its seller id', () => {
    const o = observe(`${SHARED_FIXTURES}amazon/com_product_B07G2L3JMM.html`, 'com', 1);
    expect(value(o, 'csv:0')?.value).toBe(-1);
    expect(value(o, 'csv:1')?.value).toBe(2999);
    expect(value(o, `csv:${CSV.COUNT_NEW}`)?.value).toBe(1);
    expect(value(o, 'salesRanks:3736721')?.value).toBe(11);
    expect(o.text).toEqual([{ name: 'buyBoxSellerIdHistory', values: ['A3EL5JZNMT8SZ7'] }]);
    expect(o.meta.images).toContainEqual({ l: '71mo6NjnxaL.jpg' });
  });

  it('writes -1 for the price series of an out-of-stock page and no seller (-2)', () => {
    const o = observe('fixtures/amazon/com-mx_product_B0MXTEST01.html', 'com.mx', 11);
    expect(value(o, 'csv:0')?.value).toBe(-1);
    expect(value(o, 'csv:1')?.value).toBe(-1);
    expect(value(o, `csv:${CSV.BUY_BOX_SHIPPING}`)).toMatchObject({ value: -1, second: -1 });
    expect(value(o, `csv:${CSV.USED}`)?.value).toBe(849900);
    expect(o.text).toEqual([{ name: 'buyBoxSellerIdHistory', values: ['-2'] }]);
  });

  it('maps list price, coupons and "bought in past month" where shown (yen have no minor digits)', () => {
    const o = observe('fixtures/amazon/co-jp_product_B0JPTEST01.html', 'co.jp', 5);
    expect(value(o, 'csv:0')?.value).toBe(12800);
    expect(value(o, `csv:${CSV.LISTPRICE}`)?.value).toBe(15400);
    expect(value(o, 'couponHistory')).toMatchObject({ value: -10, second: 0 });
    expect(value(o, 'monthlySoldHistory')?.value).toBe(1000);
    expect(o.meta).toMatchObject({ monthlySold: 1000, coupon: [-10, 0] });
  });

  it('never invents values a page does not show', () => {
    const o = observe(`${SHARED_FIXTURES}amazon/de_product_B09GKR43GY.html`, 'de', 3);
    // this page does not say who sells it: no AMAZON point either way
    expect(value(o, 'csv:0')).toBeUndefined();
    expect(value(o, `csv:${CSV.LISTPRICE}`)).toBeUndefined();
    expect(value(o, 'monthlySoldHistory')).toBeUndefined();
  });

  it('turns Amazon image URLs into Keepa image names', () => {
    expect(keepaImage('https://m.media-amazon.com/images/I/614vlOIc8YL._SL1500_.jpg')).toEqual({ l: '614vlOIc8YL.jpg' });
    expect(keepaImage('https://m.media-amazon.com/images/I/41yge5fmwKL.jpg')).toEqual({ l: '41yge5fmwKL.jpg' });
    expect(keepaImage('not an image')).toBeNull();
  });
});
