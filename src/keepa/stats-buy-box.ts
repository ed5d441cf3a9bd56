// Buy box part of the Statistics Object: the latest observation's fields, and per-seller
// statistics over the stats interval from buyBoxSellerIdHistory and BUY_BOX_SHIPPING.
import { KeepaFormatError } from './history-series.js';
import { valueAt, type SeriesView } from './series.js';
import type { BuyBoxSellerStats, BuyBoxSnapshot, KeepaStats } from './stats-types.js';
import type { KeepaMinute } from './time.js';

type BuyBoxFields = Pick<
  KeepaStats,
  | 'buyBoxPrice' | 'buyBoxShipping' | 'buyBoxSellerId' | 'buyBoxIsAmazon' | 'buyBoxIsFBA'
  | 'buyBoxIsPrimeEligible' | 'buyBoxIsPrimeExclusive' | 'buyBoxIsFreeShippingEligible'
  | 'buyBoxIsUsed' | 'buyBoxIsUnqualified' | 'buyBoxIsShippable' | 'buyBoxIsPreorder'
  | 'buyBoxIsBackorder' | 'buyBoxIsMAP' | 'buyBoxIsWarehouseDeal' | 'buyBoxCondition'
  | 'buyBoxAvailabilityMessage' | 'buyBoxShippingCountry' | 'lastBuyBoxUpdate'
>;

/** The scalar buy box fields; Keepa's defaults (-2 / null) without an observation. */
export function buyBoxFields(snapshot: BuyBoxSnapshot | null | undefined): BuyBoxFields {
  const s = snapshot ?? null;
  return {
    buyBoxPrice: s ? s.price : -2,
    buyBoxShipping: s ? s.shipping : -2,
    buyBoxSellerId: s?.sellerId ?? null,
    buyBoxIsAmazon: s?.isAmazon ?? null,
    buyBoxIsFBA: s?.isFBA ?? null,
    buyBoxIsPrimeEligible: s?.isPrimeEligible ?? null,
    buyBoxIsPrimeExclusive: s?.isPrimeExclusive ?? null,
    buyBoxIsFreeShippingEligible: s?.isFreeShippingEligible ?? null,
    buyBoxIsUsed: s?.isUsed ?? null,
    buyBoxIsUnqualified: s?.isUnqualified ?? null,
    buyBoxIsShippable: s?.isShippable ?? null,
    buyBoxIsPreorder: s?.isPreorder ?? null,
    buyBoxIsBackorder: s?.isBackorder ?? null,
    buyBoxIsMAP: s?.isMAP ?? null,
    buyBoxIsWarehouseDeal: s?.isWarehouseDeal ?? null,
    buyBoxCondition: s?.condition ?? null,
    buyBoxAvailabilityMessage: s?.availabilityMessage ?? null,
    buyBoxShippingCountry: s?.shippingCountry ?? null,
    lastBuyBoxUpdate: s ? s.observedAt : null,
  };
}

/** Percent saved against the strike-through price, as Amazon rounds it; null when unknown. */
export function savingPercentage(price: number, basis: number | null | undefined): number | null {
  if (basis === null || basis === undefined || basis <= 0 || price < 0 || price > basis) return null;
  return Math.round(((basis - price) * 100) / basis);
}

