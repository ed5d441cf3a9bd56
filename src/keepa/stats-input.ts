// A Keepa product object (as stored and assembled) → the stats engine's input. The API
// builds the product, then asks for stats over the interval of the request's `stats`.
import type { BuyBoxSnapshot, StatsInput } from './stats-types.js';
import type { KeepaMinute } from './time.js';

export interface StatsRequest {
  readonly now: KeepaMinute;
  readonly interval: { readonly start: KeepaMinute; readonly end: KeepaMinute };
  /** Latest buy box observation, only when the request asked for the buy box. */
  readonly buyBox?: BuyBoxSnapshot | null;
  readonly fbaSellerIds?: ReadonlySet<string> | null;
  /** When the offers were last read (lastOffersUpdateOf the stored parts); absent: lastUpdate. */
  readonly lastOffersUpdate?: KeepaMinute | null;
  /** The request asked for the offer listing (`offers=N`). */
  readonly offers?: boolean;
  /** isFBA per seller (offerFulfilment of the stored offers); absent: read off product.offers. */
  readonly offerFulfilment?: ReadonlyMap<string, boolean> | null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function arrayOrNull<T>(value: unknown): T[] | null {
  return Array.isArray(value) ? (value as T[]) : null;
}

/**
 * isFBA per seller from product.offers (Keepa's offer objects: sellerId, isFBA); a seller whose
 * offers disagree is left out. null without offers (scraped products).
 */
export function offerFulfilment(offers: unknown): Map<string, boolean> | null {
  if (!Array.isArray(offers) || offers.length === 0) return null;
  const seen = new Map<string, boolean | null>();
  for (const offer of offers) {
    if (typeof offer !== 'object' || offer === null) continue;
    const { sellerId, isFBA } = offer as { sellerId?: unknown; isFBA?: unknown };
    if (typeof sellerId !== 'string' || typeof isFBA !== 'boolean') continue;
    const before = seen.get(sellerId);
    seen.set(sellerId, before === undefined || before === isFBA ? isFBA : null);
  }
  const out = new Map<string, boolean>();
  for (const [sellerId, isFBA] of seen) if (isFBA !== null) out.set(sellerId, isFBA);
  return out;
}

export function statsInputFromProduct(product: Readonly<Record<string, unknown>>, request: StatsRequest): StatsInput {
  const csv = arrayOrNull<ReadonlyArray<number> | null>(product.csv) ?? [];
  const trackingSince = numberOrNull(product.trackingSince);
  return {
    csv,
    now: request.now,
    interval: request.interval,
    // Keepa sends 0 / -1 when it does not know; neither is a time to clamp to.
    trackingSince: trackingSince !== null && trackingSince > 0 ? trackingSince : null,
    lastUpdate: numberOrNull(product.lastUpdate),
    lastOffersUpdate: request.lastOffersUpdate ?? null,
    offers: request.offers ?? false,
    buyBox: request.buyBox ?? null,
    buyBoxSellerIdHistory: request.buyBox ? (arrayOrNull<unknown>(product.buyBoxSellerIdHistory)?.map(String) ?? null) : null,
    fbaSellerIds: request.fbaSellerIds ?? null,
    offerFulfilment: request.offerFulfilment !== undefined ? request.offerFulfilment : offerFulfilment(product.offers),
    monthlySoldHistory: arrayOrNull<number>(product.monthlySoldHistory),
  };
}
