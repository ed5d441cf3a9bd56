// One scraped product page → the Keepa series points it implies at the scrape's minute.
// Pure. The input is declared here (the scraper's ScrapedProduct satisfies it
// structurally) so the Keepa model does not depend on the scraper. A value the page did
// not show writes nothing: only what was observed becomes a point.
import { CSV } from './csv-type.js';
import type { NumericSeriesName, TextSeriesName } from './history-series.js';
import type { KeepaMinute } from './time.js';

export interface ScrapedPage {
  readonly asin: string;
  readonly title: string | null;
  readonly brand: string | null;
  readonly manufacturer: string | null;
  readonly parent_asin: string | null;
  readonly images: readonly string[];
  readonly category: ReadonlyArray<{ readonly ladder: ReadonlyArray<{ readonly name: string; readonly url: string | null }> }>;
  readonly price_minor: number | null;
  readonly price_buybox_minor: number | null;
  readonly price_strikethrough_minor: number | null;
  readonly shipping_minor: number | null;
  readonly in_stock: boolean | null;
  readonly is_amazon_seller: boolean | null;
  readonly new_offer_count: number | null;
  readonly new_price_minor: number | null;
  readonly used_price_minor: number | null;
  readonly rating: number | null;
  readonly reviews_count: number | null;
  readonly sales_rank: ReadonlyArray<{ readonly rank: number; readonly category: string; readonly category_id: string | null }>;
  readonly coupon:
    | { readonly type: 'amount'; readonly minor: number }
    | { readonly type: 'percent'; readonly percent: number }
    | null;
  readonly monthly_sold: number | null;
  readonly buybox: ReadonlyArray<{ readonly seller_id: string | null }>;
  readonly featured_merchant: { readonly seller_id: string | null } | null;
}

export interface MappedObservation {
  readonly domainId: number;
  readonly asin: string;
  readonly at: KeepaMinute;
  readonly numeric: Array<{ name: NumericSeriesName; value: number; second?: number | null }>;
  readonly text: Array<{ name: TextSeriesName; values: string[] }>;
  readonly meta: Record<string, unknown>;
}

const csv = (index: number): NumericSeriesName => `csv:${index}`;

/** `https://…/images/I/71mo6NjnxaL._AC_SL1500_.jpg` → Keepa's image object `{ l: '71mo6NjnxaL.jpg' }`. */
export function keepaImage(url: string): { l: string } | null {
  const file = url.split('/').pop()?.split('?')[0];
  if (!file) return null;
  const match = /^([^.]+)(?:\..*)?\.(jpg|jpeg|png|gif|webp)$/i.exec(file);
  return match ? { l: `${match[1]}.${match[2]!.toLowerCase()}` } : null;
}

/** Browse node id in a category URL (`…/b?node=3736721`, `…/zgbs/…/3736721/…`). */
function nodeIdOf(url: string | null): number | null {
  if (!url) return null;
  const match = /[?&]node=(\d+)/.exec(url) ?? /\/(\d{3,})(?:\/|\?|$)/.exec(url);
  return match ? Number(match[1]) : null;
}

