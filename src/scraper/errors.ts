// One catalogue of scrape errors with ASA's stable codes, HTTP statuses and retry policy
// (reference: ASA "Error codes & retry semantics"). The outcome of every scrape carries
// one of these; the scheduler reads `retryable` to reschedule or give up.

export type ScrapeErrorCode =
  | 'invalid_params'
  | 'unauthorized'
  | 'revoked'
  | 'insufficient_credits'
  | 'forbidden_region'
  | 'not_found'
  | 'upstream_timeout'
  | 'blocked_by_amazon'
  | 'rate_limited'
  | 'internal_error'
  | 'not_implemented'
  | 'target_unreachable'
  | 'extraction_failed'
  | 'asin_mismatch'
  | 'generic_gallery_page'
  | 'capacity';

export interface ScrapeError {
  readonly code: ScrapeErrorCode;
  readonly message: string;
  /** Whether trying again later may succeed (ASA's "Retry?" column). */
  readonly retryable: boolean;
  /** The HTTP status ASA answers this error with. */
  readonly httpStatus: number;
  /** Minimum wait before retrying, when the source said so (Retry-After) or ASA recommends one. */
  readonly retryAfterMs?: number;
}

interface CatalogueEntry {
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly message: string;
}

export const SCRAPE_ERRORS: Readonly<Record<ScrapeErrorCode, CatalogueEntry>> = {
  invalid_params: { httpStatus: 400, retryable: false, message: 'ASIN, query or domain is malformed' },
  unauthorized: { httpStatus: 401, retryable: false, message: 'API key missing or not valid' },
  revoked: { httpStatus: 401, retryable: false, message: 'API key was revoked' },
  insufficient_credits: { httpStatus: 402, retryable: true, message: 'out of credits' },
  forbidden_region: { httpStatus: 403, retryable: false, message: 'egress to this marketplace is not available' },
  not_found: { httpStatus: 404, retryable: false, message: 'Amazon has no page for this product' },
  upstream_timeout: { httpStatus: 408, retryable: true, message: 'Amazon did not answer in time' },
  blocked_by_amazon: { httpStatus: 422, retryable: true, message: 'Amazon served a robot check or a 503' },
  rate_limited: { httpStatus: 429, retryable: true, message: 'too many requests' },
  internal_error: { httpStatus: 500, retryable: true, message: 'unexpected error' },
  not_implemented: { httpStatus: 501, retryable: false, message: 'parameter not supported' },
  target_unreachable: { httpStatus: 502, retryable: true, message: 'Amazon could not be reached' },
  extraction_failed: { httpStatus: 502, retryable: true, message: 'the page could not be parsed' },
  asin_mismatch: { httpStatus: 502, retryable: false, message: 'Amazon served a different product' },
  generic_gallery_page: { httpStatus: 502, retryable: false, message: 'Amazon served a placeholder gallery (delisted product)' },
  capacity: { httpStatus: 503, retryable: true, message: 'the scraping service is at capacity' },
};

export function isScrapeErrorCode(value: unknown): value is ScrapeErrorCode {
  return typeof value === 'string' && Object.hasOwn(SCRAPE_ERRORS, value);
}

export function scrapeError(code: ScrapeErrorCode, message?: string, retryAfterMs?: number): ScrapeError {
  const entry = SCRAPE_ERRORS[code];
  const error: ScrapeError = { code, message: message ?? entry.message, retryable: entry.retryable, httpStatus: entry.httpStatus };
  return retryAfterMs === undefined ? error : { ...error, retryAfterMs };
}
