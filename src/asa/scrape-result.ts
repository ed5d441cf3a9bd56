// What one ASA request through the scraper pipeline comes back as (jobs/asa-scrape.ts
// makes it; the sync routes and the batch workers answer from it).
import type { ScrapeError } from '../scraper/index.js';
import type { AsaRequest } from './params.js';

export interface AsaScrapeResult {
  /** ASA's body for a 2xx (product or search JSON), else null. */
  readonly body: Record<string, unknown> | null;
  readonly error: ScrapeError | null;
  /** 200 or the catalogue's status for `error`. */
  readonly httpStatus: number;
  /** Attempts used (all pages of a multi-page search together). */
  readonly attempts: number;
  readonly resolvedUrl: string | null;
  /** Amazon's status of the last response. */
  readonly sourceStatus: number | null;
  readonly durationMs: number;
}

export type AsaScrape = (request: AsaRequest, signal?: AbortSignal) => Promise<AsaScrapeResult>;
