// Which points of an offer price series Keepa left out of its stats, read off a saved
// response: every point above Keepa's all-time `max` of that series was left out (it cannot
// have counted), and every point at or below it inside the 365-day window was counted (the
// averages show it: removing exactly the points above `max` reproduces every avg30/90/180/365
// and maxInInterval of the series). Shared by scripts/spike-analysis.ts and
// test/keepa-stats-spikes.test.ts (a harness, like saved-response.ts).
import { viewSeries, type SeriesView } from '../../src/keepa/series.js';
import { extremes, weightedMean } from '../../src/keepa/stats-window.js';
import { MINUTES_PER_DAY, type KeepaMinute } from '../../src/keepa/time.js';
import type { SavedResponse } from './saved-response.js';

/** Offer price series: NEW, USED, NEW_FBM_SHIPPING, NEW_FBA, BUY_BOX_SHIPPING, USED_*_SHIPPING, BUY_BOX_USED_SHIPPING. */
export const OFFER_PRICE_TYPES = [1, 2, 7, 10, 18, 19, 20, 21, 22, 32] as const;

/** 'left out': above Keepa's max; 'counted': Keepa's max point, or at most max inside the last 365 days. */
export type SpikeLabel = 'left out' | 'counted' | 'unknown';

export interface LabelledSeries {
  readonly file: string;
  readonly asin: string;
  readonly csvIndex: number;
  readonly now: KeepaMinute;
  readonly view: SeriesView;
  readonly labels: readonly SpikeLabel[];
}

/** The series of `csvIndex` as of the response's stats clock, each point labelled; null without data or max. */
export function labelSeries(saved: SavedResponse, csvIndex: number): LabelledSeries | null {
  const flat = saved.product.csv?.[csvIndex];
  const max = saved.product.stats?.max?.[csvIndex];
  if (!flat || !Array.isArray(max)) return null;
  const now = saved.request.now;
  const view = viewSeries(csvIndex, flat, now);
  const windowStart = now - 365 * MINUTES_PER_DAY;
  const labels: SpikeLabel[] = [];
  for (let k = 0; k < view.length; k++) {
    const v = view.values[k];
    const end = k + 1 < view.length ? view.times[k + 1] : now;
    if (v > max[1]) labels.push('left out');
    else if (v >= 0 && ((view.times[k] === max[0] && v === max[1]) || end > windowStart)) labels.push('counted');
    else labels.push('unknown');
  }
  return { file: saved.file, asin: saved.product.asin, csvIndex, now, view, labels };
}

/**
 * The series without the points `drop` selects. 'delete': the point is gone and the
 * previous value holds over its time (what Keepa does); 'gap': its time counts as no offer.
 */
export function withoutPoints(view: SeriesView, drop: (k: number) => boolean, mode: 'delete' | 'gap' = 'delete'): SeriesView {
  const times: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < view.length; k++) {
    if (!drop(k)) {
      times.push(view.times[k]);
      values.push(view.values[k]);
    } else if (mode === 'gap') {
      times.push(view.times[k]);
      values.push(-1);
    }
  }
  return { length: times.length, times: Int32Array.from(times), values: Int32Array.from(values) };
}

/** The interval fields Keepa's spike rule touches, over a 365-day stats interval (the book responses). */
export function spikeFields(view: SeriesView, now: KeepaMinute) {
  const ago = (days: number) => now - days * MINUTES_PER_DAY;
  return {
    avg30: weightedMean(view, ago(30), now, now),
    avg90: weightedMean(view, ago(90), now, now),
    avg180: weightedMean(view, ago(180), now, now),
    avg365: weightedMean(view, ago(365), now, now),
    max: extremes(view, -Infinity, Infinity)?.max ?? null,
    maxInInterval: extremes(view, ago(365), now + 1)?.max ?? [-1, -1],
  };
}
