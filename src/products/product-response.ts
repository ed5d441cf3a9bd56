// Stored products → the Keepa product objects of a /product answer (and of `export`):
// read once, assembled once, visibility rules applied, stats computed once per product,
// history limited or dropped last.
import { MINUTES_PER_DAY, type KeepaMinute } from '../keepa/time.js';
import { assembleKeepaProduct, buyBoxObservationOf, emptyKeepaProduct, lastOffersUpdateOf, type KeepaProduct } from '../keepa/product-object.js';
import type { StatsInterval } from '../keepa/stats.js';
import { offerFulfilment } from '../keepa/stats-input.js';
import { readProducts, type ReadWindow, type Store } from '../store/index.js';
import { productStats } from './product-stats.js';
import { applyView, dropHistory, limitHistory, type ProductView } from './product-view.js';

export interface ProductQuery extends ProductView {
  readonly domainId: number;
  /** Answered in this order; unknown ASINs come back as Keepa's empty (productType 4) object. */
  readonly asins: readonly string[];
  readonly stats: StatsInterval | null;
  /** Limit every history to the last N days before `now`. */
  readonly days: number | null;
}

export interface LoadOptions {
  /** The moment the answer is computed for (stats "now", `days` anchor). */
  readonly now: KeepaMinute;
  /** Leave out every point after `now` (`export --as-of`: the data as it was then). */
  readonly asOf?: boolean;
}

export interface ProductAnswer {
  readonly products: KeepaProduct[];
  /** How many of the requested ASINs we hold. */
  readonly found: number;
  /** Stored offers returned, per stored product (`offers` is charged per page of 10). */
  readonly offerCounts: number[];
}

/**
 * Builds the product objects for `query` as of `options.now`. Stats need the whole history
 * (min/max are all-time), so with `stats` the series are read in full and `days` is applied
 * in memory afterwards; without, `days` narrows the read itself.
 */
export async function loadKeepaProducts(store: Store, query: ProductQuery, options: LoadOptions): Promise<ProductAnswer> {
  const { now } = options;
  const daysFrom = query.days !== null ? now - query.days * MINUTES_PER_DAY : undefined;
  const window: ReadWindow = {
    // no history and no stats: the rows alone
    ...(query.stats === null && !query.history && { series: false }),
    ...(query.stats === null && daysFrom !== undefined && { from: daysFrom }),
    ...(options.asOf && { to: now }),
  };
  const stored = await readProducts(store, query.domainId, query.asins, window);

  const products: KeepaProduct[] = [];
  const offerCounts: number[] = [];
  for (const asin of query.asins) {
    const parts = stored.get(asin);
    if (!parts) {
      products.push(emptyKeepaProduct(query.domainId, asin));
      continue;
    }
    const product = assembleKeepaProduct(parts);
    // Read before the view cuts the offers to what the request asked for.
    const fulfilment = offerFulfilment(product.offers);
    offerCounts.push(applyView(product, query).offersReturned);
    if (query.stats !== null) {
      product.stats = productStats(product, {
        interval: query.stats,
        now,
        buyBox: query.buybox || query.offers !== null,
        lastOffersUpdate: lastOffersUpdateOf(parts),
        buyBoxObservation: buyBoxObservationOf(parts),
        offers: query.offers !== null,
        offerFulfilment: fulfilment,
      });
      if (daysFrom !== undefined) limitHistory(product, daysFrom);
    }
    if (!query.history) dropHistory(product);
    products.push(product);
  }
  return { products, found: stored.size, offerCounts };
}
