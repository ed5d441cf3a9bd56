// The discovery summary of one product (what /query, /deal and /bestsellers filter and
// sort on): the stats engine's Statistics Object as of `now`, plus the deal quantities
// Keepa's finder and Deal object name but the Statistics Object lacks (avg1/avg7, delta,
// deltaPercent, deltaLast, lastPriceChange per type, backInStock). Those extras are built
// from the engine's own window primitives (weightedMean, valueAt), never from a second
// formula, so a summary always equals what computeStats says of the same product.
import { CSV, csvTypeAt } from './csv-type.js';
import { viewSeries, valueAt, type SeriesView } from './series.js';
import { computeStats, type KeepaStats } from './stats.js';
import { statsInputFromProduct } from './stats-input.js';
import { weightedMean } from './stats-window.js';
import { MINUTES_PER_DAY, type KeepaMinute } from './time.js';

/** Windows of the finder's avg<N> fields (days). */
export const AVG_DAYS = [1, 7, 30, 90, 180, 365] as const;
/** Windows of delta<N> / deltaPercent<N> and of the Deal object's intervals 0–3 (DAY, WEEK, MONTH, 90_DAYS). */
export const DELTA_DAYS = [1, 7, 30, 90] as const;
/** backInStock_<CSV>: had no offer within this many days and has one now (finder docs). */
export const BACK_IN_STOCK_DAYS = 60;

export type AvgDays = (typeof AVG_DAYS)[number];
export type DeltaDays = (typeof DELTA_DAYS)[number];

/** One csv type of a product. null = no data (Keepa's -1 / "unknown"). */
export interface TypeSummary {
  readonly csvType: number;
  readonly current: number | null;
  readonly avg: Readonly<Record<AvgDays, number | null>>;
  /** avg<N> − current: positive when the value dropped. */
  readonly delta: Readonly<Record<DeltaDays, number | null>>;
  /** delta as a percentage of avg<N>, rounded to the nearest integer. */
  readonly deltaPercent: Readonly<Record<DeltaDays, number | null>>;
  /** previous value − current value (the last change), positive when it dropped. */
  readonly deltaLast: number | null;
  readonly isLowest: boolean;
  readonly isLowest90: boolean;
  /** Keepa minute of the last change of this type (the current value holds since then). */
  readonly lastChange: number | null;
  /** In stock now after having no offer within the last 60 days. */
  readonly backInStock: boolean;
  /** In stock now after having no offer within the last day (deals' isBackInStock). */
  readonly backInStockDay: boolean;
  /** Out of stock now after having an offer within the last day (deals' isOutOfStock). */
  readonly outOfStockDay: boolean;
  readonly outOfStockPercentage90: number | null;
}

export interface ProductSummaryStats {
  readonly now: KeepaMinute;
  /** One entry per csv type that has a series (EXTRA_INFO_UPDATES left out: bookkeeping). */
  readonly types: TypeSummary[];
  readonly salesRankDrops30: number | null;
  readonly salesRankDrops90: number | null;
  readonly salesRankDrops180: number | null;
  readonly salesRankDrops365: number | null;
  readonly monthlySold: number | null;
  readonly rating: number | null;
  readonly reviewCount: number | null;
  /** The Statistics Object this summary was read from. */
  readonly stats: KeepaStats;
}

const known = (v: number): number | null => (v >= 0 ? v : null);
const knownOrNull = (v: number | null | undefined): number | null => (v == null ? null : known(v));

/** The last change of a series: the time of the last point whose value differs from the one before. */
function lastChangeOf(view: SeriesView): { at: number; previous: number } | null {
  const { times, values, length } = view;
  if (length === 0) return null;
  let k = length - 1;
  while (k > 0 && values[k - 1] === values[k]) k--;
  return { at: times[k], previous: k > 0 ? values[k - 1] : -1 };
}

/** Whether some minute of [from, now) had `-1` (no offer), the point in force at `from` included. */
function hadNoOfferSince(view: SeriesView, from: number): boolean {
  if (view.length === 0) return false;
  if (valueAt(view, from) === -1 && view.times[0] <= from) return true;
  for (let k = view.length - 1; k >= 0 && view.times[k] > from; k--) if (view.values[k] === -1) return true;
  return false;
}