export function mapObservation(page: ScrapedPage, domainId: number, at: KeepaMinute): MappedObservation {
  const numeric: MappedObservation['numeric'] = [];
  const text: MappedObservation['text'] = [];
  const outOfStock = page.in_stock === false;
  const offerPrice = page.price_buybox_minor ?? page.price_minor;

  // AMAZON: Amazon's own offer; another seller in the buy box means no Amazon offer seen.
  if (outOfStock) numeric.push({ name: csv(CSV.AMAZON), value: -1 });
  else if (page.is_amazon_seller === true && offerPrice !== null) numeric.push({ name: csv(CSV.AMAZON), value: offerPrice });
  else if (page.is_amazon_seller === false) numeric.push({ name: csv(CSV.AMAZON), value: -1 });

  // NEW: the lowest new price ("New (3) from $X"), else the buy box offer, which is new.
  const lowestNew = page.new_price_minor ?? offerPrice;
  if (outOfStock) numeric.push({ name: csv(CSV.NEW), value: -1 });
  else if (lowestNew !== null) numeric.push({ name: csv(CSV.NEW), value: lowestNew });

  if (page.used_price_minor !== null) numeric.push({ name: csv(CSV.USED), value: page.used_price_minor });
  if (page.price_strikethrough_minor !== null) numeric.push({ name: csv(CSV.LISTPRICE), value: page.price_strikethrough_minor });
  if (page.new_offer_count !== null) numeric.push({ name: csv(CSV.COUNT_NEW), value: page.new_offer_count });
  if (page.rating !== null) numeric.push({ name: csv(CSV.RATING), value: Math.round(page.rating * 10) });
  if (page.reviews_count !== null) numeric.push({ name: csv(CSV.COUNT_REVIEWS), value: page.reviews_count });

  // BUY_BOX_SHIPPING: [price, shipping]; no buy box (out of stock) is [-1, -1].
  if (outOfStock) numeric.push({ name: csv(CSV.BUY_BOX_SHIPPING), value: -1, second: -1 });
  else if (offerPrice !== null) {
    numeric.push({ name: csv(CSV.BUY_BOX_SHIPPING), value: offerPrice, second: page.shipping_minor ?? 0 });
  }

  const [main] = page.sales_rank;
  if (main) numeric.push({ name: csv(CSV.SALES), value: main.rank });
  for (const rank of page.sales_rank) {
    if (rank.category_id) numeric.push({ name: `salesRanks:${rank.category_id}`, value: rank.rank });
  }

  if (page.monthly_sold !== null) numeric.push({ name: 'monthlySoldHistory', value: page.monthly_sold });
  // couponHistory: [oneTime, subscribeAndSave]; amounts positive, percentages negative.
  const coupon = page.coupon;
  if (coupon) {
    numeric.push({ name: 'couponHistory', value: coupon.type === 'amount' ? coupon.minor : -coupon.percent, second: 0 });
  } else if (!outOfStock) {
    numeric.push({ name: 'couponHistory', value: 0, second: 0 });
  }

  const sellerId = page.buybox[0]?.seller_id ?? page.featured_merchant?.seller_id ?? null;
  if (outOfStock) text.push({ name: 'buyBoxSellerIdHistory', values: ['-2'] });
  else if (sellerId) text.push({ name: 'buyBoxSellerIdHistory', values: [sellerId] });

  const ladder = page.category[0]?.ladder ?? [];
  const categoryTree = ladder
    .map((step) => ({ catId: nodeIdOf(step.url), name: step.name }))
    .filter((c): c is { catId: number; name: string } => c.catId !== null);
  const meta: Record<string, unknown> = {
    productType: 0,
    title: page.title,
    brand: page.brand,
    manufacturer: page.manufacturer,
    parentAsin: page.parent_asin,
    images: page.images.map(keepaImage).filter((i) => i !== null),
    lastUpdate: at,
    // The product page's buy box is the offer data a scrape reads (stats.lastOffersUpdate).
    lastOffersUpdate: at,
  };
  if (page.rating !== null || page.reviews_count !== null) meta.lastRatingUpdate = at;
  if (page.monthly_sold !== null) {
    meta.monthlySold = page.monthly_sold;
    meta.lastSoldUpdate = at;
  }
  if (categoryTree.length > 0) {
    meta.categoryTree = categoryTree;
    meta.rootCategory = categoryTree[0]!.catId;
    meta.categories = [categoryTree[categoryTree.length - 1]!.catId];
  }
  if (coupon) meta.coupon = [coupon.type === 'amount' ? coupon.minor : -coupon.percent, 0];
  return { domainId, asin: page.asin, at, numeric, text, meta };
}
