// The `asa` backend: a hosted ASA-compatible API does the fetching.
//   GET {base}/api/v1/amazon/product?query=ASIN&domain=TLD   Authorization: Bearer KEY
// Its error codes map one to one onto ours; the catalogue's `retry` ones are retried here with the same
// attempt loop (Retry-After honoured; ASA's "retry after 60 s" cases go back to the caller).
import type { Logger } from 'pino';
import type { ScraperConfig } from '../../config.js';
import type { MarketplaceTld } from '../../marketplaces.js';
import { scrapeError, type ScrapeError } from '../errors.js';
import { parseRetryAfter } from '../fetch/backoff.js';
import { runAttempts, type AttemptResult, type RetryPolicy } from '../fetch/attempts.js';
import { DispatcherPool, HttpFailure, httpGet } from '../fetch/http-get.js';
import type { ScrapeOptions, ScraperBackend, ScrapeOutcome, SearchOptions, SearchOutcome } from '../types.js';
import { checkProductInput, checkSearchInput, isScrapeError } from '../validate.js';
import { errorFromAsa, productFromAsa, searchFromAsa } from './asa-mapping.js';

export interface AsaBackendOptions {
  readonly retry: RetryPolicy;
  readonly logger?: Logger;
}

export class AsaBackend implements ScraperBackend {
  private readonly dispatchers: DispatcherPool;

  constructor(
    private readonly config: ScraperConfig,
    private readonly options: AsaBackendOptions,
  ) {
    this.dispatchers = new DispatcherPool({ connectionsPerOrigin: config.perHostConcurrency, connectTimeoutMs: Math.min(config.timeoutMs, 10_000) });
  }

  private async call<T>(path: string, params: URLSearchParams, read: (json: Record<string, unknown>) => T, signal?: AbortSignal) {
    const key = this.config.asaApiKey;
    if (!key) {
      const error = scrapeError('unauthorized', 'no ASA API key: set PRICEKEEP_ASA_KEY');
      return { ok: false as const, error, attempts: [] };
    }
    const url = `${this.config.asaBaseUrl.replace(/\/+$/, '')}${path}?${params}`;
    const headers = { authorization: `Bearer ${key}`, accept: 'application/json', 'accept-encoding': 'gzip, br', 'user-agent': 'pricekeep' };
    return runAttempts<T>(
      this.options.retry,
      async (n): Promise<AttemptResult<T>> => {
        try {
          const res = await httpGet(url, { dispatcher: this.dispatchers.get(null), headers, timeoutMs: this.config.timeoutMs, maxBodyBytes: this.config.maxBodyBytes, signal });
          let body: unknown;
          try {
            body = JSON.parse(res.body);
          } catch {
            body = undefined;
          }
          if (res.status >= 200 && res.status < 300 && body && typeof body === 'object') {
            return { ok: true, value: read(body as Record<string, unknown>), httpStatus: res.status, proxy: null };
          }
          const error: ScrapeError =
            res.status >= 200 && res.status < 300
              ? scrapeError('internal_error', 'ASA answered 2xx without a JSON object')
              : errorFromAsa(res.status, body, parseRetryAfter(res.headers['retry-after']));
          this.options.logger?.warn({ path, attempt: n, status: res.status, code: error.code }, 'ASA request failed');
          return { ok: false, error, httpStatus: res.status, proxy: null };
        } catch (error) {
          if (!(error instanceof HttpFailure)) throw error;
          const failure = { ...error.error, message: `ASA at ${this.config.asaBaseUrl}: ${error.error.message}` };
          return { ok: false, error: failure, httpStatus: error.status, proxy: null };
        }
      },
      signal,
    );
  }

  async scrapeProduct(asin: string, tld: MarketplaceTld, options: ScrapeOptions = {}): Promise<ScrapeOutcome> {
    const input = checkProductInput(asin, tld);
    if (isScrapeError(input)) return { ok: false, error: input, attempts: [] };
    const params = new URLSearchParams({ query: input.asin, domain: input.tld });
    const result = await this.call('/api/v1/amazon/product', params, (json) => productFromAsa(json, input.asin, input.tld), options.signal);
    return result.ok ? { ok: true, product: result.value, attempts: result.attempts } : result;
  }

  async search(query: string, tld: MarketplaceTld, options: SearchOptions = {}): Promise<SearchOutcome> {
    const input = checkSearchInput(query, tld, options.page ?? 1);
    if (isScrapeError(input)) return { ok: false, error: input, attempts: [] };
    const params = new URLSearchParams({ query: input.query, domain: input.tld, sort_by: options.sortBy ?? 'best_match', start_page: String(input.page) });
    const result = await this.call('/api/v1/amazon/search', params, (json) => searchFromAsa(json, input.tld), options.signal);
    return result.ok ? { ok: true, search: result.value, attempts: result.attempts } : result;
  }

  async close(): Promise<void> {
    await this.dispatchers.close();
  }
}
