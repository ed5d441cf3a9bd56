// Scrapes one claimed product and records the outcome: on success the observation is
// written change-only (one transaction), on failure nothing but the attempt is written
// and the product is rescheduled with backoff, or retired when Amazon says it is gone.
import { mapObservation } from '../src/keepa/observation-mapping.js';
import { tldForDomainId } from '../src/keepa/domains.js';
import { keepaNow } from '../src/keepa/time.js';
import type { ScrapeOutcome } from '../src/scraper/index.js';
import type { MarketplaceTld } from '../src/marketplaces.js';
import { finishScrape, recordObservations, type ClaimedProduct, type Store } from '../src/store/index.js';
import { retryDelaySeconds } from './backoff.js';

export type ScrapeProduct = (asin: string, tld: MarketplaceTld) => Promise<ScrapeOutcome>;

/** Errors after which a product is no longer scheduled (ASA: the ASIN has no product page). */
const RETIRING_CODES = new Set(['not_found', 'generic_gallery_page']);

export interface TrackedScrapeSummary {
  readonly asin: string;
  readonly domainId: number;
  readonly ok: boolean;
  readonly errorCode: string | null;
  readonly pointsWritten: number;
  readonly attempts: number;
  readonly durationMs: number;
}

export async function scrapeTracked(
  store: Store,
  scrape: ScrapeProduct,
  claim: ClaimedProduct,
  worker: string,
  /** Source of the observation's Keepa minute (tests pin it); attempt times are wall-clock. */
  clock: () => number = Date.now,
): Promise<TrackedScrapeSummary> {
  const startedAt = new Date();
  const tld = tldForDomainId(claim.domainId);
  let outcome: ScrapeOutcome | null = null;
  let error: { code: string; message: string } | null = null;
  if (!tld) error = { code: 'invalid_params', message: `unknown domain ${claim.domainId}` };
  else {
    try {
      outcome = await scrape(claim.asin, tld);
    } catch (cause) {
      error = { code: 'internal_error', message: `scraper failed: ${(cause as Error).message}` };
    }
  }
  const attempts = outcome?.attempts.length ?? 0;
  const httpStatus = outcome?.attempts.at(-1)?.http_status ?? null;
  let pointsWritten = 0;
  let retryAfterMs: number | undefined;
  if (outcome?.ok) {
    try {
      const observation = mapObservation(outcome.product, claim.domainId, keepaNow(clock));
      pointsWritten = (await recordObservations(store, [observation])).pointsWritten;
    } catch (cause) {
      error = { code: 'internal_error', message: `recording failed: ${(cause as Error).message}` };
    }
  } else if (outcome) {
    error = { code: outcome.error.code, message: outcome.error.message };
    retryAfterMs = outcome.error.retryAfterMs;
  }
  const durationMs = Date.now() - startedAt.getTime();
  const failures = claim.failures + 1;
  await finishScrape(store, claim, {
    worker,
    startedAt,
    durationMs,
    attempts,
    httpStatus,
    pointsWritten,
    error,
    retryInSeconds: error ? retryDelaySeconds(failures, claim.intervalMinutes, retryAfterMs) : undefined,
    deactivate: error !== null && RETIRING_CODES.has(error.code),
  });
  return { asin: claim.asin, domainId: claim.domainId, ok: error === null, errorCode: error?.code ?? null, pointsWritten, attempts, durationMs };
}
