// The `direct` backend: fetches Amazon itself. Each attempt takes a per-host slot (rate
// and concurrency), a proxy from the rotation (a different one after a failure), GETs the
// page, then classifies and extracts it from the one parsed document. A proxy and its
// cookies are one session (fetch/session-pool.ts): a failure the catalogue puts on the
// session (blocks, throttling, network failures) retires it.
import type { Logger } from 'pino';
import type { ScraperConfig } from '../../config.js';
import { MARKETPLACES, type MarketplaceTld } from '../../marketplaces.js';
import type { ScrapeError } from '../errors.js';
import { extractProductFromPage } from '../extract/product.js';
import { extractSearchFromPage } from '../extract/search.js';
import { parseRetryAfter } from '../fetch/backoff.js';
import { runAttempts, type AttemptResult, type RetryPolicy } from '../fetch/attempts.js';
import { browserHeaders } from '../fetch/headers.js';
import { HostLimiter, type LimiterClock } from '../fetch/host-limiter.js';
import { DispatcherPool, HttpFailure, httpGet, type HttpResponse } from '../fetch/http-get.js';
import { ProxyPool, redactProxy } from '../fetch/proxy-pool.js';
import { SessionPool, type Session } from '../fetch/session-pool.js';
import { loadPage, type Page } from '../html/page.js';
import type { PageSource, ScrapeOptions, ScrapedProduct, ScraperBackend, ScrapeOutcome, SearchOptions, SearchOutcome, SearchResult, SortBy } from '../types.js';
import { checkProductInput, checkSearchInput, isScrapeError } from '../validate.js';

const SORT_PARAM: Readonly<Record<SortBy, string | null>> = {
  best_match: null,
  price_asc: 'price-asc-rank',
  price_desc: 'price-desc-rank',
  avg_customer_review: 'review-rank',
  newest: 'date-desc-rank',
};

export interface DirectBackendOptions {
  readonly retry: RetryPolicy;
  readonly userAgent?: string;
  readonly logger?: Logger;
  /** Time source of the per-host rate limit (tests drive a manual clock). */
  readonly clock?: LimiterClock;
}

type PageExtractor<T> = (page: Page, response: HttpResponse) => { ok: true; value: T } | { ok: false; error: ScrapeError };

export class DirectBackend implements ScraperBackend {
  private readonly limiter: HostLimiter;
  private readonly proxies: ProxyPool;
  private readonly sessions: SessionPool;
  private readonly dispatchers: DispatcherPool;

  constructor(
    private readonly config: ScraperConfig,
    private readonly options: DirectBackendOptions,
  ) {
    this.limiter = new HostLimiter(config.perHostConcurrency, config.perHostRatePerSecond, options.clock);
    this.proxies = new ProxyPool(config.proxies);
    this.sessions = new SessionPool(this.proxies);
    this.dispatchers = new DispatcherPool({ connectionsPerOrigin: config.perHostConcurrency, connectTimeoutMs: Math.min(config.timeoutMs, 10_000) });
  }

  private origin(tld: MarketplaceTld): string {
    return (this.config.amazonBaseUrl ?? `https://${MARKETPLACES.get(tld)!.host}`).replace(/\/+$/, '');
  }

  private async fetchAndExtract<T>(url: string, tld: MarketplaceTld, extract: PageExtractor<T>, options: ScrapeOptions) {
    const { signal } = options;
    const host = new URL(url).host;
    const headers = browserHeaders(MARKETPLACES.get(tld)!, this.options.userAgent);
    let last: Session | null = null;
    let source: PageSource | undefined;
    const result = await runAttempts<T>(
      this.options.retry,
      async (n, previous): Promise<AttemptResult<T>> => {
        const session = this.sessions.pick(previous ? last : null);
        last = session;
        const { proxy } = session;
        const shown = proxy === null ? null : redactProxy(proxy);
        const permit = await this.limiter.acquire(host, signal);
        try {
          const response = await httpGet(url, {
            dispatcher: this.dispatchers.get(proxy),
            headers,
            timeoutMs: this.config.timeoutMs,
            maxBodyBytes: this.config.maxBodyBytes,
            signal,
            cookies: session.cookies,
          });
          const result = extract(loadPage(response.body), response);
          if (result.ok) {
            source = { url: response.url, status: response.status, ...(options.includeHtml && { html: response.body }) };
            this.sessions.succeeded(session);
            return { ok: true, value: result.value, httpStatus: response.status, proxy: shown, queuedMs: permit.waitedMs };
          }
          const retryAfterMs = response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers['retry-after']) : undefined;
          const error = retryAfterMs === undefined ? result.error : { ...result.error, retryAfterMs };
          this.sessions.failed(session, error);
          this.options.logger?.warn({ url, attempt: n, status: response.status, code: error.code, proxy: shown }, 'scrape attempt failed');
          return { ok: false, error, httpStatus: response.status, proxy: shown, queuedMs: permit.waitedMs };
        } catch (error) {
          if (!(error instanceof HttpFailure)) throw error;
          this.sessions.failed(session, error.error);
          this.options.logger?.warn({ url, attempt: n, code: error.error.code, proxy: shown, err: error.message }, 'scrape attempt failed');
          return { ok: false, error: error.error, httpStatus: error.status, proxy: shown, queuedMs: permit.waitedMs };
        } finally {
          permit.release();
        }
      },
      signal,
    );
    return { result, source };
  }

  async scrapeProduct(asin: string, tld: MarketplaceTld, options: ScrapeOptions = {}): Promise<ScrapeOutcome> {
    const input = checkProductInput(asin, tld);
    if (isScrapeError(input)) return { ok: false, error: input, attempts: [] };
    const language = options.language ? `&language=${encodeURIComponent(options.language)}` : '';
    const url = `${this.origin(input.tld)}/dp/${input.asin}?th=1&psc=1${language}`;
    const { result, source } = await this.fetchAndExtract<ScrapedProduct>(
      url,
      input.tld,
      (page, response) => {
        const extraction = extractProductFromPage(page, input.tld, { asin: input.asin, status: response.status });
        return extraction.ok ? { ok: true, value: extraction.product } : extraction;
      },
      options,
    );
    return result.ok ? { ok: true, product: result.value, attempts: result.attempts, source } : result;
  }

  async search(query: string, tld: MarketplaceTld, options: SearchOptions = {}): Promise<SearchOutcome> {
    const input = checkSearchInput(query, tld, options.page ?? 1);
    if (isScrapeError(input)) return { ok: false, error: input, attempts: [] };
    const params = new URLSearchParams({ k: input.query });
    if (input.page > 1) params.set('page', String(input.page));
    const sort = SORT_PARAM[options.sortBy ?? 'best_match'];
    if (sort) params.set('s', sort);
    if (options.language) params.set('language', options.language);
    const url = `${this.origin(input.tld)}/s?${params}`;
    const { result, source } = await this.fetchAndExtract<SearchResult>(
      url,
      input.tld,
      (page, response) => {
        const extraction = extractSearchFromPage(page, input.tld, { status: response.status, url: response.url });
        return extraction.ok ? { ok: true, value: extraction.search } : extraction;
      },
      options,
    );
    return result.ok ? { ok: true, search: result.value, attempts: result.attempts, source } : result;
  }

  /** Proxy health, for logs and the API's status page. */
  proxyStats() {
    return this.proxies.stats();
  }

  async close(): Promise<void> {
    await this.dispatchers.close();
  }
}
