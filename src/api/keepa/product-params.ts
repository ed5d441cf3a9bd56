// GET /product parameters, read and validated as Keepa's API reads them. Nothing here
// touches the database: a request is fully validated before it is charged.
import { domainForId } from '../../keepa/domains.js';
import { parseAsinList } from '../../asins.js';
import { parseStatsParam, StatsParamError, type StatsInterval } from '../../keepa/stats-interval.js';
import type { KeepaMinute } from '../../keepa/time.js';
import { ApiError } from './errors.js';
import type { ProductView } from '../../products/product-view.js';
import { canonicalQuery, flag, integer, list, rejectUnknown, required, single, type Query } from './query.js';

export const PRODUCT_PARAMETERS: ReadonlySet<string> = new Set([
  'key', 'domain', 'asin', 'code', 'code-limit', 'stats', 'update', 'history', 'days', 'offers',
  'only-live-offers', 'rental', 'videos', 'aplus', 'rating', 'buybox', 'stock', 'historical-variations',
]);

/** ASINs or codes per request, as Keepa. */
export const MAX_ITEMS = 100;
/** ASINs per request when `offers` is used, as Keepa. */
export const MAX_ITEMS_WITH_OFFERS = 20;
const CODE = /^[0-9]{8,14}$/;

export interface ProductRequest extends ProductView {
  readonly domainId: number;
  /** Deduplicated, in request order; exactly one of asins/codes is set. */
  readonly asins: readonly string[] | null;
  readonly codes: readonly string[] | null;
  /** Most products returned per code (`code-limit`), null = all. */
  readonly codeLimit: number | null;
  readonly stats: StatsInterval | null;
  readonly days: number | null;
  /** Hours: refresh products older than this first; null = serve as stored. -1 = never. */
  readonly update: number | null;
}

function domainOf(query: Query): number {
  const raw = required(query, 'domain');
  if (!/^\d{1,4}$/.test(raw)) throw new ApiError('invalid_parameter', `Parameter "domain" must be a domain id, got "${raw}".`);
  const id = Number(raw);
  if (!domainForId(id)) {
    throw new ApiError('out_of_range', `Unknown domain ${id}.`, 'Keepa ids 1–6 and 8–12; pricekeep extension ids 101–109.');
  }
  return id;
}

function itemsOf(query: Query): { asins: string[] | null; codes: string[] | null } {
  const asin = single(query, 'asin');
  const code = single(query, 'code');
  if (asin !== undefined && code !== undefined) {
    throw new ApiError('invalid_parameter', 'Use either "asin" or "code", not both.');
  }
  if (asin === undefined && code === undefined) throw new ApiError('missing_parameter', 'Parameter "asin" or "code" is required.');
  const items = list((asin ?? code)!);
  const name = asin !== undefined ? 'asin' : 'code';
  if (items.length === 0) throw new ApiError('missing_parameter', `Parameter "${name}" is empty.`);
  if (items.length > MAX_ITEMS) {
    throw new ApiError('out_of_range', `At most ${MAX_ITEMS} ${name}s per request, got ${items.length}.`);
  }
  if (asin !== undefined) {
    const { asins, invalid } = parseAsinList(items);
    if (invalid.length > 0) {
      throw new ApiError('invalid_parameter', `Invalid ASIN: ${invalid.slice(0, 5).join(', ')}.`, 'An ASIN is 10 letters or digits.');
    }
    return { asins, codes: null };
  }
  const bad = items.filter((c) => !CODE.test(c));
  if (bad.length > 0) {
    throw new ApiError('invalid_parameter', `Invalid product code: ${bad.slice(0, 5).join(', ')}.`, 'EAN, UPC or ISBN-13: 8 to 14 digits.');
  }
  return { asins: null, codes: items };
}

function statsOf(query: Query, now: KeepaMinute): StatsInterval | null {
  const raw = single(query, 'stats');
  if (raw === undefined || raw === '') return null;
  const interval = parseStatsParam(raw, now);
  if (interval instanceof StatsParamError) {
    throw new ApiError('invalid_parameter', `Invalid "stats": ${interval.message}.`, 'A number of days, or START,END as YYYY-MM-DD dates or epoch milliseconds.');
  }
  return interval;
}

/** Reads and validates every parameter of GET /product (`now` anchors `stats`). */
export function parseProductRequest(given: Query, now: KeepaMinute): ProductRequest {
  const query = canonicalQuery(given, PRODUCT_PARAMETERS);
  rejectUnknown(query, PRODUCT_PARAMETERS);
  const domainId = domainOf(query);
  const { asins, codes } = itemsOf(query);
  // offers=0 is what some clients send for "no offers"; Keepa's range is 20–100.
  const offersRaw = integer(query, 'offers', 0, 100);
  if (offersRaw !== undefined && offersRaw !== 0 && offersRaw < 20) {
    throw new ApiError('out_of_range', `Parameter "offers" must be between 20 and 100, got ${offersRaw}.`);
  }
  const offers = offersRaw ? offersRaw : null;
  if (offers !== null && asins && asins.length > MAX_ITEMS_WITH_OFFERS) {
    throw new ApiError('out_of_range', `At most ${MAX_ITEMS_WITH_OFFERS} ASINs per request with "offers", got ${asins.length}.`);
  }
  return {
    domainId,
    asins,
    codes,
    codeLimit: integer(query, 'code-limit', 1, 10_000) ?? null,
    stats: statsOf(query, now),
    history: flag(query, 'history', true),
    days: integer(query, 'days', 1, 1_000_000) ?? null,
    update: integer(query, 'update', -1, 1_000_000) ?? null,
    offers,
    onlyLiveOffers: flag(query, 'only-live-offers'),
    rental: flag(query, 'rental'),
    stock: flag(query, 'stock'),
    videos: flag(query, 'videos'),
    aplus: flag(query, 'aplus'),
    rating: flag(query, 'rating'),
    buybox: flag(query, 'buybox'),
    historicalVariations: flag(query, 'historical-variations'),
  };
}
