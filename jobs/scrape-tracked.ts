// Scrapes one claimed product and records the outcome: on success the observation is
// written change-only (one transaction), on failure nothing but the attempt is written
// and the product is rescheduled with backoff, retired when Amazon says it is gone (or
// moved to another ASIN, which is recorded), or scraping halts (src/scraper/errors.ts).
import { mapObservation } from '../src/keepa/observation-mapping.js';
import { tldForDomainId } from '../src/keepa/domains.js';
import { keepaNow } from '../src/keepa/time.js';
import { policyOf, type ScrapeOutcome } from '../src/scraper/index.js';
import type { MarketplaceTld } from '../src/marketplaces.js';
import { finishScrape, haltScraping, recordObservations, type ClaimedProduct, type Store } from '../src/store/index.js';
import { retryDelaySeconds } from './backoff.js';
import { nextDueAfterSuccess } from './next-due.js';

export type ScrapeProduct = (asin: string, tld: MarketplaceTld) => Promise<ScrapeOutcome>;

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
  /** The scheduler's clock: the observation's Keepa minute, attempt times and the next due time. */
  clock: () => number = Date.now,
  random: () => number = Math.random,
): Promise<TrackedScrapeSummary> {
  const startedAt = new Date(clock());
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
  let redirectedTo: string | null = null;
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
    redirectedTo = outcome.error.servedAsin ?? null;
  }
  const finishedAt = clock();
  const durationMs = finishedAt - startedAt.getTime();
  // The catalogue decides what comes next: halt stops all scraping (the product is given
  // back untouched), retire stops this product, anything else reschedules it with backoff.
  const policy = error === null ? null : policyOf(error.code);
  if (error !== null && policy === 'halt') {
    await haltScraping(store, claim, { worker, startedAt, durationMs, attempts, httpStatus, error });
    return { asin: claim.asin, domainId: claim.domainId, ok: false, errorCode: error.code, pointsWritten, attempts, durationMs };
  }
  const nextDue = error
    ? finishedAt + retryDelaySeconds(claim.failures + 1, claim.intervalMinutes, retryAfterMs, random) * 1000
    : nextDueAfterSuccess(claim.due.getTime(), claim.intervalMinutes, finishedAt, random);
  await finishScrape(store, claim, {
    worker,
    startedAt,
    finishedAt: new Date(finishedAt),
    durationMs,
    attempts,
    httpStatus,
    pointsWritten,
    error,
    nextDue: new Date(nextDue),
    deactivate: policy === 'retire',
    redirectedTo,
  });
  return { asin: claim.asin, domainId: claim.domainId, ok: error === null, errorCode: error?.code ?? null, pointsWritten, attempts, durationMs };
}
