// The Statistics Object's per-csv-type arrays (current, averages, extremes, out-of-stock
// percentages), one entry per csv type. Which types take part in what follows Keepa:
// EXTRA_INFO_UPDATES (15) is bookkeeping, so it has a current value and a value at the
// interval start but no average or extremes; out-of-stock percentages exist only for
// price types.
import { CSV_TYPE_COUNT, csvTypeAt, isPriceType } from './csv-type.js';
import { valueAt, viewSeries, type SeriesView } from './series.js';
import {
  KEEPA_ACCUMULATOR_START,
  extremes,
  outOfStockPercentage,
  weightedMean,
  type ExtremePoint,
} from './stats-window.js';
import type { KeepaStats, StatsInput } from './stats-types.js';
import { MINUTES_PER_DAY, type KeepaMinute } from './time.js';

const EMPTY_VIEW: SeriesView = { length: 0, times: new Int32Array(0), values: new Int32Array(0) };

type PerTypeFields = Pick<
  KeepaStats,
  | 'current' | 'avg' | 'avg30' | 'avg90' | 'avg180' | 'avg365' | 'atIntervalStart'
  | 'min' | 'max' | 'minInInterval' | 'maxInInterval' | 'isLowest' | 'isLowest90'
  | 'outOfStockPercentageInInterval' | 'outOfStockPercentage30' | 'outOfStockPercentage90'
  | 'outOfStockPercentage180' | 'outOfStockPercentage365'
>;

/** Series views of every csv slot, points after `now` left out. */
export function viewAll(csv: StatsInput['csv'], now: KeepaMinute): SeriesView[] {
  const count = Math.max(csv.length, CSV_TYPE_COUNT);
  const views: SeriesView[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const flat = csv[i];
    views[i] = flat ? viewSeries(i, flat, now) : EMPTY_VIEW;
  }
  return views;
}

function hasExtremes(csvIndex: number): boolean {
  return csvTypeAt(csvIndex)?.kind !== 'meta';
}

/** Fills every per-type array of the Statistics Object from the series views. */
export function perTypeStats(views: readonly SeriesView[], input: StatsInput, accumulatorStart = KEEPA_ACCUMULATOR_START): PerTypeFields {
  const { now, trackingSince } = input;
  const start = Math.min(input.interval.start, now);
  const end = input.interval.end;
  const daysAgo = (days: number) => now - days * MINUTES_PER_DAY;
  const out: PerTypeFields = {
    current: [], avg: [], avg30: [], avg90: [], avg180: [], avg365: [], atIntervalStart: [],
    min: [], max: [], minInInterval: [], maxInInterval: [], isLowest: [], isLowest90: [],
    outOfStockPercentageInInterval: [], outOfStockPercentage30: [], outOfStockPercentage90: [],
    outOfStockPercentage180: [], outOfStockPercentage365: [],
  };
  for (let i = 0; i < views.length; i++) {
    const view = views[i];
    const current = valueAt(view, now);
    out.current.push(current);
    out.atIntervalStart.push(valueAt(view, start));

    const withStats = hasExtremes(i);
    const mean = (from: number, to: number) => (withStats ? weightedMean(view, from, to, now, accumulatorStart) : -1);
    out.avg.push(mean(start, end));
    out.avg30.push(mean(daysAgo(30), now));
    out.avg90.push(mean(daysAgo(90), now));
    out.avg180.push(mean(daysAgo(180), now));
    out.avg365.push(mean(daysAgo(365), now));

    const all = withStats ? extremes(view, -Infinity, Infinity) : null;
    const inInterval = all ? extremes(view, start, Math.min(end, now + 1)) : null;
    const last90 = all ? extremes(view, daysAgo(90), now + 1) : null;
    // A series with data but nothing in the interval reads [-1, -1]; one never priced reads null.
    const none: ExtremePoint | null = all ? [-1, -1] : null;
    out.min.push(all ? all.min : null);
    out.max.push(all ? all.max : null);
    out.minInInterval.push(inInterval ? inInterval.min : none);
    out.maxInInterval.push(inInterval ? inInterval.max : none);
    out.isLowest.push(current >= 0 && all !== null && current === all.min[1]);
    out.isLowest90.push(current >= 0 && last90 !== null && current === last90.min[1]);

    const priced = isPriceType(i);
    const oos = (from: number, to: number) => (priced ? outOfStockPercentage(view, from, to, now, trackingSince) : -1);
    out.outOfStockPercentageInInterval.push(oos(start, end));
    out.outOfStockPercentage30.push(oos(daysAgo(30), now));
    out.outOfStockPercentage90.push(oos(daysAgo(90), now));
    out.outOfStockPercentage180.push(oos(daysAgo(180), now));
    out.outOfStockPercentage365.push(oos(daysAgo(365), now));
  }
  return out;
}
