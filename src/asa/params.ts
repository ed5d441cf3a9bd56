// ASA request parameters, checked once for the sync endpoints and for every batch item:
// the product endpoint's query/domain/language/add_html, the search endpoint's
// query/domain/sort_by/start_page (alias page)/pages/language, and the roadmap
// parameters render_js and screenshot (501 not_implemented, named in `params`).
import { MARKETPLACES, isMarketplaceTld, type MarketplaceTld } from '../marketplaces.js';
import type { SortBy } from '../scraper/index.js';

export type AsaEndpoint = 'amazon.product' | 'amazon.search';

export interface ProductRequest {
  readonly endpoint: 'amazon.product';
  readonly asin: string;
  readonly tld: MarketplaceTld;
  readonly language: string | null;
  readonly addHtml: boolean;
}

export interface SearchRequest {
  readonly endpoint: 'amazon.search';
  readonly query: string;
  readonly tld: MarketplaceTld;
  readonly startPage: number;
  readonly pages: number;
  readonly sortBy: SortBy;
  readonly language: string | null;
  readonly addHtml: boolean;
}

export type AsaRequest = ProductRequest | SearchRequest;

export type ParamsProblem =
  | { readonly code: 'invalid_params'; readonly message: string }
  | { readonly code: 'not_implemented'; readonly message: string; readonly params: readonly string[] };

export type ParamsResult = { readonly ok: true; readonly request: AsaRequest } | { readonly ok: false; readonly problem: ParamsProblem };

const ROADMAP = ['render_js', 'screenshot'] as const;
const SORTS: readonly SortBy[] = ['best_match', 'price_asc', 'price_desc', 'avg_customer_review', 'newest'];
// ASA's "supported languages per marketplace" table, all marketplaces together: Amazon
// falls back to the marketplace default for a listed language it does not serve there.
const LANGUAGES = new Set([
  ...[...MARKETPLACES.values()].map((m) => m.language),
  'de_DE', 'es_ES', 'es_US', 'zh_CN', 'pt_BR', 'ar_AE', 'en_GB', 'fr_FR', 'pl_PL', 'ro_RO', 'en_US', 'nl_NL', 'tr_TR',
  'cs_CZ', 'pt_PT', 'ca_ES', 'fr_CA', 'ko_KR', 'hi_IN',
]);
const MAX_QUERY_LENGTH = 500;

type Raw = Readonly<Record<string, unknown>>;

const invalid = (message: string): ParamsResult => ({ ok: false, problem: { code: 'invalid_params', message } });

function stringParam(raw: Raw, name: string): string | undefined | null {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'string' ? value : null;
}

function booleanParam(raw: Raw, name: string): boolean | null {
  const value = stringParam(raw, name);
  if (value === undefined || value === '') return false;
  if (value === null) return null;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return null;
}

function intParam(raw: Raw, name: string, fallback: number, min: number, max: number): number | null {
  const value = stringParam(raw, name);
  if (value === undefined || value === '') return fallback;
  if (value === null || !/^\d{1,3}$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

function common(raw: Raw): { tld: MarketplaceTld; language: string | null; addHtml: boolean } | ParamsResult {
  const domain = stringParam(raw, 'domain') ?? 'com';
  if (domain === null || !isMarketplaceTld(domain)) return invalid(`domain must be one of ${[...MARKETPLACES.keys()].join(', ')}, got "${String(raw.domain)}"`);
  const language = stringParam(raw, 'language');
  if (language === null || (language !== undefined && language !== '' && !LANGUAGES.has(language))) {
    return invalid(`language must be xx_YY from the supported list (e.g. en_US, de_DE), got "${String(raw.language)}"`);
  }
  const addHtml = booleanParam(raw, 'add_html');
  if (addHtml === null) return invalid(`add_html must be true or false, got "${String(raw.add_html)}"`);
  return { tld: domain, language: language || null, addHtml };
}

/** Checks the parameters of one request to `endpoint` (a query string or a batch item). */
export function parseAsaParams(endpoint: AsaEndpoint, raw: Raw): ParamsResult {
  const roadmap = ROADMAP.filter((name) => raw[name] !== undefined);
  if (roadmap.length > 0) {
    return { ok: false, problem: { code: 'not_implemented', message: `${roadmap.join(' and ')} ${roadmap.length > 1 ? 'are' : 'is'} on the roadmap, not live; remove ${roadmap.length > 1 ? 'them' : 'it'}`, params: roadmap } };
  }
  const query = stringParam(raw, 'query');
  if (query === undefined || query === null || query.trim() === '') return invalid('query is required');
  const shared = common(raw);
  if ('ok' in shared) return shared;
  if (endpoint === 'amazon.product') {
    const asin = query.trim().toUpperCase();
    if (!/^[A-Z0-9]{10}$/.test(asin)) return invalid(`query must be a 10-character ASIN (letters and digits), got "${query}"`);
    return { ok: true, request: { endpoint, asin, ...shared } };
  }
  if (query.length > MAX_QUERY_LENGTH) return invalid(`query must be at most ${MAX_QUERY_LENGTH} characters`);
  const sortBy = (stringParam(raw, 'sort_by') || 'best_match') as SortBy;
  if (!SORTS.includes(sortBy)) return invalid(`sort_by must be one of ${SORTS.join(', ')}, got "${String(raw.sort_by)}"`);
  const startPage = intParam(raw, raw.start_page !== undefined ? 'start_page' : 'page', 1, 1, 10);
  if (startPage === null) return invalid('start_page (or page) must be an integer from 1 to 10');
  const pages = intParam(raw, 'pages', 1, 1, 10);
  if (pages === null) return invalid('pages must be an integer from 1 to 10');
  if (startPage + pages - 1 > 10) return invalid('start_page + pages - 1 must not pass page 10');
  return { ok: true, request: { endpoint, query: query.trim(), sortBy, startPage, pages, ...shared } };
}

/** Requests a call counts for in billing and rate limits: each search page is one. */
export function requestUnits(request: AsaRequest): number {
  return request.endpoint === 'amazon.search' ? request.pages : 1;
}
