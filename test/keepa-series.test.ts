import { describe, expect, it } from 'vitest';
import { CSV_TYPE_COUNT, strideOf } from '../src/keepa/csv-type.js';
import { csvSeriesName, decodeNumeric, encodeNumeric, KeepaFormatError } from '../src/keepa/history-series.js';
import {
  indexAtOrBefore,
  landedPrice,
  truncateCsvAt,
  valueAt,
  viewSeries,
} from '../src/keepa/series.js';
import { KEEPA_FULL, KEEPA_LATER, keepaFixture } from './helpers/fixtures.js';

const full = keepaFixture(KEEPA_FULL).products[0];
const later = keepaFixture(KEEPA_LATER).products[0];
const SHIPPING_TYPES = [7, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 32];

// The one codec of flat Keepa arrays (csv slots and every other numeric history), used by
// import, export, the store and the stats input alike.
const codec = {
  decode: (csvIndex: number, flat: readonly unknown[]) => decodeNumeric(csvSeriesName(csvIndex), flat),
  encode: (csvIndex: number, points: Parameters<typeof encodeNumeric>[1]) => encodeNumeric(csvSeriesName(csvIndex), points),
};

describe('decodeNumeric / encodeNumeric on csv series', () => {
  it('round-trips every series of both real Keepa responses', () => {
    let series = 0;
    for (const product of [full, later]) {
      product.csv.forEach((flat: number[] | null, csvIndex: number) => {
        if (flat === null) return;
        const points = codec.decode(csvIndex, flat);
        expect(points).toHaveLength(flat.length / strideOf(csvIndex));
        expect(codec.encode(csvIndex, points)).toEqual(flat);
        series++;
      });
    }
    expect(series).toBe(15 + 11);
  });

  it('reads BUY_BOX_SHIPPING as triples with the shipping kept apart from the price', () => {
    const points = codec.decode(18, full.csv[18]);
    expect(points.slice(-2)).toEqual([
      { t: 8057142, value: 1999, second: 0 },
      { t: 8057266, value: 1499, second: 0 },
    ]);
    expect(points.filter((p) => p.value === -1).every((p) => p.second === -1)).toBe(true);
  });

  it('reads stride-2 series as pairs without a second value', () => {
    const points = codec.decode(3, full.csv[3]);
    expect(points[0]).toEqual({ t: 7208104, value: full.csv[3][1], second: null });
    expect(points.every((p) => p.second === null)).toBe(true);
  });

  it('uses stride 3 exactly for the shipping types and stride 2 for every other csv index', () => {
    const flat3 = [100, 500, 49, 200, -1, -1];
    const flat2 = [100, 500, 200, -1];
    for (let csvIndex = 0; csvIndex < CSV_TYPE_COUNT; csvIndex++) {
      const shipping = SHIPPING_TYPES.includes(csvIndex);
      expect(strideOf(csvIndex)).toBe(shipping ? 3 : 2);
      const flat = shipping ? flat3 : flat2;
      const points = codec.decode(csvIndex, flat);
      expect(points).toEqual(
        shipping
          ? [{ t: 100, value: 500, second: 49 }, { t: 200, value: -1, second: -1 }]
          : [{ t: 100, value: 500, second: null }, { t: 200, value: -1, second: null }],
      );
      expect(codec.encode(csvIndex, points)).toEqual(flat);
      // The other stride's array is ragged or misread: 6 entries are 3 pairs, 4 entries no triples.
      if (shipping) expect(() => codec.decode(csvIndex, flat2)).toThrow(KeepaFormatError);
    }
  });

  it('decodes an empty series to no points and encodes no points to an empty series', () => {
    expect(codec.decode(0, [])).toEqual([]);
    expect(codec.encode(18, [])).toEqual([]);
  });

  it('rejects ragged, non-integer, out-of-range and unsorted arrays', () => {
    expect(() => codec.decode(0, [100, 500, 200])).toThrow(/not a multiple of 2/);
    expect(() => codec.decode(18, [100, 500, 0, 200])).toThrow(/not a multiple of 3/);
    expect(() => codec.decode(0, [100, 5.5])).toThrow(/not integers/);
    expect(() => codec.decode(0, [100, Number.NaN])).toThrow(/not integers/);
    expect(() => codec.decode(0, [100, '5'])).toThrow(/not integers/);
    expect(() => codec.decode(0, [100, 2 ** 31])).toThrow(/not integers/);
    expect(() => codec.decode(0, [200, 1, 100, 2])).toThrow(/not after/);
    expect(() => codec.decode(0, [100, 1, 100, 2])).toThrow(/not after/);
  });

  it('refuses to encode a point whose shipping does not fit the stride', () => {
    expect(() => codec.encode(18, [{ t: 1, value: 100, second: null }])).toThrow(/needs a second/);
    expect(() => codec.encode(0, [{ t: 1, value: 100, second: 0 }])).toThrow(/must not have/);
    expect(() => codec.encode(0, [{ t: 2, value: 1, second: null }, { t: 1, value: 2, second: null }])).toThrow(/not after/);
  });
});

