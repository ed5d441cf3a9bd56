// deltaPercent90_monthlySold: how far the current "bought in past month" figure lies below
// its 90-day average, in percent, as Keepa computes it:
//   round((avg90 − current) × 100 / avg90)
// with avg90 the time-weighted mean of monthlySoldHistory over the last 90 days (Keepa's
// weighted mean, as for every other avg90). Confirmed on three real responses:
// B09X7MPX8L_us.json (avg90 4178, current 4000 → 4), product_B0D8W1YVBX_us_stats180
// (avg90 98424, current 100000 → -2; the -2 the earlier engine took for a sentinel) and
// B0BSL6P6WJ_jp.json (constant 1000 → 0). Floor would fit these three equally; Keepa's
// other delta percentages are rounded, so we round.
import { CSV } from './csv-type.js';
import { valueAt, viewSeries } from './series.js';
import { weightedMean } from './stats-window.js';
import { MINUTES_PER_DAY, type KeepaMinute } from './time.js';

/**
 * null without a monthlySoldHistory (Keepa answers null for the books that have none), -1
 * when the history has no value for now or the last 90 days.
 */
export function deltaPercent90MonthlySold(history: ReadonlyArray<number> | null | undefined, now: KeepaMinute): number | null {
  if (!history || history.length < 2) return null;
  // Any stride-2 csv index reads the `[t, value, …]` pairs alike.
  const view = viewSeries(CSV.SALES, history, now);
  const current = valueAt(view, now);
  const avg = weightedMean(view, now - 90 * MINUTES_PER_DAY, now, now);
  if (current < 0 || avg <= 0) return -1;
  return Math.round(((avg - current) * 100) / avg);
}
