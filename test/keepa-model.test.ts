import { describe, expect, it } from 'vitest';
import { CSV, CSV_TYPES, strideOf } from '../src/keepa/csv-type.js';
import { DOMAINS, domainForId, parseDomain } from '../src/keepa/domains.js';
import { MARKETPLACE_TLDS } from '../src/marketplaces.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';

describe('csv type table', () => {
  it('numbers the series as Keepa does', () => {
    expect(CSV_TYPES).toHaveLength(36);
    expect([CSV.AMAZON, CSV.NEW, CSV.USED, CSV.SALES, CSV.LISTPRICE]).toEqual([0, 1, 2, 3, 4]);
    expect([CSV.RATING, CSV.COUNT_REVIEWS, CSV.BUY_BOX_SHIPPING, CSV.PRIME_EXCL, CSV.COUNT_NEW_FBM]).toEqual([16, 17, 18, 33, 35]);
  });

  it('marks exactly 7, 18–29 and 32 as [t, price, shipping] triples', () => {
    const triples = CSV_TYPES.filter((t) => t.withShipping).map((t) => t.index);
    expect(triples).toEqual([7, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 32]);
    expect(strideOf(18)).toBe(3);
    expect(strideOf(0)).toBe(2);
  });

  it('knows which series are prices, ranks, counts and ratings', () => {
    const kinds = (kind: string) => CSV_TYPES.filter((t) => t.kind === kind).map((t) => t.index);
    expect(kinds('rank')).toEqual([3]);
    expect(kinds('rating')).toEqual([16]);
    expect(kinds('meta')).toEqual([15]);
    expect(kinds('count')).toEqual([11, 12, 13, 14, 17, 34, 35]);
    expect(kinds('price')).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9, 10, ...Array.from({ length: 16 }, (_, i) => 18 + i)]);
  });

  it('reads every series of the real Keepa response with its stride', () => {
    const csv: Array<number[] | null> = keepaFixture(KEEPA_FULL).products[0]!.csv;
    csv.forEach((series, index) => {
      if (!series) return;
      const stride = strideOf(index);
      expect(series.length % stride, `csv[${index}]`).toBe(0);
      for (let i = stride; i < series.length; i += stride) expect(series[i]!).toBeGreaterThan(series[i - stride]!);
    });
  });
});

describe('domains', () => {
  it("use Keepa's ids for Keepa's marketplaces", () => {
    const ids = Object.fromEntries(DOMAINS.filter((d) => d.keepaNative).map((d) => [d.tld, d.id]));
    expect(ids).toEqual({ com: 1, 'co.uk': 2, de: 3, fr: 4, 'co.jp': 5, ca: 6, it: 8, es: 9, in: 10, 'com.mx': 11, 'com.br': 12 });
  });

  it('give every other ASA marketplace an id outside Keepa’s range', () => {
    expect(DOMAINS.map((d) => d.tld).sort()).toEqual([...MARKETPLACE_TLDS].sort());
    for (const d of DOMAINS.filter((x) => !x.keepaNative)) expect(d.id).toBeGreaterThan(100);
    expect(new Set(DOMAINS.map((d) => d.id)).size).toBe(20);
  });

  it('carry currency and minor-unit digits', () => {
    expect(domainForId(5)).toMatchObject({ currency: 'JPY', minorDigits: 0 });
    expect(domainForId(3)).toMatchObject({ currency: 'EUR', minorDigits: 2 });
    expect(parseDomain('amazon.com.br')).toMatchObject({ id: 12, currency: 'BRL' });
    expect(parseDomain('7')).toBeUndefined(); // cn, retired
    expect(parseDomain('ae')).toMatchObject({ id: 107, currency: 'AED' });
  });
});
