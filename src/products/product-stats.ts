// The `stats` object of a served product: the stats engine (src/keepa/stats.ts) run once
// on the product as the request sees it, with the buy box we last stored.
import { CSV } from '../keepa/csv-type.js';
import type { KeepaProduct } from '../keepa/product-object.js';
import { computeStats, type BuyBoxSnapshot, type KeepaStats, type StatsInterval } from '../keepa/stats.js';
import { statsInputFromProduct } from '../keepa/stats-input.js';
import type { KeepaMinute } from '../keepa/time.js';

const AMAZON_SELLER_ID = 'ATVPDKIKX0DER';

function lastEntries<T>(flat: readonly T[] | null | undefined, stride: number): T[] | null {
  if (!Array.isArray(flat) || flat.length < stride) return null;
  return flat.slice(flat.length - stride);
}

/**
 * The latest buy box we hold: the last BUY_BOX_SHIPPING point and buy-box seller, as of
 * the product's last refresh. Flags the series do not record (FBA, Prime, …) stay null
 * (unknown), as the Statistics Object leaves them.
 */
export function storedBuyBox(product: Readonly<KeepaProduct>): BuyBoxSnapshot | null {
  const offer = lastEntries(product.csv?.[CSV.BUY_BOX_SHIPPING], 3);
  const seller = lastEntries(product.buyBoxSellerIdHistory as string[] | null, 2);
  if (!offer && !seller) return null;
  const lastUpdate = typeof product.lastUpdate === 'number' ? product.lastUpdate : null;
  const observedAt = lastUpdate ?? Math.max(Number(offer?.[0] ?? -1), Number(seller?.[0] ?? -1));
  const sellerId = seller ? String(seller[1]) : null;
  const known = sellerId !== null && sellerId !== '-1' && sellerId !== '-2';
  return {
    observedAt,
    price: offer ? offer[1] : -1,
    shipping: offer ? offer[2] : -1,
    sellerId,
    isAmazon: known ? sellerId === AMAZON_SELLER_ID : null,
  };
}

/**
 * The buy box to report: Keepa's own observation from an import while no later buy box
 * point (a scrape) exists and it is not after `now`, else what our histories say. An
 * observation without a time dates from the product's lastUpdate and yields to any point.
 */
export function latestBuyBox(product: Readonly<KeepaProduct>, observed: BuyBoxSnapshot | null, now: KeepaMinute): BuyBoxSnapshot | null {
  const fromHistories = storedBuyBox(product);
  const made = observed ? (observed.observedAt ?? (typeof product.lastUpdate === 'number' ? product.lastUpdate : null)) : null;
  if (!observed || made === null || made > now) return fromHistories;
  const offer = lastEntries(product.csv?.[CSV.BUY_BOX_SHIPPING], 3);
  const seller = lastEntries(product.buyBoxSellerIdHistory as string[] | null, 2);
  const latestPoint = Math.max(Number(offer?.[0] ?? -Infinity), Number(seller?.[0] ?? -Infinity));
  return latestPoint > (observed.observedAt ?? -Infinity) ? fromHistories : observed;
}

export interface StatsOptions {
  readonly interval: StatsInterval;
  readonly now: KeepaMinute;
  /** The request may see the buy box (`buybox` or `offers`). */
  readonly buyBox: boolean;
  /** When the offers were last read (lastOffersUpdateOf the stored parts). */
  readonly lastOffersUpdate?: KeepaMinute | null;
  /** Keepa's buy box observation from an import (buyBoxObservationOf the stored parts). */
  readonly buyBoxObservation?: BuyBoxSnapshot | null;
  /** The request asked for the offer listing (`offers=N`). */
  readonly offers?: boolean;
  /** isFBA per seller from the stored offers (the view may have cut product.offers). */
  readonly offerFulfilment?: ReadonlyMap<string, boolean> | null;
}

export function productStats(product: Readonly<KeepaProduct>, options: StatsOptions): KeepaStats {
  return computeStats(
    statsInputFromProduct(product, {
      now: options.now,
      interval: options.interval,
      buyBox: options.buyBox ? latestBuyBox(product, options.buyBoxObservation ?? null, options.now) : null,
      lastOffersUpdate: options.lastOffersUpdate ?? null,
      offers: options.offers ?? false,
      offerFulfilment: options.offerFulfilment,
    }),
  );
}
