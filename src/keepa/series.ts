// The flat typed-array view of a csv series that the stats engine walks (the codec of flat
// arrays to points is history-series.ts: decodeNumeric/encodeNumeric).
// Shipping types (7, 18–29, 32) are stride-3 `[t, price, shipping, …]`; their stats use
// the landed price, so the view stores it once instead of recomputing it per window.
import { strideOf } from './csv-type.js';
import { KeepaFormatError } from './history-series.js';
import type { KeepaMinute } from './time.js';

/** `price + max(shipping, 0)` for an offer; a negative price (-1 no offer) stays itself. */
export function landedPrice(price: number, shipping: number): number {
  return price >= 0 ? price + (shipping > 0 ? shipping : 0) : price;
}

/**
 * Column view of a series for the stats windows: `times[k]` and `values[k]` (landed price
 * for shipping types) for k < length. Two allocations per series, none per point.
 */
export interface SeriesView {
  readonly length: number;
  readonly times: Int32Array;
  readonly values: Int32Array;
}

/** View of `flat` up to and including time `until` (points after it are ignored). */
export function viewSeries(csvIndex: number, flat: ReadonlyArray<number>, until: KeepaMinute = Infinity): SeriesView {
  const stride = strideOf(csvIndex);
  const count = Math.floor(flat.length / stride);
  let length = 0;
  while (length < count && flat[length * stride] <= until) length++;
  const times = new Int32Array(length);
  const values = new Int32Array(length);
  for (let k = 0, i = 0; k < length; k++, i += stride) {
    times[k] = flat[i];
    values[k] = stride === 3 ? landedPrice(flat[i + 1], flat[i + 2]) : flat[i + 1];
  }
  return { length, times, values };
}

/** Index of the last point with `times[k] <= t`, or -1 when every point is later. */
export function indexAtOrBefore(view: SeriesView, t: number): number {
  let lo = 0;
  let hi = view.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (view.times[mid] <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The value in force at `t` (landed for shipping types); -1 before the first point. */
export function valueAt(view: SeriesView, t: number): number {
  const k = indexAtOrBefore(view, t);
  return k < 0 ? -1 : view.values[k];
}

/** Drops every point after `asOf` from each series (an `--as-of` replay sees only the past). */
export function truncateCsvAt(
  csv: ReadonlyArray<ReadonlyArray<number> | null>,
  asOf: KeepaMinute,
): Array<number[] | null> {
  return csv.map((flat, csvIndex) => {
    if (flat === null) return null;
    const stride = strideOf(csvIndex);
    let end = 0;
    while (end < flat.length && flat[end] <= asOf) end += stride;
    return end === 0 ? null : flat.slice(0, end);
  });
}
