// Window statistics over one series view, as keepa-semantics.md "Stats" defines them.
// A series is a step function: point k covers [times[k], times[k+1]), the last one
// [times[last], now). Every function is O(log n + points in the window), allocation-free
// except for its small result.
import { indexAtOrBefore, type SeriesView } from './series.js';
import type { KeepaMinute } from './time.js';

/** `[time, value]` of an extreme; Keepa's JSON shape. */
export type ExtremePoint = [KeepaMinute, number];

export interface Extremes {
  readonly min: ExtremePoint;
  readonly max: ExtremePoint;
}

/**
 * Keepa's weighted-mean accumulator starts at -1 and is only seeded with a value when the
 * window opens on one, so a window whose first counted minute comes after its start reads
 * (Σ v·Δt − 1) / ΣΔt: one unit low on a constant series (csv 8 avg30, csv 33 avg365 in the
 * stats180 fixture). That holds also when the window opens before the series' first point
 * (LISTPRICE avg365 of 184297291X_us.json: 11998 for a constant 11999), except in a series
 * of one point, which covers the whole window (its RATING and BUY_BOX_USED_SHIPPING).
 */
export const KEEPA_ACCUMULATOR_START = -1;

/**
 * Time-weighted mean of the values >= 0 over [start, end), end clamped to `now` and start
 * to the first point; -1 when no qualifying minute lies in the window. `accumulatorStart`
 * 0 gives the plain floor of the mean; the default reproduces Keepa.
 */
export function weightedMean(
  view: SeriesView,
  start: number,
  end: number,
  now: KeepaMinute,
  accumulatorStart = KEEPA_ACCUMULATOR_START,
): number {
  if (view.length === 0) return -1;
  const { times, values, length } = view;
  const from = Math.max(start, times[0]);
  const to = Math.min(end, now);
  if (from >= to) return -1;
  let sum = 0;
  let minutes = 0;
  for (let k = indexAtOrBefore(view, from); k < length && times[k] < to; k++) {
    const v = values[k];
    if (v < 0) continue;
    const segStart = times[k] > from ? times[k] : from;
    const next = k + 1 < length ? times[k + 1] : now;
    const segEnd = next < to ? next : to;
    if (segEnd <= segStart) continue;
    if (minutes === 0 && segStart > (length > 1 ? start : from)) sum = accumulatorStart;
    sum += v * (segEnd - segStart);
    minutes += segEnd - segStart;
  }
  return minutes === 0 ? -1 : Math.floor(sum / minutes);
}

/**
 * Lowest and highest value over [start, end); negative values (-1: no offer) never count.
 * Points inside compete with their own time, the point in force at `start` with `start` as
 * its time, except in a series of exactly one point, which keeps its own time (Keepa:
 * RATING and COUNT_REVIEWS of 1496849574_us.json); the first occurrence wins a tie. null
 * when nothing qualifies.
 */
export function extremes(view: SeriesView, start: number, end: number): Extremes | null {
  if (view.length === 0 || start >= end) return null;
  const { times, values, length } = view;
  let minT = 0;
  let minV = Infinity;
  let maxT = 0;
  let maxV = -Infinity;
  let k = indexAtOrBefore(view, start);
  if (k < 0) k = 0;
  for (; k < length && times[k] < end; k++) {
    const v = values[k];
    if (v < 0) continue;
    const t = times[k] > start || length === 1 ? times[k] : start;
    if (v < minV) {
      minV = v;
      minT = t;
    }
    if (v > maxV) {
      maxV = v;
      maxT = t;
    }
  }
  if (minV === Infinity) return null;
  return { min: [minT, minV], max: [maxT, maxV] };
}

/**
 * Percentage of [start, end) without an offer: start clamped up to `trackingSince`, end
 * down to `now`; minutes before the first point count as out of stock. -1 for an empty
 * window or a series with no points.
 */
export function outOfStockPercentage(
  view: SeriesView,
  start: number,
  end: number,
  now: KeepaMinute,
  trackingSince: KeepaMinute | null,
): number {
  if (view.length === 0) return -1;
  const { times, values, length } = view;
  let from = trackingSince !== null && trackingSince > start ? trackingSince : start;
  // A series of one point has no "before": Keepa counts from that point (BUY_BOX_USED_SHIPPING
  // of 184297291X_us.json: one offer point reads 0%, not the minutes before it).
  if (length === 1 && times[0] > from) from = times[0];
  const to = Math.min(end, now);
  if (from >= to) return -1;
  let inStock = 0;
  let k = indexAtOrBefore(view, from);
  if (k < 0) k = 0;
  for (; k < length && times[k] < to; k++) {
    // -1 no offer, -2 (RENTAL) no data: neither is an offer.
    if (values[k] < 0) continue;
    const segStart = times[k] > from ? times[k] : from;
    const next = k + 1 < length ? times[k + 1] : now;
    const segEnd = next < to ? next : to;
    if (segEnd > segStart) inStock += segEnd - segStart;
  }
  return 100 - Math.floor((100 * inStock) / (to - from));
}

/**
 * Number of out-of-stock spells (runs of -1) that overlap [start, end): a spell already
 * running at `start`, or ended by the value in force at `start`, counts once, like each
 * move from a value to -1 inside the window.
 */
export function outOfStockCount(view: SeriesView, start: number, end: number): number {
  if (view.length === 0 || start >= end) return 0;
  const { times, values, length } = view;
  let k = indexAtOrBefore(view, start);
  let count = 0;
  let previous = k >= 0 ? values[k] : 0;
  // Keepa also counts the spell that the value in force at `start` ended (B0BSL6P6WJ_jp.json:
  // in stock at 770 since 7057800, after a -1 at 7057628 years before the window, reads 1).
  if (previous === -1 || (k >= 1 && values[k - 1] === -1)) count++;
  for (k++; k < length && times[k] < end; k++) {
    const v = values[k];
    if (v === -1 && previous !== -1) count++;
    previous = v;
  }
  return count;
}
