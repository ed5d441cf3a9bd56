// Keepa's buy box observation as its Statistics Object reports it (stats.buyBox*,
// lastBuyBoxUpdate): what the offer listing said at Keepa's last fetch. An import keeps
// it (splitKeepaProduct), the golden comparisons feed it to the engine.
import type { BuyBoxSnapshot } from './stats-types.js';

/** What Keepa's own buy box observation was, read back from its stats object. */
export function buyBoxSnapshotFromKeepaStats(stats: Readonly<Record<string, any>>): BuyBoxSnapshot {
  return {
    observedAt: stats.lastBuyBoxUpdate,
    price: stats.buyBoxPrice,
    shipping: stats.buyBoxShipping,
    sellerId: stats.buyBoxSellerId,
    isAmazon: stats.buyBoxIsAmazon,
    isFBA: stats.buyBoxIsFBA,
    isPrimeEligible: stats.buyBoxIsPrimeEligible,
    isPrimeExclusive: stats.buyBoxIsPrimeExclusive,
    isFreeShippingEligible: stats.buyBoxIsFreeShippingEligible,
    isUsed: stats.buyBoxIsUsed,
    isUnqualified: stats.buyBoxIsUnqualified,
    isShippable: stats.buyBoxIsShippable,
    isPreorder: stats.buyBoxIsPreorder,
    isBackorder: stats.buyBoxIsBackorder,
    isMAP: stats.buyBoxIsMAP,
    isWarehouseDeal: stats.buyBoxIsWarehouseDeal,
    condition: stats.buyBoxCondition,
    availabilityMessage: stats.buyBoxAvailabilityMessage,
    shippingCountry: stats.buyBoxShippingCountry,
    // Absent keys stay absent (undefined): Keepa sent no saving basis or shipping time.
    ...('buyBoxSavingBasis' in stats && { savingBasis: stats.buyBoxSavingBasis }),
    ...('buyBoxSavingBasisType' in stats && { savingBasisType: stats.buyBoxSavingBasisType }),
    ...('buyBoxShippingTime' in stats && { shippingTime: stats.buyBoxShippingTime }),
  };
}
