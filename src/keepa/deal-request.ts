// Keepa's DealRequest (keepa-api-more.md §2.2) as the Java client POSTs it and the Python
// client puts it in `selection`, parsed into what pricekeep filters its summary by. Both
// clients' quirks are absorbed: Java sends every primitive (0 / false = unset), Python a
// scalar `priceTypes` and the domain as a query parameter.
import { DEAL_INTERVAL_DAYS } from './deal-object.js';
import {
  DEAL_PRICE_TYPES, DiscoveryRequestError, booleanField, idListField, integerField, isRecord, rangeField, stringListField,
} from './discovery-fields.js';
import type { DeltaDays } from './stats-summary.js';

export const DEALS_PER_PAGE = 150;
export const MAX_DEALS = 10_000;

export interface DealQuery {
  readonly domainId: number;
  readonly page: number;
  readonly priceType: number;
  /** The interval's days (dateRange 0–3 → 1, 7, 30, 90). */
  readonly days: DeltaDays;
  readonly isLowest: boolean;
  readonly isLowest90: boolean;
  readonly isRisers: boolean;
  readonly isOutOfStock: boolean;
  readonly isBackInStock: boolean;
  readonly currentRange: [number, number] | null;
  readonly deltaRange: [number, number] | null;
  readonly deltaPercentRange: [number, number] | null;
  readonly deltaLastRange: [number, number] | null;
  readonly salesRankRange: [number, number] | null;
  readonly includeCategories: number[] | null;
  readonly excludeCategories: number[] | null;
  /** 0–50; null = off. */
  readonly minRating: number | null;
  readonly hasReviews: boolean;
  readonly mustHaveAmazonOffer: boolean;
  readonly mustNotHaveAmazonOffer: boolean;
  readonly titleSearch: string | null;
  readonly brand: string[] | null;
  readonly manufacturer: string[] | null;
  readonly productGroup: string[] | null;
  /** 1 deal age, 2 absolute delta, 3 sales rank, 4 percent delta; negative inverts. */
  readonly sortType: number;
}

/** Fields we read; the Java/Python field set we accept and ignore because no stored data answers them. */
const IGNORED = new Set(['isFilterEnabled', 'isRangeEnabled', 'filterErotic', 'singleVariation', 'isLowestOffer', 'isPrimeExclusive']);
/** Attribute filters of the Java field set that the summary does not hold. */
const UNSUPPORTED_ATTRIBUTES = new Set([
  'material', 'type', 'model', 'color', 'size', 'unitType', 'scent', 'itemForm', 'pattern', 'style',
  'itemTypeKeyword', 'targetAudienceKeyword', 'edition', 'format', 'author', 'binding', 'languages',
  'brandStoreName', 'brandStoreUrlName', 'websiteDisplayGroup', 'websiteDisplayGroupName',
  'salesRankDisplayGroup', 'warehouseConditions',
]);

function priceTypeOf(value: unknown): number {
  const list = Array.isArray(value) ? value : [value];
  if (list.length !== 1) throw new DiscoveryRequestError('priceTypes', 'priceTypes must hold exactly one csv type');
  const type = integerField('priceTypes', list[0]);
  if (!DEAL_PRICE_TYPES.has(type)) throw new DiscoveryRequestError('priceTypes', `csv type ${type} is not a deal price type`);
  return type;
}

/**
 * `fallbackDomain`: the `domain` query parameter (Python keeps the domain out of the JSON).
 * Unknown fields are refused by name, like the finder's.
 */
