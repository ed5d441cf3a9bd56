// Everything the product page shows, read through src/store and the stats engine: the
// drawn series as parallel arrays of Keepa minutes and values (compact JSON for 50,000
// points), the stats table, the scrape log and the tracking row.
import { assembleKeepaProduct } from '../../keepa/product-object.js';
import { keepaNow } from '../../keepa/time.js';
import { listTracking, readProducts, type Store } from '../../store/index.js';
import { scrapeLog, type ScrapeLogEntry } from '../../store/scrape-log.js';
import { productStats } from '../../products/product-stats.js';
import { CHART_SERIES, type ChartScale } from './chart-series.js';

export interface DetailSeries {
  readonly key: string;
  readonly csv: number;
  readonly label: string;
  readonly scale: ChartScale;
  readonly color: string;
  readonly t: number[];
  readonly v: number[];
}

export interface StatsRow {
  readonly key: string;
  readonly label: string;
  readonly scale: ChartScale;
  readonly current: number | null;
  readonly lowest: { t: number; value: number } | null;
  readonly highest: { t: number; value: number } | null;
  readonly avg30: number | null;
  readonly avg90: number | null;
  readonly avg180: number | null;
  readonly outOfStock30: number | null;
  readonly outOfStock90: number | null;
}

export interface ProductDetail {
  readonly domainId: number;
  readonly asin: string;
  readonly title: string | null;
  readonly lastUpdate: number | null;
  readonly now: number;
  readonly series: DetailSeries[];
  readonly stats: StatsRow[];
  readonly scrapes: ScrapeLogEntry[];
  readonly tracking: { intervalMinutes: number; active: boolean; inactiveReason: string | null; nextDue: Date; lastErrorCode: string | null } | null;
}

const value = (v: number | undefined) => (v === undefined || v < 0 ? null : v);

/** null: neither stored nor tracked. */
export async function productDetail(store: Store, domainId: number, asin: string, clock: () => number): Promise<ProductDetail | null> {
  const now = keepaNow(clock);
  const [stored, tracked, scrapes] = await Promise.all([
    readProducts(store, domainId, [asin]).then((m) => m.get(asin) ?? null),
    listTracking(store, { domainId, asins: [asin] }).then((rows) => rows[0] ?? null),
    scrapeLog(store, domainId, asin),
  ]);
  if (!stored && !tracked) return null;
  const series: DetailSeries[] = [];
  const stats: StatsRow[] = [];
  if (stored) {
    for (const spec of CHART_SERIES) {
      const points = stored.numeric.get(`csv:${spec.csv}`);
      if (!points || points.length === 0) continue;
      const t = new Array<number>(points.length);
      const v = new Array<number>(points.length);
      for (let i = 0; i < points.length; i++) {
        t[i] = points[i]!.t;
        v[i] = points[i]!.value;
      }
      series.push({ key: `csv:${spec.csv}`, ...spec, t, v });
    }
    const product = assembleKeepaProduct(stored);
    const keepa = productStats(product, { interval: { start: now - 180 * 1440, end: now }, now, buyBox: true });
    for (const s of series) {
      const i = s.csv;
      const extreme = (e: [number, number] | null | undefined) => (e ? { t: e[0], value: e[1] } : null);
      stats.push({
        key: s.key,
        label: s.label,
        scale: s.scale,
        current: value(keepa.current[i]),
        lowest: extreme(keepa.min[i]),
        highest: extreme(keepa.max[i]),
        avg30: value(keepa.avg30[i]),
        avg90: value(keepa.avg90[i]),
        avg180: value(keepa.avg180[i]),
        // Keepa computes out-of-stock shares for price types only.
        outOfStock30: s.scale === 'price' ? value(keepa.outOfStockPercentage30[i]) : null,
        outOfStock90: s.scale === 'price' ? value(keepa.outOfStockPercentage90[i]) : null,
      });
    }
  }
  return {
    domainId,
    asin,
    title: stored?.row.title ?? null,
    lastUpdate: stored?.row.lastUpdate ?? null,
    now,
    series,
    stats,
    scrapes,
    tracking: tracked && {
      intervalMinutes: tracked.intervalMinutes,
      active: tracked.active,
      inactiveReason: tracked.inactiveReason,
      nextDue: tracked.nextDue,
      lastErrorCode: tracked.lastErrorCode,
    },
  };
}
