// The discovery read side in one place: every request first brings the summaries of
// products written since the last summary tick up to date (bounded), so an answer never
// misses a write the summary job has not reached yet.
import { keepaNow } from '../keepa/time.js';
import type { Store } from './database.js';
import { refreshStaleSummaries } from './summary-refresh.js';

export { findBySelection, finderStatement, type FinderResult } from './finder-query.js';
export { findDeals, dealStatement, type DealsAnswer } from './deal-query.js';
export {
  bestSellers, categoryParents, lookupCategories, searchCategories,
  type BestSellersList, type BestSellersQuery, type CategoryObject,
} from './category-query.js';
export { searchProductTitles } from './product-search.js';

/** Recomputes up to `limit` stale summaries as of the clock's minute. */
export async function catchUpSummaries(store: Store, clock: () => number, limit: number): Promise<number> {
  if (limit <= 0) return 0;
  return refreshStaleSummaries(store, keepaNow(clock), limit);
}