export function parseDealRequest(input: unknown, fallbackDomain: number | null): DealQuery {
  if (!isRecord(input)) throw new DiscoveryRequestError('selection', 'the deal request must be a JSON object');
  const q = {
    domainId: 0, page: 0, priceType: 0, days: 1 as DeltaDays, isLowest: false, isLowest90: false,
    isRisers: false, isOutOfStock: false, isBackInStock: false, currentRange: null as [number, number] | null,
    deltaRange: null as [number, number] | null, deltaPercentRange: null as [number, number] | null,
    deltaLastRange: null as [number, number] | null, salesRankRange: null as [number, number] | null,
    includeCategories: null as number[] | null, excludeCategories: null as number[] | null,
    minRating: null as number | null, hasReviews: false, mustHaveAmazonOffer: false, mustNotHaveAmazonOffer: false,
    titleSearch: null as string | null, brand: null as string[] | null, manufacturer: null as string[] | null,
    productGroup: null as string[] | null, sortType: 0,
  };
  for (const [field, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    switch (field) {
      case 'page': q.page = integerField(field, value); break;
      case 'domainId': q.domainId = integerField(field, value); break;
      case 'priceTypes': q.priceType = priceTypeOf(value); break;
      case 'dateRange': {
        const range = integerField(field, value);
        const days = DEAL_INTERVAL_DAYS[range];
        if (days === undefined) throw new DiscoveryRequestError(field, 'dateRange must be 0 (day), 1 (week), 2 (month) or 3 (90 days)');
        q.days = days;
        break;
      }
      case 'isLowest': case 'isLowest90': case 'isRisers': case 'isOutOfStock':
      case 'isBackInStock': case 'hasReviews': case 'mustHaveAmazonOffer': case 'mustNotHaveAmazonOffer':
        q[field] = booleanField(field, value);
        break;
      case 'currentRange': case 'deltaRange': case 'deltaPercentRange': case 'deltaLastRange': case 'salesRankRange':
        q[field] = rangeField(field, value);
        break;
      case 'includeCategories': case 'excludeCategories': {
        const ids = idListField(field, value);
        if (ids.length > 500) throw new DiscoveryRequestError(field, `${field} takes at most 500 ids`);
        q[field] = ids.length > 0 ? ids : null;
        break;
      }
      case 'minRating': {
        const rating = integerField(field, value);
        if (rating > 50 || rating < -1) throw new DiscoveryRequestError(field, 'minRating must be -1 (off) or 0–50');
        q.minRating = rating >= 0 ? rating : null;
        break;
      }
      case 'titleSearch':
        if (typeof value !== 'string') throw new DiscoveryRequestError(field, 'titleSearch must be a string');
        if (value.trim().split(/\s+/).length > 50) throw new DiscoveryRequestError(field, 'titleSearch takes at most 50 keywords');
        q.titleSearch = value.trim() || null;
        break;
      case 'brand': case 'manufacturer': case 'productGroup': {
        const list = stringListField(field, value).map((s) => s.trim().toLowerCase()).filter(Boolean);
        q[field] = list.length > 0 ? list : null;
        break;
      }
      case 'sortType': q.sortType = integerField(field, value); break;
      default:
        if (IGNORED.has(field)) break;
        if (UNSUPPORTED_ATTRIBUTES.has(field) && Array.isArray(value) && value.length === 0) break;
        throw new DiscoveryRequestError(field, `deal request field "${field}" is unknown or not supported by pricekeep`);
    }
  }
  if (q.domainId === 0) q.domainId = fallbackDomain ?? 0;
  // Java writes domainId 0 (RESERVED) when the caller set none.
  if (q.domainId <= 0) throw new DiscoveryRequestError('domainId', 'domainId is required (the marketplace of the deals)');
  if (q.page < 0 || (q.page + 1) * DEALS_PER_PAGE > MAX_DEALS + DEALS_PER_PAGE) {
    throw new DiscoveryRequestError('page', `page must be 0–${Math.floor(MAX_DEALS / DEALS_PER_PAGE)}`);
  }
  if (![0, 1, 2, 3, 4, -1, -2, -3, -4].includes(q.sortType)) {
    throw new DiscoveryRequestError('sortType', 'sortType must be 0–4 (negative inverts)');
  }
  if (q.mustHaveAmazonOffer && q.mustNotHaveAmazonOffer) {
    throw new DiscoveryRequestError('mustHaveAmazonOffer', 'mustHaveAmazonOffer and mustNotHaveAmazonOffer exclude each other');
  }
  return q;
}
