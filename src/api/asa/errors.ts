// Errors of the ASA protocol: a code of the one scrape-error catalogue (its HTTP status
// included), a message, and what ASA adds to some of them (`params` for 501, Retry-After
// for 429 and 503). Every error the ASA routes meet is turned into one of these.
import type { FastifyError } from 'fastify';
import { SCRAPE_ERRORS, type ScrapeError, type ScrapeErrorCode } from '../../scraper/index.js';
import { isDatabaseUnavailable } from '../../store/index.js';

/** Seconds a client is told to wait when the database is out of reach. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;
/** Seconds a client is told to wait after an unexpected error (ASA: "yes, after ~5s"). */
export const INTERNAL_ERROR_RETRY_AFTER_S = 5;

export class AsaApiError extends Error {
  override readonly name = 'AsaApiError';
  constructor(
    readonly code: ScrapeErrorCode,
    message: string,
    readonly extra: { readonly params?: readonly string[]; readonly retryAfter?: number | null } = {},
  ) {
    super(message);
  }

  get status(): number {
    return SCRAPE_ERRORS[this.code].httpStatus;
  }
}

/**
 * A failed scrape as the client sees it. Amazon throttling us (its 429 on every attempt)
 * is not the client's rate limit: ASA answers it as target_unreachable, so 429 always
 * means "your key".
 */
export function scrapeFailure(error: ScrapeError): AsaApiError {
  if (error.code === 'rate_limited') return new AsaApiError('target_unreachable', `Amazon throttled every attempt: ${error.message}`);
  const retryAfter = error.code === 'capacity' ? Math.max(1, Math.ceil((error.retryAfterMs ?? 5000) / 1000)) : null;
  return new AsaApiError(error.code, error.message, { retryAfter });
}

/** fastify's own rejections and the database's failures, as catalogue errors. */
export function asAsaError(error: unknown): AsaApiError {
  if (error instanceof AsaApiError) return error;
  if (isDatabaseUnavailable(error)) {
    return new AsaApiError('capacity', 'the database is out of reach; try again shortly', { retryAfter: UNAVAILABLE_RETRY_AFTER_S });
  }
  const fastifyError = error as FastifyError;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Malformed JSON body, unsupported media type, body or URL too large, bad URL encoding.
    return new AsaApiError('invalid_params', (error as Error).message);
  }
  // ASA: "retry after ~5s"; the header lets the docs' retry loop wait that long.
  return new AsaApiError('internal_error', 'unexpected error; it has been logged with this request_id', { retryAfter: INTERNAL_ERROR_RETRY_AFTER_S });
}
