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
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function arrayOrNull<T>(value: unknown): T[] | null {
  return Array.isArray(value) ? (value as T[]) : null;
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
    monthlySoldHistory: arrayOrNull<number>(product.monthlySoldHistory),
  };
}
