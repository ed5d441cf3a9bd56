// computeStats: Keepa's Statistics Object (product.stats) from stored csv series, as
// keepa-semantics.md "Stats" defines it. Pure; O(points) per window; one pair of typed
// arrays per series and no per-point objects.
import { CSV } from './csv-type.js';
import { buyBoxFields, buyBoxStats, savingPercentage } from './stats-buy-box.js';
import { deltaPercent90MonthlySold } from './stats-monthly-sold.js';
import { lightningDealInfo, salesRankDrops, totalOfferCount } from './stats-events.js';
import { perTypeStats, viewAll } from './stats-per-type.js';
import type { KeepaStats, StatsInput } from './stats-types.js';
import { outOfStockCount } from './stats-window.js';
import { MINUTES_PER_DAY } from './time.js';

export { truncateCsvAt } from './series.js';
export { parseStatsParam, StatsParamError, type StatsInterval } from './stats-interval.js';
export type { BuyBoxSellerStats, BuyBoxSnapshot, KeepaStats, StatsInput } from './stats-types.js';

const OFFER_COUNT_TYPES = [CSV.COUNT_NEW, CSV.COUNT_USED, CSV.COUNT_REFURBISHED, CSV.COUNT_COLLECTIBLE];
const AMAZON_SELLER_ID = 'ATVPDKIKX0DER';

export function computeStats(input: StatsInput): KeepaStats {
  const { csv, now } = input;
  const views = viewAll(csv, now);
  const perType = perTypeStats(views, input);
  const daysAgo = (days: number) => now - days * MINUTES_PER_DAY;

  // A refresh after `now` (an --as-of replay) has not happened yet as of now.
  const lastUpdate = input.lastUpdate != null && input.lastUpdate <= now ? input.lastUpdate : null;
  // Keepa counts rank drops when it refreshes the product, not at request time.
  const rankAsOf = lastUpdate ?? now;
  const rank = views[CSV.SALES];
  const drops = (days: number) => salesRankDrops(rank, rankAsOf - days * MINUTES_PER_DAY, rankAsOf);

  const amazon = views[CSV.AMAZON];
  const amazonOutOfStock = (days: number) => (csv[CSV.AMAZON] ? outOfStockCount(amazon, daysAgo(days), now) : null);

  const extraInfo = views[CSV.EXTRA_INFO_UPDATES];
  const offersRead = input.lastOffersUpdate != null && input.lastOffersUpdate <= now ? input.lastOffersUpdate : null;
  const lastOffersUpdate = offersRead ?? lastUpdate ?? (extraInfo.length > 0 ? extraInfo.times[extraInfo.length - 1] : -1);
  // Without a TRADE_IN series Keepa answers -1 when it read the offer listing (offers=N:
  // the 55 book snapshots) and -2 when it did not (the JP and B0D8W1YVBX responses).
  const tradeIn = csv[CSV.TRADE_IN] ? perType.current[CSV.TRADE_IN] : input.offers ? -1 : -2;

  const stats: KeepaStats = {
    ...perType,
    outOfStockCountAmazon30: amazonOutOfStock(30),
    outOfStockCountAmazon90: amazonOutOfStock(90),
    salesRankDrops30: drops(30),
    salesRankDrops90: drops(90),
    salesRankDrops180: drops(180),
    salesRankDrops365: drops(365),
    deltaPercent90_monthlySold: deltaPercent90MonthlySold(input.monthlySoldHistory, now),
    lightningDealInfo: lightningDealInfo(csv[CSV.LIGHTNING_DEAL], now),
    lastOffersUpdate,
    totalOfferCount: totalOfferCount(views, now, OFFER_COUNT_TYPES),
    // The next five need the offer listing (Keepa's `offers` parameter), which we do not read.
    retrievedOfferCount: -2,
    offerCountFBA: -2,
    offerCountFBM: -2,
    sellerIdsLowestFBA: null,
    sellerIdsLowestFBM: null,
    tradeInPrice: tradeIn,
    ...buyBoxFields(input.buyBox),
  };
  const snapshot = input.buyBox;
  if (snapshot) {
    // Keepa sends these four only when its offer fetch read them (the stats180 fixture has
    // them, none of the 55 book responses does): an observation without them leaves them out.
    if (snapshot.savingBasis !== undefined || snapshot.savingBasisType !== undefined) {
      stats.buyBoxSavingBasis = snapshot.savingBasis ?? null;
      stats.buyBoxSavingBasisType = snapshot.savingBasisType ?? null;
      stats.buyBoxSavingPercentage = savingPercentage(snapshot.price, snapshot.savingBasis);
    }
    if (snapshot.shippingTime !== undefined) {
      stats.buyBoxShippingTime = snapshot.shippingTime ? [snapshot.shippingTime[0], snapshot.shippingTime[1]] : null;
    }
    const history = input.buyBoxSellerIdHistory;
    const fba = input.fbaSellerIds;
    const sellers = history
      ? buyBoxStats(
          {
            history,
            price: views[CSV.BUY_BOX_SHIPPING],
            newCount: views[CSV.COUNT_NEW],
            usedCount: views[CSV.COUNT_USED],
            // Known FBA sellers if the caller has them, else what the product's offers say of
            // the seller (184297291X_us.json: three past winners are FBA), else what the latest
            // buy box says of its own seller; Amazon's own offers are fulfilled by Amazon.
            isFBA: (sellerId) =>
              fba?.has(sellerId) ??
              input.offerFulfilment?.get(sellerId) ??
              (sellerId === snapshot.sellerId && snapshot.isFBA != null ? snapshot.isFBA : sellerId === AMAZON_SELLER_ID),
          },
          Math.min(input.interval.start, now),
          Math.min(input.interval.end, now),
        )
      : null;
    // Keepa leaves the key out when no seller won a minute (1580626130_us.json) or the
    // interval is empty (B09X7MPX8L_us.json, stats=0).
    if (sellers && Object.keys(sellers).length > 0) stats.buyBoxStats = sellers;
  }
  return stats;
}
