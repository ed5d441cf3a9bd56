// The `replay` backend: saved pages instead of Amazon, for demos and tests. A product is
// `<dir>/<tld>_product_<ASIN>.html` and a search `<dir>/<tld>_search_<query-slug>.html`,
// with the TLD's dots as dashes (`com-br_product_B076QFXQK5.html`), the naming of the
// shared fixtures. Pages go through the same classify → extract path as fetched ones.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MarketplaceTld } from '../../marketplaces.js';
import { scrapeError, type ScrapeError } from '../errors.js';
import { extractProduct } from '../extract/product.js';
import { extractSearch } from '../extract/search.js';
import type { AttemptRecord, ScrapeOptions, ScraperBackend, ScrapeOutcome, SearchOptions, SearchOutcome } from '../types.js';
import { checkProductInput, checkSearchInput, isScrapeError } from '../validate.js';

export function replayFileName(tld: MarketplaceTld, kind: 'product' | 'search', key: string): string {
  const slug = kind === 'search' ? key.trim().toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') : key;
  return `${tld.replace(/\./g, '-')}_${kind}_${slug}.html`;
}

export class ReplayBackend implements ScraperBackend {
  constructor(private readonly dir: string) {}

  private async read(file: string): Promise<{ html: string; record: AttemptRecord } | { error: ScrapeError; record: AttemptRecord }> {
    const started = new Date();
    const t0 = performance.now();
    const record = (outcome: AttemptRecord['outcome'], status: number | null): AttemptRecord => ({
      attempt: 1, started_at: started.toISOString(), duration_ms: Math.round(performance.now() - t0), http_status: status, outcome, proxy: null, waited_ms: 0,
    });
    try {
      const html = await readFile(join(this.dir, file), 'utf8');
      return { html, record: record('ok', 200) };
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const failure = missing ? scrapeError('not_found', `no saved page ${file} in ${this.dir}`) : scrapeError('internal_error', `cannot read ${file}: ${(error as Error).message}`);
      return { error: failure, record: record(failure.code, missing ? 404 : null) };
    }
  }

  async scrapeProduct(asin: string, tld: MarketplaceTld, options: ScrapeOptions = {}): Promise<ScrapeOutcome> {
    options.signal?.throwIfAborted();
    const input = checkProductInput(asin, tld);
    if (isScrapeError(input)) return { ok: false, error: input, attempts: [] };
    const page = await this.read(replayFileName(input.tld, 'product', input.asin));
    if ('error' in page) return { ok: false, error: page.error, attempts: [page.record] };
    const result = extractProduct(page.html, input.tld, { asin: input.asin });
    if (result.ok) return { ok: true, product: result.product, attempts: [page.record] };
    return { ok: false, error: result.error, attempts: [{ ...page.record, outcome: result.error.code }] };
  }

  async search(query: string, tld: MarketplaceTld, options: SearchOptions = {}): Promise<SearchOutcome> {
    options.signal?.throwIfAborted();
    const input = checkSearchInput(query, tld, options.page ?? 1);
    if (isScrapeError(input)) return { ok: false, error: input, attempts: [] };
    const page = await this.read(replayFileName(input.tld, 'search', input.query));
    if ('error' in page) return { ok: false, error: page.error, attempts: [page.record] };
    const result = extractSearch(page.html, input.tld);
    if (result.ok) return { ok: true, search: result.search, attempts: [page.record] };
    return { ok: false, error: result.error, attempts: [{ ...page.record, outcome: result.error.code }] };
  }

  async close(): Promise<void> {}
}
