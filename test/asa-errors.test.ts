// Every row of ASA's error table from a real cause, against the ASA protocol with the real
// scraper and a stand-in Amazon: status, body shape {error,message,docs_url,request_id}
// (+ params for 501), Asa-Cost 0, the credits unchanged, and Retry-After where ASA sends it.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAsaScrape } from '../jobs/asa-scrape.js';
import type { Scraper } from '../src/scraper/index.js';
import { buildServer } from '../src/api/server.js';
import { revokeAsaKey } from '../src/store/asa-keys.js';
import { addTracking } from '../src/store/index.js';
import { silentLogger } from './helpers/api-server.js';
import { asaHarness, balanceOf, createTestAsaKey, type AsaHarness, type NewKey } from './helpers/asa-api.js';
import { testEngines } from './helpers/engines.js';
import { FAILING_ASINS } from './helpers/stand-in-amazon.js';

const BODY_KEYS = ['docs_url', 'error', 'message', 'request_id'];

describe.each(testEngines())('ASA error table on $name', (engine) => {
  let h: AsaHarness;
  let live: NewKey;
  beforeAll(async () => {
    h = await asaHarness(engine);
    live = await createTestAsaKey(h.store, { workspace: 'errors', credits: 1000 });
  });
  afterAll(async () => h?.close());

  const get = (path: string, key: string | null = live.key) =>
    h.app.inject({ method: 'GET', url: path, headers: key ? { authorization: `Bearer ${key}` } : {} });

  async function expectError(path: string, status: number, code: string, key: string | null = live.key, workspaceId = live.workspaceId) {
    const before = await balanceOf(h.store, workspaceId);
    const res = await get(path, key);
    const body = res.json();
    expect([res.statusCode, body.error], body.message).toEqual([status, code]);
    expect(Object.keys(body).filter((k) => k !== 'params').sort()).toEqual(BODY_KEYS);
    expect(body.request_id).toMatch(/^req_[0-9a-f]{16}$/);
    expect(body.docs_url).toBe(`/api/docs#asa-error-${code}`);
    expect(res.headers['asa-cost']).toBe('0');
    expect(await balanceOf(h.store, workspaceId)).toBe(before);
    return res;
  }

  const product = (asin: string, extra = '') => `/api/v1/amazon/product?query=${asin}&domain=com${extra}`;

  it('400 invalid_params: a malformed ASIN, an unknown domain, a bad language, a missing query', async () => {
    await expectError(product('B0SHORT'), 400, 'invalid_params');
    await expectError('/api/v1/amazon/product?query=B09HN3Q81F&domain=cn', 400, 'invalid_params');
    await expectError(product('B09HN3Q81F', '&language=xx_XX'), 400, 'invalid_params');
    await expectError('/api/v1/amazon/search?domain=com', 400, 'invalid_params');
  });

  it('401 unauthorized: no key, a malformed header, an unknown key (before any parameter check)', async () => {
    await expectError(product('B09HN3Q81F'), 401, 'unauthorized', null);
    const res = await h.app.inject({ method: 'GET', url: product('B09HN3Q81F'), headers: { authorization: 'Token abc' } });
    expect([res.statusCode, res.json().error]).toEqual([401, 'unauthorized']);
    await expectError(product('B0SHORT'), 401, 'unauthorized', 'asa_live_0000000000000000000000000000000');
  });

  it('401 revoked: a revoked key, at once', async () => {
    const key = await createTestAsaKey(h.store, { workspace: 'errors', name: 'to-revoke', credits: 0 });
    expect((await get('/api/v1/account', key.key)).statusCode).toBe(200);
    await revokeAsaKey(h.store.db, String(key.id));
    await expectError(product('B09HN3Q81F'), 401, 'revoked', key.key);
  });

  it('402 insufficient_credits: a workspace without credits', async () => {
    const broke = await createTestAsaKey(h.store, { workspace: 'broke', credits: 4 });
    await expectError(product('B09HN3Q81F'), 402, 'insufficient_credits', broke.key, broke.workspaceId);
    expect(h.amazon.hits.get('B09HN3Q81F')).toBeUndefined();
  });

  it('403 forbidden_region: a key limited to some marketplaces asks for another, sync or in a batch; nothing is scraped', async () => {
    const usOnly = await createTestAsaKey(h.store, { workspace: 'regions', name: 'us-only', credits: 100, marketplaces: ['com'] });
    const hits = h.amazon.hits.get('B09HN3Q81F') ?? 0;
    const res = await expectError('/api/v1/amazon/product?query=B09HN3Q81F&domain=de', 403, 'forbidden_region', usOnly.key, usOnly.workspaceId);
    expect(res.json().message).toMatch(/may scrape com only, not de/);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(h.amazon.hits.get('B09HN3Q81F') ?? 0).toBe(hits);
    const batch = await h.app.inject({
      method: 'POST', url: '/api/v1/amazon/batch', headers: { authorization: `Bearer ${usOnly.key}` },
      payload: { endpoint: 'amazon.product', items: [{ query: 'B09HN3Q81F', domain: 'com' }, { query: 'B09HN3Q81F', domain: 'co.jp' }, { query: 'B09HN3Q81F', domain: 'de' }] },
    });
    expect([batch.statusCode, batch.json().error]).toEqual([403, 'forbidden_region']);
    expect(batch.json().message).toMatch(/not co\.jp, de/);
    // a bad key outranks it; the key's own marketplace is served and paid
    await expectError('/api/v1/amazon/product?query=B09HN3Q81F&domain=de', 401, 'unauthorized', null);
    expect((await get(product('B09HN3Q81F'), usOnly.key)).statusCode).toBe(200);
    expect(await balanceOf(h.store, usOnly.workspaceId)).toBe(95);
  });

  it('500 internal_error with Retry-After 5: a bug below the route, logged with the request_id; the slot is freed', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    // A scraper backend with a bug: the exception no scrape outcome accounts for.
    const buggy = Object.create(h.scraper) as Scraper;
    buggy.scrapeProduct = async () => { throw new TypeError("Cannot read properties of undefined (reading 'price')"); };
    const app = await buildServer({ store: h.store, config: h.config, clock: h.clock.now, logger, asaScrape: createAsaScrape(h.store, buggy, { clock: h.clock.now }) });
    try {
      const one = await createTestAsaKey(h.store, { workspace: 'bugs', name: 'hits-a-bug', credits: 100, plan: 'custom', limits: { concurrency: 1, rps: 100, burst: 200 } });
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await app.inject({ method: 'GET', url: product('B09HN3Q81F'), headers: { authorization: `Bearer ${one.key}` } });
        const body = res.json();
        // the second attempt is admitted: the first one's concurrency slot (1 of 1) was freed
        expect([res.statusCode, body.error]).toEqual([500, 'internal_error']);
        expect(Object.keys(body).sort()).toEqual(BODY_KEYS);
        expect(body.message).not.toMatch(/price|TypeError/); // no internals in the answer
        expect(res.headers['retry-after']).toBe('5');
        expect(res.headers['asa-cost']).toBe('0');
        const logged = lines.map((l) => JSON.parse(l)).find((l) => l.level === 50 && l.request_id === body.request_id);
        expect(logged?.err?.message).toMatch(/reading 'price'/);
      }
      expect(await balanceOf(h.store, one.workspaceId)).toBe(100);
    } finally {
      await app.close();
    }
  });

  it('404 not_found: an unknown path under /api/', async () => {
    await expectError('/api/v1/amazon/reviews?query=B09HN3Q81F', 404, 'not_found');
    await expectError('/api/v2', 404, 'not_found', null);
  });

  it('408 upstream_timeout: Amazon never answers', async () => {
    await expectError(product(FAILING_ASINS.timeout), 408, 'upstream_timeout');
  });

  it('422 blocked_by_amazon: a robot check on every attempt', async () => {
    const res = await expectError(product(FAILING_ASINS.captcha), 422, 'blocked_by_amazon');
    expect(res.headers['asa-attempts']).toBe('2');
    expect(h.amazon.hits.get(FAILING_ASINS.captcha)).toBe(2);
  });

  it('429 rate_limited with Retry-After: past the concurrency ceiling', async () => {
    const one = await createTestAsaKey(h.store, { workspace: 'errors', name: 'one-at-a-time', credits: 100, plan: 'custom', limits: { concurrency: 1, rps: 100, burst: 200 } });
    const slow = get(product(FAILING_ASINS.timeout), one.key);
    for (let i = 0; i < 500 && (h.amazon.hits.get(FAILING_ASINS.timeout) ?? 0) < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const res = await expectError(product('B09HN3Q81F'), 429, 'rate_limited', one.key);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.headers['asa-concurrency']).toBe('1/1');
    expect((await slow).statusCode).toBe(408);
  });

  it('429 rate_limited with Retry-After: past the sustained RPS and its burst', async () => {
    const paced = await createTestAsaKey(h.store, { workspace: 'errors', name: 'paced', credits: 0, plan: 'custom', limits: { concurrency: 10, rps: 1, burst: 1 }, nowMs: h.clock.ms });
    expect((await get('/api/v1/account', paced.key)).statusCode).toBe(200);
    const res = await expectError('/api/v1/account', 429, 'rate_limited', paced.key);
    expect(res.headers['retry-after']).toBe('1');
    h.clock.advance(1000);
    expect((await get('/api/v1/account', paced.key)).statusCode).toBe(200);
  });

  it('501 not_implemented with params: a roadmap parameter', async () => {
    const res = await expectError(product('B09HN3Q81F', '&render_js=true&screenshot=1'), 501, 'not_implemented');
    expect(res.json().params).toEqual(['render_js', 'screenshot']);
  });

  it('502 target_unreachable: Amazon answers 500 on every attempt', async () => {
    await expectError(product(FAILING_ASINS.serverError), 502, 'target_unreachable');
  });

  it('502 extraction_failed: a page that is neither product nor search', async () => {
    await expectError(product(FAILING_ASINS.empty), 502, 'extraction_failed');
  });

  it('502 asin_mismatch: a redirect to another ASIN', async () => {
    await expectError(product(FAILING_ASINS.redirect), 502, 'asin_mismatch');
  });

  it('502 generic_gallery_page: a shelf of other products', async () => {
    await expectError(product(FAILING_ASINS.gallery), 502, 'generic_gallery_page');
  });

  it('404 not_found from Amazon is free too; a success costs 5 credits with the ASA headers', async () => {
    await expectError(product(FAILING_ASINS.notFound), 404, 'not_found');
    const before = await balanceOf(h.store, live.workspaceId);
    const res = await get(product('B09HN3Q81F'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ asin: 'B09HN3Q81F', asin_in_url: 'B09HN3Q81F', currency: 'USD', request_id: expect.stringMatching(/^req_/) });
    expect(res.headers).toMatchObject({
      'asa-cost': '5', 'asa-attempts': '1', 'asa-source-status': '200', 'asa-extractor-version': 'amazon@pricekeep-0.1.0',
      'asa-concurrency': '1/10', 'asa-rps': expect.stringMatching(/^\d+\/2$/),
    });
    expect(res.headers['asa-resolved-url']).toMatch(/\/dp\/B09HN3Q81F\?th=1&psc=1$/);
    expect(await balanceOf(h.store, live.workspaceId)).toBe(before - 5);
  });

  it('a search of several pages fetches each page once, charges 5 credits a page, and numbers positions across pages', async () => {
    const before = await balanceOf(h.store, live.workspaceId);
    const one = await get('/api/v1/amazon/search?query=portable+charger&domain=com');
    expect(one.statusCode).toBe(200);
    const perPage = one.json().products as { asin: string; organic_position: number | null }[];
    const organicPerPage = perPage.filter((p) => p.organic_position !== null).length;
    expect(organicPerPage).toBeGreaterThan(5);
    h.amazon.searches.length = 0;
    const three = await get('/api/v1/amazon/search?query=portable+charger&domain=com&start_page=2&pages=3&sort_by=price_asc');
    expect(three.statusCode).toBe(200);
    expect(h.amazon.searches.map((q) => [q.get('k'), q.get('page'), q.get('s')])).toEqual([
      ['portable charger', '2', 'price-asc-rank'], ['portable charger', '3', 'price-asc-rank'], ['portable charger', '4', 'price-asc-rank'],
    ]);
    const body = three.json();
    expect(body.page).toBe(2);
    expect(body.products).toHaveLength(perPage.length * 3);
    const organic = body.products.map((p: { organic_position: number | null }) => p.organic_position).filter((n: number | null) => n !== null);
    expect(organic).toEqual(Array.from({ length: organicPerPage * 3 }, (_, i) => i + 1));
    expect(three.headers).toMatchObject({ 'asa-cost': '15', 'asa-attempts': '3' });
    expect(await balanceOf(h.store, live.workspaceId)).toBe(before - 5 - 15);
    // more pages than the docs allow is a parameter error, free
    await expectError('/api/v1/amazon/search?query=portable+charger&domain=com&pages=11', 400, 'invalid_params');
  });

  it('records a paid scrape of a tracked product as an observation, change-only; an untracked one is not stored', async () => {
    await addTracking(h.store, 1, ['B0TRACKED1'], 60);
    const points = async (asin: string) =>
      Number((await h.store.pool.query(
        'SELECT count(*) AS n FROM points pt JOIN series s ON s.id = pt.series_id JOIN products p ON p.id = s.product_id WHERE p.asin = $1', [asin],
      )).rows[0].n);
    expect((await get(product('B0TRACKED1'))).statusCode).toBe(200);
    const first = await points('B0TRACKED1');
    expect(first).toBeGreaterThan(0);
    h.clock.advance(3600_000);
    expect((await get(product('B0TRACKED1'))).statusCode).toBe(200);
    expect(await points('B0TRACKED1')).toBe(first);
    expect((await get(product('B0UNTRACK1'))).statusCode).toBe(200);
    expect((await h.store.pool.query('SELECT count(*)::int AS n FROM products WHERE asin = $1', ['B0UNTRACK1'])).rows[0].n).toBe(0);
  });

  it('503 capacity with Retry-After: a server that runs no scraper', async () => {
    const bare = await buildServer({ store: h.store, config: h.config, clock: h.clock.now, logger: silentLogger });
    try {
      const before = await balanceOf(h.store, live.workspaceId);
      const res = await bare.inject({ url: product('B09HN3Q81F'), headers: { authorization: `Bearer ${live.key}` } });
      expect([res.statusCode, res.json().error, res.headers['retry-after'], res.headers['asa-cost']]).toEqual([503, 'capacity', '60', '0']);
      expect(Object.keys(res.json()).sort()).toEqual(BODY_KEYS);
      expect(await balanceOf(h.store, live.workspaceId)).toBe(before);
    } finally {
      await bare.close();
    }
  });
});
