// Token costs of the discovery endpoints (keepa-api-more.md §7). Where Keepa leaves the
// rounding open, pricekeep rounds up and says so here and in the README.

/** /deal: per request (one page of up to 150 deals). */
export const COST_DEAL = 5;
/** /category: per request, also for a batch of up to 10 ids. */
export const COST_CATEGORY = 1;
/** /search?type=category. */
export const COST_CATEGORY_SEARCH = 1;
/** /bestsellers: when a list exists (0 when none does). */
export const COST_BESTSELLERS = 50;
/** /query: base cost; plus 1 per 100 ASINs returned, rounded up. */
export const COST_FINDER_BASE = 10;
/** /search?type=product: per page of up to 10 results. */
export const COST_SEARCH_PAGE = 10;

export function finderCost(asinsReturned: number): number {
  return COST_FINDER_BASE + Math.ceil(asinsReturned / 100);
}

/** 10 per page of up to 10 results returned; an empty answer still costs one page. */
export function productSearchCost(results: number): number {
  return COST_SEARCH_PAGE * Math.max(1, Math.ceil(results / 10));
}
