// Stats that count or locate events in a series rather than average it: sales rank drops,
// the last lightning deal, and the offer counts summed into totalOfferCount.
import { indexAtOrBefore, valueAt, type SeriesView } from './series.js';
import type { KeepaMinute } from './time.js';

/**
 * Moves of the SALES rank to a lower number at points inside [from, to), each compared
 * with the previous known rank (a -1 gap does not reset it, so a drop across a gap counts).
 * Keepa computes this when it refreshes the product, so callers pass `lastUpdate` as `to`;
 * with that it matches both fixtures exactly (35/75/165/424 and 35/74/165/424).
 */
export function salesRankDrops(view: SeriesView, from: number, to: number): number {
  const { times, values, length } = view;
  if (length === 0) return -1;
  let k = indexAtOrBefore(view, from - 1);
  let back = k;
  while (back >= 0 && values[back] <= 0) back--;
  let previous = back >= 0 ? values[back] : -1;
  let drops = 0;
  for (k++; k < length && times[k] < to; k++) {
    const rank = values[k];
    if (rank <= 0) continue;
    if (previous > 0 && rank < previous && (previous < 10000 || previous > 1.05 * rank)) drops++;
    previous = rank;
  }
  return drops;
}

/**
 * `[start, end]` of the latest lightning deal from the raw LIGHTNING_DEAL series (future
 * points included: a running deal ends with a future `-1` point). A trailing `-1` point
 * after no price announces an upcoming deal: `[start, -1]`. null when there never was one.
 */
export function lightningDealInfo(flat: ReadonlyArray<number> | null | undefined, now: KeepaMinute): [KeepaMinute, KeepaMinute] | null {
  if (!flat || flat.length < 2) return null;
  const lastT = flat[flat.length - 2];
  const lastV = flat[flat.length - 1];
  const beforeLastV = flat.length >= 4 ? flat[flat.length - 3] : -1;
  if (lastV < 0 && lastT > now && beforeLastV < 0) return [lastT, -1];
  for (let i = flat.length - 2; i >= 0; i -= 2) {
    if (flat[i + 1] >= 0) return [flat[i], i + 2 < flat.length ? flat[i + 2] : -1];
  }
  return null;
}

/** Sum of the current offer counts per condition (COUNT_NEW … COUNT_COLLECTIBLE); -2 if none is known. */
export function totalOfferCount(views: readonly SeriesView[], now: KeepaMinute, countTypes: readonly number[]): number {
  let total = -2;
  for (const i of countTypes) {
    const view = views[i];
    if (!view) continue;
    const count = valueAt(view, now);
    if (count >= 0) total = (total < 0 ? 0 : total) + count;
  }
  return total;
}
