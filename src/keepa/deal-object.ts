// Keepa's Deal object (keepa-api-more.md §2.4) from a product's summary. Nested arrays are
// indexed [interval][csvType], intervals DAY, WEEK, MONTH, 90_DAYS; unknown = -1 for
// values and 0 for deltas, as Keepa reads them.
import { CSV_TYPE_COUNT } from './csv-type.js';
import type { DeltaDays, TypeSummary } from './stats-summary.js';

/** dateRange / Deal interval index → days of the summary window it reads. */
export const DEAL_INTERVAL_DAYS: readonly DeltaDays[] = [1, 7, 30, 90];

/** Keepa's "unknown root category". */
export const UNKNOWN_ROOT = '9223372036854775807';

export interface DealSource {
  readonly asin: string;
  readonly parentAsin: string | null;
  readonly title: string | null;
  readonly rootCategory: number | null;
  readonly categories: readonly number[];
  readonly image: string | null;
  readonly lastUpdate: number | null;
  readonly asOf: number;
  readonly types: readonly TypeSummary[];
}

export interface DealObject {
  asin: string;
  parentAsin: string | null;
  title: string | null;
  current: number[];
  currentSince: number[];
  delta: number[][];
  deltaPercent: number[][];
  avg: number[][];
  deltaLast: number[];
  rootCat: number;
  categories: number[];
  creationDate: number;
  lastUpdate: number;
  lightningEnd: number;
  image: number[];
  minRating: number;
  warehouseCondition: number;
  warehouseConditionComment: string | null;
}

/** `priceType`: the deal's csv type; its last change is when the deal was found. */
export function dealObject(source: DealSource, priceType: number): DealObject {
  const byType = new Map(source.types.map((t) => [t.csvType, t]));
  const perType = (read: (t: TypeSummary) => number | null, unknown: number): number[] =>
    Array.from({ length: CSV_TYPE_COUNT }, (_, i) => {
      const t = byType.get(i);
      const v = t ? read(t) : null;
      return v ?? unknown;
    });
  const dealType = byType.get(priceType);
  return {
    asin: source.asin,
    parentAsin: source.parentAsin,
    title: source.title,
    current: perType((t) => t.current, -1),
    currentSince: perType((t) => t.lastChange, -1),
    delta: DEAL_INTERVAL_DAYS.map((d) => perType((t) => t.delta[d], 0)),
    deltaPercent: DEAL_INTERVAL_DAYS.map((d) => perType((t) => t.deltaPercent[d], 0)),
    avg: DEAL_INTERVAL_DAYS.map((d) => perType((t) => t.avg[d], -1)),
    deltaLast: perType((t) => t.deltaLast, 0),
    rootCat: source.rootCategory ?? 0,
    categories: [...source.categories],
    creationDate: dealType?.lastChange ?? source.asOf,
    lastUpdate: source.lastUpdate ?? source.asOf,
    lightningEnd: 0,
    // Keepa sends the image file name as US-ASCII character codes.
    image: source.image ? [...source.image].map((c) => c.charCodeAt(0) & 0x7f) : [],
    minRating: -1,
    warehouseCondition: 0,
    warehouseConditionComment: null,
  };
}
