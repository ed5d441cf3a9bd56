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
  newMinutes: number;
  usedSum: number;
  usedMinutes: number;
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
 * buyBoxStats over [from, to): a seller wins a minute when it holds the history entry in
 * force and the buy box price is not -1. avgPrice is the time-weighted landed price; the
 * offer counts are taken at each buy box record (history or price point), as Keepa keeps
 * them with the record. Sellers in a fixed order of first win.
 */
export function buyBoxStats(src: BuyBoxStatsSources, from: KeepaMinute, to: KeepaMinute): Record<string, BuyBoxSellerStats> | null {
  const { history, price } = src;
  if (history.length < 2 || from >= to) return null;
  const entries = history.length >> 1;
  const times = new Float64Array(entries);
  for (let e = 0; e < entries; e++) {
    times[e] = Number(history[2 * e]);
    if (!Number.isInteger(times[e]) || (e > 0 && times[e] <= times[e - 1])) {
      throw new KeepaFormatError(`buyBoxSellerIdHistory: time ${JSON.stringify(history[2 * e])} at entry ${e} is not an ascending integer`);
    }
  }
  const sellers = new Map<string, SellerAccumulator>();
  let h = -1; // history entry in force
  while (h + 1 < entries && times[h + 1] <= from) h++;
  let p = -1; // price point in force
  while (p + 1 < price.length && price.times[p + 1] <= from) p++;
  let a = from;
  while (a < to) {
    const nextH = h + 1 < entries ? times[h + 1] : Infinity;
    const nextP = p + 1 < price.length ? price.times[p + 1] : Infinity;
    const b = Math.min(nextH, nextP, to);
    const sellerId = h >= 0 ? history[2 * h + 1] : '-2';
    const landed = p >= 0 ? price.values[p] : -1;
    if (b > a && landed >= 0 && !sellerId.startsWith('-')) {
      let acc = sellers.get(sellerId);
      if (!acc) {
        acc = { minutes: 0, priceSum: 0, newSum: 0, newMinutes: 0, usedSum: 0, usedMinutes: 0, lastSeen: b };
        sellers.set(sellerId, acc);
      }
      const d = b - a;
      acc.minutes += d;
      acc.priceSum += landed * d;
      const newCount = valueAt(src.newCount, a);
      if (newCount >= 0) {
        acc.newSum += newCount * d;
        acc.newMinutes += d;
      }
      const usedCount = valueAt(src.usedCount, a);
      if (usedCount >= 0) {
        acc.usedSum += usedCount * d;
        acc.usedMinutes += d;
      }
      acc.lastSeen = b;
    }
    if (b === nextH) h++;
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
      avgNewOfferCount: acc.newMinutes > 0 ? Math.floor(acc.newSum / acc.newMinutes) : -1,
      avgUsedOfferCount: acc.usedMinutes > 0 ? Math.floor(acc.usedSum / acc.usedMinutes) : -1,
      isFBA: src.isFBA(sellerId),
      lastSeen: acc.lastSeen,
    };
  }
  return out;
}
