// Names and shapes of every history a Keepa product carries, so that the store can keep
// each one as a series of points and the product object can be rebuilt exactly.
//
// Numeric series (int values, stored in the points hypertable):
//   csv:<i>                  product.csv[i]; stride 3 for *_SHIPPING types
//   salesRanks:<categoryId>  product.salesRanks[categoryId]
//   monthlySoldHistory       [t, sold, …]
//   couponHistory            [t, oneTime, subscribeAndSave, …] (stride 3)
//   reviews.ratingCount / reviews.reviewCount
// Text series (values kept as text; Keepa sends some of them as JSON strings):
//   buyBoxSellerIdHistory, parentAsinHistory ([t, value] all strings),
//   buyBoxUsedHistory ([t, seller, condition, isFBA] all strings),
//   salesRankReferenceHistory ([t, categoryId] numbers beyond int32).
import { strideOf } from './csv-type.js';
import type { KeepaMinute } from './time.js';

export type NumericSeriesName =
  | `csv:${number}`
  | `salesRanks:${string}`
  | 'monthlySoldHistory'
  | 'couponHistory'
  | 'reviews.ratingCount'
  | 'reviews.reviewCount';

export type TextSeriesName =
  | 'buyBoxSellerIdHistory'
  | 'parentAsinHistory'
  | 'buyBoxUsedHistory'
  | 'salesRankReferenceHistory';

export type SeriesName = NumericSeriesName | TextSeriesName;

/** One point of a numeric series; `second` is the shipping (csv) or subscribe-and-save coupon. */
export interface NumericPoint {
  readonly t: KeepaMinute;
  readonly value: number;
  readonly second: number | null;
}

/** One point of a text series: the entries after the timestamp. */
export interface TextPoint {
  readonly t: KeepaMinute;
  readonly values: readonly string[];
}

export const TEXT_SERIES: Readonly<Record<TextSeriesName, { stride: number; json: 'string' | 'number' }>> = {
  buyBoxSellerIdHistory: { stride: 2, json: 'string' },
  parentAsinHistory: { stride: 2, json: 'string' },
  buyBoxUsedHistory: { stride: 4, json: 'string' },
  salesRankReferenceHistory: { stride: 2, json: 'number' },
};

export function isTextSeries(name: string): name is TextSeriesName {
  return Object.hasOwn(TEXT_SERIES, name);
}

export function csvSeriesName(index: number): NumericSeriesName {
  return `csv:${index}`;
}

/** csv index of a `csv:<i>` name, else undefined. */
export function csvIndexOf(name: string): number | undefined {
  return name.startsWith('csv:') ? Number(name.slice(4)) : undefined;
}

export function numericStride(name: NumericSeriesName): 2 | 3 {
  const csvIndex = csvIndexOf(name);
  if (csvIndex !== undefined) return strideOf(csvIndex);
  return name === 'couponHistory' ? 3 : 2;
}

export class KeepaFormatError extends Error {
  override readonly name = 'KeepaFormatError';
}

function isInt32(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -2147483648 && (value as number) <= 2147483647;
}

/** Flat `[t, v, (s), …]` array → points, checking shape, integers and ascending unique times. */
export function decodeNumeric(name: NumericSeriesName, flat: readonly unknown[]): NumericPoint[] {
  const stride = numericStride(name);
  if (flat.length % stride !== 0) {
    throw new KeepaFormatError(`${name}: length ${flat.length} is not a multiple of ${stride}`);
  }
  const points: NumericPoint[] = [];
  let previous = -Infinity;
  for (let i = 0; i < flat.length; i += stride) {
    const t = flat[i];
    const value = flat[i + 1];
    const second = stride === 3 ? flat[i + 2] : null;
    if (!isInt32(t) || !isInt32(value) || (second !== null && !isInt32(second))) {
      throw new KeepaFormatError(`${name}: entry ${i / stride} is not integers: ${JSON.stringify(flat.slice(i, i + stride))}`);
    }
    if (t <= previous) throw new KeepaFormatError(`${name}: time ${t} at entry ${i / stride} is not after ${previous}`);
    previous = t;
    points.push({ t, value, second });
  }
  return points;
}

/** Inverse of decodeNumeric; refuses points that do not fit the series' stride or order. */
export function encodeNumeric(name: NumericSeriesName, points: readonly NumericPoint[]): number[] {
  const stride = numericStride(name);
  const flat: number[] = [];
  let previous = -Infinity;
  for (const p of points) {
    if ((p.second !== null) !== (stride === 3)) {
      throw new KeepaFormatError(`${name} is stride ${stride}: point at ${p.t} ${stride === 3 ? 'needs' : 'must not have'} a second value`);
    }
    if (p.t <= previous) throw new KeepaFormatError(`${name}: time ${p.t} is not after ${previous}`);
    previous = p.t;
    flat.push(p.t, p.value);
    if (stride === 3) flat.push(p.second!);
  }
  return flat;
}

export function decodeText(name: TextSeriesName, flat: readonly unknown[]): TextPoint[] {
  const { stride } = TEXT_SERIES[name];
  if (flat.length % stride !== 0) {
    throw new KeepaFormatError(`${name}: length ${flat.length} is not a multiple of ${stride}`);
  }
  const points: TextPoint[] = [];
  let previous = -Infinity;
  for (let i = 0; i < flat.length; i += stride) {
    const t = Number(flat[i]);
    const values = flat.slice(i + 1, i + stride);
    if (!isInt32(t) || values.some((v) => typeof v !== 'string' && typeof v !== 'number')) {
      throw new KeepaFormatError(`${name}: entry ${i / stride} is malformed: ${JSON.stringify(flat.slice(i, i + stride))}`);
    }
    if (t <= previous) throw new KeepaFormatError(`${name}: time ${t} at entry ${i / stride} is not after ${previous}`);
    previous = t;
    points.push({ t, values: values.map(String) });
  }
  return points;
}

export function encodeText(name: TextSeriesName, points: readonly TextPoint[]): Array<string | number> {
  const asNumber = TEXT_SERIES[name].json === 'number';
  const flat: Array<string | number> = [];
  for (const p of points) {
    flat.push(asNumber ? p.t : String(p.t));
    for (const v of p.values) flat.push(asNumber ? Number(v) : v);
  }
  return flat;
}
