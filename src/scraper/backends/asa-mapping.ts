// ASA JSON → our types. ASA sends decimal prices (299.99); the exact minor units are
// derived from their decimal text, never by multiplying floats. When the hosted API is
// itself a pricekeep instance, its extra fields (price_minor, in_stock, coupon…) pass through.
import { MARKETPLACES, type MarketplaceTld } from '../../marketplaces.js';
import { codeForStatus, isScrapeErrorCode, SCRAPE_ERRORS, scrapeError, type ScrapeError, type ScrapeErrorCode } from '../errors.js';
import { isAmazonSeller } from '../extract/amazon-seller.js';
import { FREE_DELIVERY, IN_STOCK, OUT_OF_STOCK } from '../locale/phrases.js';
import { decimalToMinor } from '../locale/price.js';
import type { Coupon, Merchant, SalesRank, ScrapedProduct, SearchProduct, SearchResult } from '../types.js';

type Json = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);

function minorOf(data: Json, minorKey: string, decimalKey: string, currency: string): number | null {
  return int(data[minorKey]) ?? decimalToMinor(num(data[decimalKey]), currency);
}

function salesRanks(value: unknown): SalesRank[] {
  return list(value).flatMap((entry) => {
    const e = obj(entry);
    const rank = int(e?.rank);
    if (!e || rank === null) return [];
    const ladder = list(e.ladder).map((s) => ({ name: str(obj(s)?.name) ?? '', url: str(obj(s)?.url) }));
    const category = str(e.category) ?? ladder[ladder.length - 1]?.name ?? '';
    const nodeId = str(e.category_id) ?? (ladder[ladder.length - 1]?.url ? /\/(\d{3,})(?:\/|$)/.exec(ladder[ladder.length - 1].url!)?.[1] ?? null : null);
    return [{ rank, category, category_id: nodeId, ladder: ladder.length > 0 ? ladder : [{ name: category, url: null }] }];
  });
}

function inStockOf(data: Json): boolean | null {
  const explicit = bool(data.in_stock);
  if (explicit !== null) return explicit;
  const stock = str(data.stock);
  if (!stock) return null;
  if (OUT_OF_STOCK.test(stock)) return false;
  return IN_STOCK.test(stock) ? true : null;
}

function couponOf(value: unknown): Coupon | null {
  const c = obj(value);
  if (!c) return null;
  if (c.type === 'percent' && num(c.percent) !== null) return { type: 'percent', percent: num(c.percent)!, text: str(c.text) ?? '' };
  if (c.type === 'amount' && int(c.minor) !== null) return { type: 'amount', minor: int(c.minor)!, currency: str(c.currency) ?? '', text: str(c.text) ?? '' };
  return null;
}

