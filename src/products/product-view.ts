// What a /product request lets a client see of a stored product. Every stored history
// (all csv slots, reviews, buyBoxSellerIdHistory…) is served whatever the flags: Keepa
// leaves csv 15–18 null without buybox/rating because it would have to fetch them live,
// but we already hold them and a client that did not ask ignores the extra data (so the
// fixture's csv comes back whole for the plain `stats=180&history=1` request). Bulky
// optional fields stay behind their parameters: offers, videos, aPlus, rental,
// historicalVariations. Pure functions on an assembled product object; they mutate the
// fresh object they are given.
import { numericStride } from '../keepa/history-series.js';
import { TEXT_SERIES, type NumericSeriesName, type TextSeriesName } from '../keepa/history-series.js';
import type { KeepaProduct } from '../keepa/product-object.js';

export interface ProductView {
  readonly history: boolean;
  readonly buybox: boolean;
  readonly rating: boolean;
  /** `offers` count (20–100; Infinity for everything), null when not requested. */
  readonly offers: number | null;
  readonly onlyLiveOffers: boolean;
  readonly rental: boolean;
  readonly stock: boolean;
  readonly videos: boolean;
  readonly aplus: boolean;
  readonly historicalVariations: boolean;
}

/** Everything shown, nothing limited: what `export` prints. */
export const FULL_VIEW: ProductView = {
  history: true, buybox: true, rating: true, offers: Number.POSITIVE_INFINITY, onlyLiveOffers: false, rental: true,
  stock: true, videos: true, aplus: true, historicalVariations: true,
};

/**
 * Applies the request's visibility rules. Returns the number of stored offers returned
 * (they cost tokens per page of 10).
 */
export function applyView(product: KeepaProduct, view: ProductView): { offersReturned: number } {
  if (!view.videos) delete product.videos;
  if (!view.aplus) delete product.aPlus;
  if (!view.historicalVariations) delete product.historicalVariations;
  if (!(view.offers !== null && view.rental)) {
    delete product.rentalDetails;
    delete product.rentalSellerId;
    delete product.rentalPrices;
  }
  return { offersReturned: applyOffers(product, view) };
}

/**
 * `offers=N`: the stored offers (at most N), `[]` when none are stored, and
 * buyBoxUsedHistory beside them (`[]` when none is stored), as Keepa sends both with offers
 * (the 55 book responses of ../shared/fixtures/keepa/more); Keepa's Python client's example
 * indexes both directly. Without `offers`, neither offers field is sent.
 */
function applyOffers(product: KeepaProduct, view: ProductView): number {
  const stored = product.offers;
  if (view.offers === null) {
    delete product.offers;
    return 0;
  }
  if (!Array.isArray(product.buyBoxUsedHistory)) product.buyBoxUsedHistory = [];
  if (!Array.isArray(stored)) {
    product.offers = [];
    return 0;
  }
  let offers: unknown[] = stored;
  if (view.onlyLiveOffers && Array.isArray(product.liveOffersOrder)) {
    const live = new Set(product.liveOffersOrder as number[]);
    offers = stored.filter((_, index) => live.has(index));
  }
  offers = offers.slice(0, view.offers);
  if (!view.stock) {
    offers = offers.map((offer) => {
      if (typeof offer !== 'object' || offer === null || !('stockCSV' in offer)) return offer;
      const { stockCSV: _stock, ...rest } = offer as Record<string, unknown>;
      return rest;
    });
  }
  product.offers = offers;
  return offers.length;
}

// ---- history limits ----

const TEXT_FIELDS = Object.keys(TEXT_SERIES) as TextSeriesName[];

/**
 * Keeps the points at or after `from`; the value in force at `from` is kept as a point
 * re-timed to `from` (as `export --days` does in SQL), so the series still says what held.
 */
export function cutSeries<T>(flat: readonly T[], stride: number, from: number): T[] {
  let first = 0;
  while (first < flat.length && Number(flat[first]) < from) first += stride;
  if (first === 0) return flat as T[];
  const out = flat.slice(first);
  if (first < flat.length && Number(flat[first]) === from) return out;
  const carried = flat.slice(first - stride, first);
  carried[0] = (typeof flat[0] === 'string' ? String(from) : from) as T;
  return [...carried, ...out];
}

/** `days`: every history of the product limited to the minutes from `from` on. */
export function limitHistory(product: KeepaProduct, from: number): void {
  const csv = product.csv;
  if (Array.isArray(csv)) {
    for (let i = 0; i < csv.length; i++) {
      const series = csv[i];
      if (series) csv[i] = cutSeries(series, numericStride(`csv:${i}`), from);
    }
  }
  const ranks = product.salesRanks;
  if (ranks && typeof ranks === 'object') {
    for (const [category, series] of Object.entries(ranks as Record<string, number[]>)) {
      (ranks as Record<string, number[]>)[category] = cutSeries(series, 2, from);
    }
  }
  for (const name of ['monthlySoldHistory', 'couponHistory'] as const satisfies readonly NumericSeriesName[]) {
    const series = product[name];
    if (Array.isArray(series)) product[name] = cutSeries(series, numericStride(name), from);
  }
  const reviews = product.reviews as Record<string, unknown> | undefined;
  if (reviews && typeof reviews === 'object') {
    for (const key of ['ratingCount', 'reviewCount']) {
      const series = reviews[key];
      if (Array.isArray(series)) reviews[key] = cutSeries(series, 2, from);
    }
  }
  for (const name of TEXT_FIELDS) {
    const series = product[name];
    if (Array.isArray(series)) product[name] = cutSeries(series, TEXT_SERIES[name].stride, from);
  }
}

/** `history=0`: no csv and no other history in the answer. */
export function dropHistory(product: KeepaProduct): void {
  (product as Record<string, unknown>).csv = null;
  for (const name of ['salesRanks', 'monthlySoldHistory', 'couponHistory', ...TEXT_FIELDS]) {
    if (name in product) product[name] = null;
  }
  const reviews = product.reviews as Record<string, unknown> | undefined;
  if (reviews && typeof reviews === 'object') {
    delete reviews.ratingCount;
    delete reviews.reviewCount;
  }
}
