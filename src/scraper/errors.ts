// One catalogue of scrape errors with ASA's stable codes and HTTP statuses (reference:
// ASA "Error codes & retry semantics"), and the one failure policy (crawlee's errors.ts):
// each entry says what happens next and whether the session is to blame. Nothing else in
// pricekeep keeps a table of codes; the attempt loop, the session pool, the scheduler and
// the API edges all read these entries.
//
// Policies:
// - retry: transient; the attempt loop tries again at once (backoff, Retry-After), and
//   when its attempts run out the scheduler reschedules the product with backoff.
// - reschedule: trying again within seconds will not help, trying later may (a page we
//   could not read, a plan limit); no second attempt now, the scheduler retries later.
// - retire: this product will never scrape (Amazon has no page for it, or it moved to
//   another ASIN); the scheduler stops tracking it and records why.
// - halt: nothing will scrape until an operator acts (the hosted scraper rejects our key,
//   credits are gone); the scheduler stops scraping for every product and says so.
// sessionAtFault: the failure says something about the identity the request went out as
// (proxy IP + its cookies, one Session in src/scraper/fetch): that session is retired.

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

export type FailurePolicy = 'retry' | 'reschedule' | 'retire' | 'halt';

export interface ScrapeError {
  readonly code: ScrapeErrorCode;
  readonly message: string;
  /** The HTTP status ASA answers this error with. */
  readonly httpStatus: number;
  /** What happens next (the catalogue entry's policy). */
  readonly policy: FailurePolicy;
  /** Whether the session (proxy + cookie jar) the request went out as is to blame. */
  readonly sessionAtFault: boolean;
  /** Minimum wait before retrying, when the source said so (Retry-After) or ASA recommends one. */
  readonly retryAfterMs?: number;
  /** asin_mismatch: the ASIN Amazon served instead of the one asked for, when known. */
  readonly servedAsin?: string;
}

export interface CatalogueEntry {
  readonly httpStatus: number;
  readonly policy: FailurePolicy;
  readonly sessionAtFault: boolean;
  readonly message: string;
  /** ASA's recommended wait before trying again (its errors guide), where it names one. */
  readonly recommendedWaitMs?: number;
}

export const SCRAPE_ERRORS: Readonly<Record<ScrapeErrorCode, CatalogueEntry>> = {
  // A malformed ASIN or an unsupported domain never becomes valid by waiting.
  invalid_params: { httpStatus: 400, policy: 'retire', sessionAtFault: false, message: 'ASIN, query or domain is malformed' },
  // The hosted scraper's key: every product fails the same way until the key is fixed.
  unauthorized: { httpStatus: 401, policy: 'halt', sessionAtFault: false, message: 'API key missing or not valid' },
  revoked: { httpStatus: 401, policy: 'halt', sessionAtFault: false, message: 'API key was revoked' },
  insufficient_credits: { httpStatus: 402, policy: 'halt', sessionAtFault: false, message: 'out of credits' },
  // A plan limit for one marketplace: the other marketplaces still scrape.
  forbidden_region: { httpStatus: 403, policy: 'reschedule', sessionAtFault: false, message: 'egress to this marketplace is not available' },
  not_found: { httpStatus: 404, policy: 'retire', sessionAtFault: false, message: 'Amazon has no page for this product' },
  upstream_timeout: { httpStatus: 408, policy: 'retry', sessionAtFault: true, message: 'Amazon did not answer in time', recommendedWaitMs: 2_000 },
  blocked_by_amazon: { httpStatus: 422, policy: 'retry', sessionAtFault: true, message: 'Amazon served a robot check or a 503', recommendedWaitMs: 60_000 },
  rate_limited: { httpStatus: 429, policy: 'retry', sessionAtFault: true, message: 'too many requests' },
  internal_error: { httpStatus: 500, policy: 'retry', sessionAtFault: false, message: 'unexpected error', recommendedWaitMs: 5_000 },
  // We never send roadmap parameters: a backend answering this cannot serve us at all.
  not_implemented: { httpStatus: 501, policy: 'halt', sessionAtFault: false, message: 'parameter not supported' },
  target_unreachable: { httpStatus: 502, policy: 'retry', sessionAtFault: true, message: 'Amazon could not be reached', recommendedWaitMs: 60_000 },
  // A page we could not read (a stripped price block, a cut or oversized body, a new
  // layout): fetching it again at once mostly gets the same page, later often not.
  extraction_failed: { httpStatus: 502, policy: 'reschedule', sessionAtFault: false, message: 'the page could not be parsed' },
  // The asked ASIN is stale (Amazon redirects it to another one, `servedAsin`).
  asin_mismatch: { httpStatus: 502, policy: 'retire', sessionAtFault: false, message: 'Amazon served a different product' },
  generic_gallery_page: { httpStatus: 502, policy: 'retire', sessionAtFault: false, message: 'Amazon served a placeholder gallery (delisted product)' },
  capacity: { httpStatus: 503, policy: 'retry', sessionAtFault: false, message: 'the scraping service is at capacity' },
};

export function isScrapeErrorCode(value: unknown): value is ScrapeErrorCode {
  return typeof value === 'string' && Object.hasOwn(SCRAPE_ERRORS, value);
}

/** The policy of a stored or reported code; an unknown code is treated as internal_error. */
export function policyOf(code: string): FailurePolicy {
  return SCRAPE_ERRORS[isScrapeErrorCode(code) ? code : 'internal_error'].policy;
}

/** The ASA code ASA answers an HTTP status with (for error bodies that name no code). */
export function codeForStatus(status: number): ScrapeErrorCode {
  for (const code of Object.keys(SCRAPE_ERRORS) as ScrapeErrorCode[]) {
    // 401 and 502 have several codes; the first listed is the generic one.
    if (SCRAPE_ERRORS[code].httpStatus === status) return code;
  }
  return status >= 500 ? 'internal_error' : 'invalid_params';
}

export interface ScrapeErrorDetails {
  readonly retryAfterMs?: number;
  readonly servedAsin?: string;
}

export function scrapeError(code: ScrapeErrorCode, message?: string, details: ScrapeErrorDetails = {}): ScrapeError {
  const entry = SCRAPE_ERRORS[code];
  const error: ScrapeError = { code, message: message ?? entry.message, httpStatus: entry.httpStatus, policy: entry.policy, sessionAtFault: entry.sessionAtFault };
  const extra: { retryAfterMs?: number; servedAsin?: string } = {};
  if (details.retryAfterMs !== undefined) extra.retryAfterMs = details.retryAfterMs;
  if (details.servedAsin !== undefined) extra.servedAsin = details.servedAsin;
  return { ...error, ...extra };
}
