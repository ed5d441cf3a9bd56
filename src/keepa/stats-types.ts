// Shapes of the stats engine's input and of Keepa's Statistics Object (product.stats).
// Field names and sentinels follow Keepa: -1 = no data, -2 = not requested / unknown,
// null = no series / unknown boolean.
import type { ExtremePoint } from './stats-window.js';
import type { KeepaMinute } from './time.js';

/** The latest buy box we observed (one scrape of the offer listing / product page). */
export interface BuyBoxSnapshot {
  /**
   * When the buy box was observed; becomes `lastBuyBoxUpdate`. null for an imported Keepa
   * observation that names a seller without a time (B09X7MPX8L_us.json: Amazon, "In Stock",
   * price -2, lastBuyBoxUpdate null).
   */
  readonly observedAt: KeepaMinute | null;
  /** Item price in minor units; -1 when no offer qualified (suppressed buy box). */
  readonly price: number;
  /** Shipping in minor units, 0 for free shipping; -1 unknown. */
  readonly shipping: number;
  /** Seller id; "-1" suppressed buy box, "-2" unknown seller, null unknown. */
  readonly sellerId: string | null;
  readonly isAmazon?: boolean | null;
  readonly isFBA?: boolean | null;
  readonly isPrimeEligible?: boolean | null;
  readonly isPrimeExclusive?: boolean | null;
  readonly isFreeShippingEligible?: boolean | null;
  readonly isUsed?: boolean | null;
  readonly isUnqualified?: boolean | null;
  readonly isShippable?: boolean | null;
  readonly isPreorder?: boolean | null;
  readonly isBackorder?: boolean | null;
  readonly isMAP?: boolean | null;
  readonly isWarehouseDeal?: boolean | null;
  /** Offer condition (1 = new, 2–5 used sub-conditions, …). */
  readonly condition?: number | null;
  /** Keepa's availability code, e.g. "IN_STOCK". */
  readonly availabilityMessage?: string | null;
  readonly shippingCountry?: string | null;
  /** Strike-through price shown next to the buy box (minor units) and its kind. */
  readonly savingBasis?: number | null;
  readonly savingBasisType?: string | null;
  /** Delivery time range in hours `[min, max]`. */
  readonly shippingTime?: readonly [number, number] | null;
}

/** Per-seller buy box statistics over the stats interval (`stats.buyBoxStats[sellerId]`). */
export interface BuyBoxSellerStats {
  percentageWon: number;
  avgPrice: number;
  avgNewOfferCount: number;
  avgUsedOfferCount: number;
  isFBA: boolean;
  lastSeen: KeepaMinute;
}

export interface StatsInput {
  /** Keepa csv arrays as stored (index = csv type, null = no series). */
  readonly csv: ReadonlyArray<ReadonlyArray<number> | null>;
  /** The as-of moment; points after it are ignored. */
  readonly now: KeepaMinute;
  /** The stats interval [start, end) (see parseStatsParam). */
  readonly interval: { readonly start: KeepaMinute; readonly end: KeepaMinute };
  readonly trackingSince: KeepaMinute | null;
  /** Latest buy box observation; absent → Keepa's defaults (-2 / null), as without `buybox`. */
  readonly buyBox?: BuyBoxSnapshot | null;
  /** product.buyBoxSellerIdHistory (`[t, sellerId, …]` strings); enables buyBoxStats. */
  readonly buyBoxSellerIdHistory?: ReadonlyArray<string> | null;
  /** Seller ids known to fulfil through Amazon (FBA), for buyBoxStats[…].isFBA. */
  readonly fbaSellerIds?: ReadonlySet<string> | null;
  /** isFBA per seller as the product's offers (Keepa's offer listing) report it, when consistent. */
  readonly offerFulfilment?: ReadonlyMap<string, boolean> | null;
  /** product.monthlySoldHistory (`[t, sold, …]`), for deltaPercent90_monthlySold. */
  readonly monthlySoldHistory?: ReadonlyArray<number> | null;
  /** product.lastUpdate: the last refresh. */
  readonly lastUpdate?: KeepaMinute | null;
  /**
   * When the offers were last read: Keepa's own stats.lastOffersUpdate for an imported
   * product (kept by splitKeepaProduct), the last scrape that read them for a scraped one.
   * Absent: lastUpdate stands in.
   */
  readonly lastOffersUpdate?: KeepaMinute | null;
  /** The request asked for the offer listing (`offers=N`): tradeInPrice reads -1, not -2, without a trade-in. */
  readonly offers?: boolean;
}

export type PerType<T> = T[];

/** Keepa's Statistics Object. Arrays carry one entry per csv type. */
export interface KeepaStats {
  current: PerType<number>;
  avg: PerType<number>;
  avg30: PerType<number>;
  avg90: PerType<number>;
  avg180: PerType<number>;
  avg365: PerType<number>;
  atIntervalStart: PerType<number>;
  min: PerType<ExtremePoint | null>;
  max: PerType<ExtremePoint | null>;
  minInInterval: PerType<ExtremePoint | null>;
  maxInInterval: PerType<ExtremePoint | null>;
  isLowest: PerType<boolean>;
  isLowest90: PerType<boolean>;
  outOfStockPercentageInInterval: PerType<number>;
  outOfStockPercentage30: PerType<number>;
  outOfStockPercentage90: PerType<number>;
  outOfStockPercentage180: PerType<number>;
  outOfStockPercentage365: PerType<number>;
  outOfStockCountAmazon30: number | null;
  outOfStockCountAmazon90: number | null;
  salesRankDrops30: number;
  salesRankDrops90: number;
  salesRankDrops180: number;
  salesRankDrops365: number;
  /** null without a monthlySoldHistory. */
  deltaPercent90_monthlySold: number | null;
  lightningDealInfo: [KeepaMinute, KeepaMinute] | null;
  lastOffersUpdate: KeepaMinute;
  lastBuyBoxUpdate: KeepaMinute | null;
  totalOfferCount: number;
  retrievedOfferCount: number;
  offerCountFBA: number;
  offerCountFBM: number;
  sellerIdsLowestFBA: string[] | null;
  sellerIdsLowestFBM: string[] | null;
  tradeInPrice: number;
  buyBoxPrice: number;
  buyBoxShipping: number;
  buyBoxSellerId: string | null;
  buyBoxIsAmazon: boolean | null;
  buyBoxIsFBA: boolean | null;
  buyBoxIsPrimeEligible: boolean | null;
  buyBoxIsPrimeExclusive: boolean | null;
  buyBoxIsFreeShippingEligible: boolean | null;
  buyBoxIsUsed: boolean | null;
  buyBoxIsUnqualified: boolean | null;
  buyBoxIsShippable: boolean | null;
  buyBoxIsPreorder: boolean | null;
  buyBoxIsBackorder: boolean | null;
  buyBoxIsMAP: boolean | null;
  buyBoxIsWarehouseDeal: boolean | null;
  buyBoxCondition: number | null;
  buyBoxAvailabilityMessage: string | null;
  buyBoxShippingCountry: string | null;
  /** Present only with a buy box observation, as Keepa omits them without `buybox`. */
  buyBoxSavingBasis?: number | null;
  buyBoxSavingBasisType?: string | null;
  buyBoxSavingPercentage?: number | null;
  buyBoxShippingTime?: [number, number] | null;
  buyBoxStats?: Record<string, BuyBoxSellerStats> | null;
}