describe('landed price', () => {
  it('adds shipping to an offer price and ignores unknown (-1) shipping', () => {
    expect(landedPrice(1499, 0)).toBe(1499);
    expect(landedPrice(1499, 599)).toBe(2098);
    expect(landedPrice(1499, -1)).toBe(1499);
    expect(landedPrice(0, 250)).toBe(250);
  });

  it('keeps a negative price as it is', () => {
    expect(landedPrice(-1, -1)).toBe(-1);
    expect(landedPrice(-1, 500)).toBe(-1);
    expect(landedPrice(-2, 0)).toBe(-2);
  });

  it('is what the view of a shipping series holds', () => {
    const view = viewSeries(7, [10, 1000, 300, 20, -1, -1, 30, 900, -1]);
    expect([...view.times]).toEqual([10, 20, 30]);
    expect([...view.values]).toEqual([1300, -1, 900]);
  });
});

describe('series view lookups', () => {
  const view = viewSeries(0, [10, 100, 20, -1, 30, 300]);

  it('finds the point in force at a time', () => {
    expect(indexAtOrBefore(view, 9)).toBe(-1);
    expect(indexAtOrBefore(view, 10)).toBe(0);
    expect(indexAtOrBefore(view, 19)).toBe(0);
    expect(indexAtOrBefore(view, 20)).toBe(1);
    expect(indexAtOrBefore(view, 10_000)).toBe(2);
  });

  it('reads -1 before the first point and the last value after the last', () => {
    expect(valueAt(view, 0)).toBe(-1);
    expect(valueAt(view, 15)).toBe(100);
    expect(valueAt(view, 25)).toBe(-1);
    expect(valueAt(view, 99)).toBe(300);
  });

  it('leaves out points after `until`', () => {
    const cut = viewSeries(0, [10, 100, 20, -1, 30, 300], 29);
    expect(cut.length).toBe(2);
    expect(valueAt(cut, 99)).toBe(-1);
    expect(viewSeries(0, [10, 100], 5).length).toBe(0);
  });
});

describe('truncateCsvAt', () => {
  it('drops later points per stride and nulls a series that only starts later', () => {
    const csv = [[10, 1, 20, 2, 30, 3], null, null, [40, 7]];
    csv[18] = [10, 100, 0, 20, 200, 5, 30, 300, 0];
    const cut = truncateCsvAt(csv, 20);
    expect(cut[0]).toEqual([10, 1, 20, 2]);
    expect(cut[1]).toBeNull();
    expect(cut[3]).toBeNull();
    expect(cut[18]).toEqual([10, 100, 0, 20, 200, 5]);
    expect(csv[0]).toEqual([10, 1, 20, 2, 30, 3]);
  });

  it("turns the later Keepa response back into the earlier one's series at the earlier now", () => {
    const cut = truncateCsvAt(later.csv, 8075780);
    for (let i = 0; i < full.csv.length; i++) {
      // 15–18 need the buybox/rating parameters, which only the earlier request sent.
      if (i >= 15 && i <= 18) continue;
      expect(cut[i], `csv[${i}]`).toEqual(full.csv[i]);
    }
    expect(later.csv[3].length).toBeGreaterThan(full.csv[3].length);
  });
});
