// Compares an extraction with a fixture sidecar's hand-checked `expected` values, field by
// field. Shared by `npm run accuracy` and the fixture tests so both judge the same way.
// Sidecar keys name Keepa-ish concepts; each maps to one output field here.
import type { ProductExtraction, SearchExtraction } from '../../src/scraper/types.js';

/** `error` pages (our own fixtures) expect `{ "error": "<ASA code>" }`. */
export type PageKind = 'product' | 'search' | 'captcha' | 'error';

export interface Sidecar {
  readonly marketplace: string;
  readonly page_kind: PageKind;
  readonly expected: Record<string, unknown>;
  /** Our own pages written in Amazon's markup (not saved from Amazon). */
  readonly synthetic?: boolean;
  /** The ASIN the page was requested for, when the page itself does not name it. */
  readonly request_asin?: string;
  readonly notes?: string;
}

export interface FieldCheck {
  readonly field: string;
  readonly ok: boolean;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** Sidecar key → how to read it from a product extraction. */
const PRODUCT_FIELDS: Readonly<Record<string, (p: Extract<ProductExtraction, { ok: true }>['product']) => unknown>> = {
  asin: (p) => p.asin,
  title: (p) => p.title,
  price: (p) => p.price_minor,
  currency: (p) => p.currency,
  list_price: (p) => p.price_strikethrough_minor,
  rating: (p) => p.rating,
  review_count: (p) => p.reviews_count,
  in_stock: (p) => p.in_stock,
  brand: (p) => p.brand,
  best_sellers_rank: (p) => p.sales_rank.map((r) => ({ rank: r.rank, category: r.category })),
  coupon: (p) => (p.coupon === null ? null : p.coupon.type === 'percent' ? { type: 'percent', percent: p.coupon.percent } : { type: 'amount', minor: p.coupon.minor }),
  monthly_sold: (p) => p.monthly_sold,
  is_amazon_seller: (p) => p.is_amazon_seller,
  shipping: (p) => p.shipping_minor,
  new_offer_count: (p) => p.new_offer_count,
  new_price: (p) => p.new_price_minor,
  used_offer_count: (p) => p.used_offer_count,
  used_price: (p) => p.used_price_minor,
};

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function checkProduct(result: ProductExtraction, expected: Record<string, unknown>): FieldCheck[] {
  return Object.entries(expected).map(([field, want]) => {
    const read = PRODUCT_FIELDS[field];
    const actual = !read ? `(no mapping for "${field}")` : result.ok ? read(result.product) : `error: ${result.error.code}`;
    return { field, ok: read !== undefined && result.ok && same(actual, want), expected: want, actual };
  });
}

export function checkSearch(result: SearchExtraction, expected: Record<string, unknown>): FieldCheck[] {
  const organic = result.ok ? result.search.products.filter((p) => !p.is_sponsored) : [];
  return Object.entries(expected).map(([field, want]) => {
    let actual: unknown;
    if (!result.ok) actual = `error: ${result.error.code}`;
    else if (field === 'organic_count') actual = organic.length;
    else if (field === 'first_results') {
      const n = Array.isArray(want) ? want.length : 0;
      actual = organic.slice(0, n).map((p) => ({ asin: p.asin, price: p.price_minor, currency: p.currency }));
    } else actual = `(no mapping for "${field}")`;
    return { field, ok: result.ok && same(actual, want), expected: want, actual };
  });
}

/** A page that must be refused with an ASA code (robot check → `blocked_by_amazon`). */
export function checkRefusal(result: ProductExtraction, code: string): FieldCheck[] {
  const actual = result.ok ? `product ${result.product.asin}` : result.error.code;
  return [{ field: 'classification', ok: actual === code, expected: code, actual }];
}
