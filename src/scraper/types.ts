// The scraper's public value types. Field names of products and search results follow
// ASA's response schemas (snake_case, decimal prices) so that the ASA-compatible API can
// serve them as they are; the `*_minor` fields carry the same prices as exact integers in
// minor units, which is what the tracker stores. A field the page does not show is null
// (an empty array for lists), never guessed.
import type { MarketplaceTld } from '../marketplaces.js';
import type { ScrapeError, ScrapeErrorCode } from './errors.js';

export interface LadderStep {
  readonly name: string;
  readonly url: string | null;
}

export interface SalesRank {
  readonly rank: number;
  readonly category: string;
  /** Amazon browse node id when the page links it (sub-categories), else null. */
  readonly category_id: string | null;
  /** ASA's shape of the same entry. */
  readonly ladder: readonly LadderStep[];
}

export type Coupon =
  | { readonly type: 'amount'; readonly minor: number; readonly currency: string; readonly text: string }
  | { readonly type: 'percent'; readonly percent: number; readonly text: string };

export interface Merchant {
  readonly name: string | null;
  readonly seller_id: string | null;
  readonly is_amazon_fulfilled: boolean | null;
}

export interface BuyboxOffer {
  readonly price: number | null;
  readonly price_minor: number | null;
  readonly seller_name: string | null;
  readonly seller_id: string | null;
  readonly stock: string | null;
  readonly returns: string | null;
  readonly shipping_minor: number | null;
}

export interface Delivery {
  readonly type: string;
  readonly date: { readonly by: string } | null;
  readonly price_minor: number | null;
}

export interface Review {
  readonly id: string | null;
  readonly author: string | null;
  readonly title: string | null;
  readonly content: string | null;
  readonly rating: number | null;
  readonly timestamp: string | null;
  readonly is_verified: boolean;
  readonly helpful_count: number | null;
}

export interface Variation {
  readonly asin: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly selected: boolean;
}

export interface ScrapedProduct {
  readonly asin: string;
  /** The ASIN that was asked for, when known. */
  readonly asin_in_url: string | null;
  readonly parent_asin: string | null;
  readonly url: string;
  readonly domain: MarketplaceTld;
  readonly page: number;
  readonly page_type: 'Product';
  readonly title: string | null;
  readonly product_name: string | null;
  readonly description: string | null;
  readonly bullet_points: string | null;
  readonly brand: string | null;
  readonly manufacturer: string | null;
  readonly store_url: string | null;
  readonly price: number | null;
  readonly price_buybox: number | null;
  readonly price_strikethrough: number | null;
  readonly currency: string;
  readonly pricing_count: number | null;
  readonly stock: string | null;
  readonly is_prime: boolean | null;
  readonly max_quantity: number | null;
  readonly delivery: readonly Delivery[];
  readonly featured_merchant: Merchant | null;
  readonly buybox: readonly BuyboxOffer[];
  readonly category: ReadonlyArray<{ readonly ladder: readonly LadderStep[] }>;
  readonly rating: number | null;
  readonly reviews_count: number | null;
  readonly rating_stars_distribution: ReadonlyArray<{ readonly rating: number; readonly percentage: number }>;
  readonly reviews: readonly Review[];
  readonly answered_questions_count: number | null;
  readonly variations: readonly Variation[];
  readonly images: readonly string[];
  readonly has_videos: boolean;
  readonly product_details: Readonly<Record<string, string>>;
  readonly product_dimensions: string | null;
  readonly sales_rank: readonly SalesRank[];
  // Exact values the tracker stores (integers in minor units of `currency`).
  readonly price_minor: number | null;
  readonly price_buybox_minor: number | null;
  /** List price (RRP, M.R.P., "De:") as struck through next to the price. */
  readonly price_strikethrough_minor: number | null;
  /** Buy box shipping when shown, 0 for free delivery. */
  readonly shipping_minor: number | null;
  readonly coupon: Coupon | null;
  readonly in_stock: boolean | null;
  /** True when Amazon itself is the buy box seller, false for another seller, null unknown. */
  readonly is_amazon_seller: boolean | null;
  readonly new_offer_count: number | null;
  readonly new_price_minor: number | null;
  readonly used_offer_count: number | null;
  readonly used_price_minor: number | null;
  /** "10K+ bought in past month" → 10000. */
  readonly monthly_sold: number | null;
}