/** A Java `float` as Gson prints it: the shortest decimal that reads back as the same float32. */
export function float32Json(f: number): number {
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

interface SellerAccumulator {
  minutes: number;
  priceSum: number;
  newSum: number;
  usedSum: number;
  lastSeen: number;
}

export interface BuyBoxStatsSources {
  /** `[t, sellerId, …]` as strings; "-1" / "-2" entries hold no seller. */
  readonly history: ReadonlyArray<string>;
  readonly price: SeriesView; // BUY_BOX_SHIPPING (landed)
  readonly newCount: SeriesView; // COUNT_NEW
  readonly usedCount: SeriesView; // COUNT_USED
  readonly isFBA: (sellerId: string) => boolean;
}

/**
 * The offer count Keepa reads for a buy box history entry: the count in force just before
 * the entry began (a count point at the entry's own minute came with the same update, after
 * it: 0470820942_us.json), or at the window start for an entry begun before it (1496849574_us.json:
 * Amazon's 10 new / 2 used at the start, however the counts moved after). null when the
 * count series had not started then: such an entry reads -1 until the series' first point and
 * that first count after it (184297291X_us.json: AEY8Y1M2ZEQUD won 14718 minutes from
 * 7435420, COUNT_USED starts at 7436944; read as -1 throughout, its used mean would be -0.03,
 * floored to -1, where Keepa says 0).
 */
function countAtEntry(view: SeriesView, entryStart: KeepaMinute, from: KeepaMinute): number | null {
  const at = entryStart > from ? entryStart - 1 : from;
  return view.length > 0 && view.times[0] <= at ? valueAt(view, at) : null;
}

/** An entry begun before its count series: -1 before the first point, the first count from it on. */
function firstCount(view: SeriesView, t: KeepaMinute): number {
  return view.length > 0 && view.times[0] <= t ? view.values[0] : -1;
}

/**
 * buyBoxStats over [from, to): a seller wins a minute when it holds the history entry in
 * force and the buy box price is not -1. avgPrice is the time-weighted landed price. The
 * offer counts are read once per history entry (countAtEntry) and weighted by the minutes
 * the entry won; a recorded -1 (no offers) counts as -1, and the mean is floored
 * (184297291X_us.json: used -1 on 38810 minutes, 1 on 18432 → -1). Sellers in a fixed
 * order of first win.
 */
export function buyBoxStats(src: BuyBoxStatsSources, from: KeepaMinute, to: KeepaMinute): Record<string, BuyBoxSellerStats> | null {
  const { history, price, newCount, usedCount } = src;
  if (history.length < 2 || from >= to) return null;
  const entries = history.length >> 1;
  const times = new Float64Array(entries);
  for (let e = 0; e < entries; e++) {
    times[e] = Number(history[2 * e]);
    if (!Number.isInteger(times[e]) || (e > 0 && times[e] <= times[e - 1])) {
      throw new KeepaFormatError(`buyBoxSellerIdHistory: time ${JSON.stringify(history[2 * e])} at entry ${e} is not an ascending integer`);
    }
  }
  // A count series that starts inside the interval splits the walk there (countAtEntry null).
  const firstCountPoints = [newCount, usedCount].filter((v) => v.length > 0 && v.times[0] > from).map((v) => v.times[0]);
  const sellers = new Map<string, SellerAccumulator>();
  let h = -1; // history entry in force
  while (h + 1 < entries && times[h + 1] <= from) h++;
  let p = -1; // price point in force
  while (p + 1 < price.length && price.times[p + 1] <= from) p++;
  const entryCounts = () => {
    const start = h >= 0 ? Math.max(times[h], from) : from;
    return { newCount: countAtEntry(newCount, start, from), usedCount: countAtEntry(usedCount, start, from) };
  };
  let counts = entryCounts();
  let a = from;
  while (a < to) {
    const nextH = h + 1 < entries ? times[h + 1] : Infinity;
    const nextP = p + 1 < price.length ? price.times[p + 1] : Infinity;
    let b = Math.min(nextH, nextP, to);
    for (const t of firstCountPoints) if (t > a && t < b) b = t;
    const sellerId = h >= 0 ? history[2 * h + 1] : '-2';
    const landed = p >= 0 ? price.values[p] : -1;
    if (b > a && landed >= 0 && !sellerId.startsWith('-')) {
      let acc = sellers.get(sellerId);
      if (!acc) {
        acc = { minutes: 0, priceSum: 0, newSum: 0, usedSum: 0, lastSeen: b };
        sellers.set(sellerId, acc);
      }
      const d = b - a;
      acc.minutes += d;
      acc.priceSum += landed * d;
      acc.newSum += (counts.newCount ?? firstCount(newCount, a)) * d;
      acc.usedSum += (counts.usedCount ?? firstCount(usedCount, a)) * d;
      acc.lastSeen = b;
    }
    if (b === nextH) {
      h++;
      counts = entryCounts();
    }
    if (b === nextP) p++;
    a = b;
  }
  // Keepa shares out the minutes since the first buy box price point, not the whole interval
  // (184297291X_us.json: its BUY_BOX_SHIPPING starts at 7243990, 208 days into the 365).
  const span = to - (price.length > 0 && price.times[0] > from ? price.times[0] : from);
  const out: Record<string, BuyBoxSellerStats> = {};
  for (const [sellerId, acc] of sellers) {
    out[sellerId] = {
      // Keepa's share is a float32 fraction times 100 in float32 (0.9336419, not 0.93364197).
      percentageWon: float32Json(Math.fround(Math.fround(acc.minutes / span) * 100)),
      avgPrice: Math.floor(acc.priceSum / acc.minutes),
      avgNewOfferCount: Math.floor(acc.newSum / acc.minutes),
      avgUsedOfferCount: Math.floor(acc.usedSum / acc.minutes),
      isFBA: src.isFBA(sellerId),
      lastSeen: acc.lastSeen,
    };
  }
  return out;
}