/** Whether some minute of [from, now) had an offer. */
function hadOfferSince(view: SeriesView, from: number): boolean {
  if (view.length === 0) return false;
  if (valueAt(view, from) >= 0 && view.times[0] <= from) return true;
  for (let k = view.length - 1; k >= 0 && view.times[k] > from; k--) if (view.values[k] >= 0) return true;
  return false;
}

function typeSummary(csvType: number, view: SeriesView, stats: KeepaStats, now: KeepaMinute): TypeSummary {
  const current = known(stats.current[csvType] ?? -1);
  const daysAgo = (days: number) => now - days * MINUTES_PER_DAY;
  // The engine's avg30…avg365 as it computed them; avg1/avg7 through the same weightedMean.
  const engineAvg: Partial<Record<AvgDays, number>> = {
    30: stats.avg30[csvType], 90: stats.avg90[csvType], 180: stats.avg180[csvType], 365: stats.avg365[csvType],
  };
  const avg = {} as Record<AvgDays, number | null>;
  for (const days of AVG_DAYS) avg[days] = known(engineAvg[days] ?? weightedMean(view, daysAgo(days), now, now));
  const delta = {} as Record<DeltaDays, number | null>;
  const deltaPercent = {} as Record<DeltaDays, number | null>;
  for (const days of DELTA_DAYS) {
    const mean = avg[days];
    delta[days] = mean !== null && current !== null ? mean - current : null;
    deltaPercent[days] = mean !== null && current !== null && mean > 0 ? Math.round((100 * (mean - current)) / mean) + 0 : null; // + 0: no -0
  }
  const change = lastChangeOf(view);
  const previous = change ? known(change.previous) : null;
  const inStock = current !== null;
  return {
    csvType,
    current,
    avg,
    delta,
    deltaPercent,
    deltaLast: previous !== null && current !== null ? previous - current : null,
    isLowest: stats.isLowest[csvType] ?? false,
    isLowest90: stats.isLowest90[csvType] ?? false,
    lastChange: change ? change.at : null,
    backInStock: inStock && hadNoOfferSince(view, daysAgo(BACK_IN_STOCK_DAYS)),
    backInStockDay: inStock && hadNoOfferSince(view, daysAgo(1)),
    outOfStockDay: view.length > 0 && valueAt(view, now) === -1 && hadOfferSince(view, daysAgo(1)),
    outOfStockPercentage90: known(stats.outOfStockPercentage90[csvType] ?? -1),
  };
}

function lastValueOf(flat: unknown): number | null {
  if (!Array.isArray(flat) || flat.length < 2) return null;
  const v = flat[flat.length - 1];
  return typeof v === 'number' ? v : null;
}

/** The summary of an assembled Keepa product (as /product would serve it) as of `now`. */
export function summarizeProduct(product: Readonly<Record<string, unknown>>, now: KeepaMinute): ProductSummaryStats {
  const input = statsInputFromProduct(product, { now, interval: { start: now - 90 * MINUTES_PER_DAY, end: now } });
  const stats = computeStats(input);
  const types: TypeSummary[] = [];
  input.csv.forEach((flat, csvType) => {
    if (!flat || csvType === CSV.EXTRA_INFO_UPDATES || !csvTypeAt(csvType)) return;
    types.push(typeSummary(csvType, viewSeries(csvType, flat, now), stats, now));
  });
  const monthlySold = lastValueOf(product.monthlySoldHistory) ?? (typeof product.monthlySold === 'number' ? product.monthlySold : null);
  return {
    now,
    types,
    salesRankDrops30: known(stats.salesRankDrops30),
    salesRankDrops90: known(stats.salesRankDrops90),
    salesRankDrops180: known(stats.salesRankDrops180),
    salesRankDrops365: known(stats.salesRankDrops365),
    monthlySold: knownOrNull(monthlySold),
    rating: known(stats.current[CSV.RATING] ?? -1),
    reviewCount: known(stats.current[CSV.COUNT_REVIEWS] ?? -1),
    stats,
  };
}

/** Weighted mean of a sales-rank history over the last `days` (bestsellers' `range`), through the engine. */
export function rankAverage(flat: ReadonlyArray<number>, days: number, now: KeepaMinute): number | null {
  const view = viewSeries(CSV.SALES, flat, now);
  if (days === 0) return known(valueAt(view, now));
  return known(weightedMean(view, now - days * MINUTES_PER_DAY, now, now));
}
