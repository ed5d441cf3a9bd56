// A minimal clean product as the scraper returns it, for scheduler tests that do not
// need a real page.
import type { ScrapedProduct } from '../../src/scraper/index.js';

export function scraped(asin: string, priceMinor: number): ScrapedProduct {
  return {
    asin, title: `Product ${asin}`, brand: 'Acme', manufacturer: null, parent_asin: null, images: [], category: [],
    price_minor: priceMinor, price_buybox_minor: priceMinor, price_strikethrough_minor: null, shipping_minor: 0,
    in_stock: true, is_amazon_seller: true, new_offer_count: null, new_price_minor: null, used_price_minor: null,
    rating: 4.5, reviews_count: 100, sales_rank: [{ rank: 1000, category: 'Toys', category_id: null, ladder: [] }],
    coupon: null, monthly_sold: null, buybox: [], featured_merchant: null,
  } as unknown as ScrapedProduct;
}

/** A seeded PRNG (mulberry32, the benchmarks' own): the same jitter on every run. */
export { mulberry32 as seededRandom } from '../../bench/prng.js';