export interface SearchProduct {
  readonly asin: string;
  readonly title: string | null;
  readonly url: string | null;
  readonly price: number | null;
  readonly price_minor: number | null;
  readonly price_strikethrough: number | null;
  readonly price_strikethrough_minor: number | null;
  readonly currency: string;
  readonly rating: number | null;
  readonly reviews_count: number | null;
  readonly image: string | null;
  readonly is_prime: boolean;
  readonly is_amazons_choice: boolean;
  readonly is_sponsored: boolean;
  readonly best_seller: boolean;
  readonly organic_position: number | null;
  readonly sponsored_position: number | null;
  readonly shipping_information: string | null;
  readonly manufacturer: string | null;
  readonly is_video: boolean;
  readonly monthly_sold: number | null;
}

export interface SearchResult {
  readonly page: number;
  readonly domain: MarketplaceTld;
  readonly url: string | null;
  readonly products: readonly SearchProduct[];
  readonly html: null;
}

export interface AttemptRecord {
  /** 1-based. */
  readonly attempt: number;
  /** ISO 8601 instant the attempt started. */
  readonly started_at: string;
  readonly duration_ms: number;
  /** Status of the last HTTP response of the attempt, null when none arrived. */
  readonly http_status: number | null;
  /** `ok` or the error code this attempt ended with. */
  readonly outcome: 'ok' | ScrapeErrorCode;
  /** Proxy used (credentials removed), null for a direct connection. */
  readonly proxy: string | null;
  /** Time waited before this attempt (backoff, Retry-After, rate limit), in ms. */
  readonly waited_ms: number;
}

/** The page a successful scrape read: final URL after redirects, Amazon's status, and the HTML when asked for. */
export interface PageSource {
  readonly url: string;
  readonly status: number | null;
  readonly html?: string;
}

export type ScrapeOutcome =
  | { readonly ok: true; readonly product: ScrapedProduct; readonly attempts: AttemptRecord[]; readonly source?: PageSource }
  | { readonly ok: false; readonly error: ScrapeError; readonly attempts: AttemptRecord[] };

export type SearchOutcome =
  | { readonly ok: true; readonly search: SearchResult; readonly attempts: AttemptRecord[]; readonly source?: PageSource }
  | { readonly ok: false; readonly error: ScrapeError; readonly attempts: AttemptRecord[] };

export type SortBy = 'best_match' | 'price_asc' | 'price_desc' | 'avg_customer_review' | 'newest';

export interface ScrapeOptions {
  readonly signal?: AbortSignal;
  /** Content language `xx_YY`, sent as Amazon's `language=` URL parameter. */
  readonly language?: string;
  /** Keep the page's HTML in `source.html` (ASA's add_html). */
  readonly includeHtml?: boolean;
}

export interface SearchOptions extends ScrapeOptions {
  readonly page?: number;
  readonly sortBy?: SortBy;
}

/** One way of getting pages: direct fetch, a hosted ASA, or saved pages. */
export interface ScraperBackend {
  scrapeProduct(asin: string, tld: MarketplaceTld, options?: ScrapeOptions): Promise<ScrapeOutcome>;
  search(query: string, tld: MarketplaceTld, options?: SearchOptions): Promise<SearchOutcome>;
  close(): Promise<void>;
}

/** What a pure extractor returns: a value, or the precise reason the page is not one. */
export type ProductExtraction =
  | { readonly ok: true; readonly product: ScrapedProduct }
  | { readonly ok: false; readonly error: ScrapeError };

export type SearchExtraction =
  | { readonly ok: true; readonly search: SearchResult }
  | { readonly ok: false; readonly error: ScrapeError };