export function productFromAsa(data: Json, requestedAsin: string, tld: MarketplaceTld): ScrapedProduct {
  const market = MARKETPLACES.get(tld)!;
  const currency = str(data.currency) ?? market.currency;
  const merchantJson = obj(data.featured_merchant);
  const merchant: Merchant | null = merchantJson
    ? { name: str(merchantJson.name), seller_id: str(merchantJson.seller_id), is_amazon_fulfilled: bool(merchantJson.is_amazon_fulfilled) }
    : null;
  const delivery = list(data.delivery).map((d) => {
    const e = obj(d) ?? {};
    const type = str(e.type) ?? '';
    return { type, date: obj(e.date) && str(obj(e.date)!.by) ? { by: str(obj(e.date)!.by)! } : null, price_minor: int(e.price_minor) ?? (FREE_DELIVERY.test(type) ? 0 : null) };
  });
  const buyboxJson = list(data.buybox).map((b) => obj(b) ?? {});
  const title = str(data.title) ?? str(data.product_name);
  return {
    asin: str(data.asin) ?? requestedAsin,
    asin_in_url: str(data.asin_in_url) ?? requestedAsin,
    parent_asin: str(data.parent_asin),
    url: str(data.url) ?? `https://${market.host}/dp/${requestedAsin}`,
    domain: tld,
    page: int(data.page) ?? 1,
    page_type: 'Product',
    title,
    product_name: str(data.product_name) ?? title,
    description: str(data.description),
    bullet_points: str(data.bullet_points),
    brand: str(data.brand),
    manufacturer: str(data.manufacturer),
    store_url: str(data.store_url),
    price: num(data.price),
    price_buybox: num(data.price_buybox),
    price_strikethrough: num(data.price_strikethrough),
    currency,
    pricing_count: int(data.pricing_count),
    stock: str(data.stock),
    is_prime: bool(data.is_prime),
    max_quantity: int(data.max_quantity),
    delivery,
    featured_merchant: merchant,
    buybox: buyboxJson.map((b) => ({
      price: num(b.price),
      price_minor: minorOf(b, 'price_minor', 'price', currency),
      seller_name: str(b.seller_name),
      seller_id: str(b.seller_id),
      stock: str(b.stock),
      returns: str(b.returns),
      shipping_minor: int(b.shipping_minor),
    })),
    category: list(data.category).map((c) => ({ ladder: list(obj(c)?.ladder).map((s) => ({ name: str(obj(s)?.name) ?? '', url: str(obj(s)?.url) })) })),
    rating: num(data.rating),
    reviews_count: int(data.reviews_count),
    rating_stars_distribution: list(data.rating_stars_distribution).flatMap((r) => {
      const e = obj(r);
      return e && int(e.rating) !== null && num(e.percentage) !== null ? [{ rating: int(e.rating)!, percentage: num(e.percentage)! }] : [];
    }),
    reviews: list(data.reviews).map((r) => {
      const e = obj(r) ?? {};
      return {
        id: str(e.id), author: str(e.author), title: str(e.title), content: str(e.content), rating: num(e.rating),
        timestamp: str(e.timestamp), is_verified: e.is_verified === true, helpful_count: int(e.helpful_count),
      };
    }),
    answered_questions_count: int(data.answered_questions_count),
    variations: list(data.variations).flatMap((v) => {
      const e = obj(v);
      const asin = str(e?.asin);
      if (!e || !asin) return [];
      const dims = Object.fromEntries(Object.entries(obj(e.dimensions) ?? {}).map(([k, val]) => [k, String(val)]));
      return [{ asin, dimensions: dims, selected: e.selected === true }];
    }),
    images: list(data.images).filter((u): u is string => typeof u === 'string'),
    has_videos: data.has_videos === true,
    product_details: Object.fromEntries(Object.entries(obj(data.product_details) ?? {}).map(([k, val]) => [k, String(val)])),
    product_dimensions: str(data.product_dimensions),
    sales_rank: salesRanks(data.sales_rank),
    price_minor: minorOf(data, 'price_minor', 'price', currency),
    price_buybox_minor: minorOf(data, 'price_buybox_minor', 'price_buybox', currency),
    price_strikethrough_minor: minorOf(data, 'price_strikethrough_minor', 'price_strikethrough', currency),
    shipping_minor: int(data.shipping_minor) ?? (delivery.length > 0 ? delivery[0].price_minor : null),
    coupon: couponOf(data.coupon),
    in_stock: inStockOf(data),
    is_amazon_seller: bool(data.is_amazon_seller) ?? (merchant ? isAmazonSeller(merchant.name, merchant.seller_id) : null),
    new_offer_count: int(data.new_offer_count),
    new_price_minor: int(data.new_price_minor),
    used_offer_count: int(data.used_offer_count),
    used_price_minor: int(data.used_price_minor),
    monthly_sold: int(data.monthly_sold),
  };
}

export function searchFromAsa(data: Json, tld: MarketplaceTld): SearchResult {
  const market = MARKETPLACES.get(tld)!;
  const products: SearchProduct[] = list(data.products).flatMap((p) => {
    const e = obj(p);
    const asin = str(e?.asin);
    if (!e || !asin) return [];
    const currency = str(e.currency) ?? market.currency;
    return [{
      asin,
      title: str(e.title),
      url: str(e.url),
      price: num(e.price),
      price_minor: minorOf(e, 'price_minor', 'price', currency),
      price_strikethrough: num(e.price_strikethrough),
      price_strikethrough_minor: minorOf(e, 'price_strikethrough_minor', 'price_strikethrough', currency),
      currency,
      rating: num(e.rating),
      reviews_count: int(e.reviews_count),
      image: str(e.image),
      is_prime: e.is_prime === true,
      is_amazons_choice: e.is_amazons_choice === true,
      is_sponsored: e.is_sponsored === true,
      best_seller: e.best_seller === true,
      organic_position: int(e.organic_position),
      sponsored_position: int(e.sponsored_position),
      shipping_information: str(e.shipping_information),
      manufacturer: str(e.manufacturer),
      is_video: e.is_video === true,
      monthly_sold: int(e.monthly_sold),
    }];
  });
  return { page: int(data.page) ?? 1, domain: tld, url: null, products, html: null };
}

/** An ASA error response → the same code (one to one), its message, and when to retry. */
export function errorFromAsa(status: number, body: unknown, retryAfterMs: number | undefined): ScrapeError {
  const json = obj(body);
  const named = json?.error;
  const code: ScrapeErrorCode = isScrapeErrorCode(named) ? named : codeForStatus(status);
  const message = str(json?.message) ?? `ASA answered HTTP ${status}${typeof named === 'string' ? ` (${named})` : ''}`;
  return scrapeError(code, message, { retryAfterMs: retryAfterMs ?? SCRAPE_ERRORS[code].recommendedWaitMs });
}
