// The direct backend against a local server that plays Amazon: pages, robot checks, 503s,
// 429s with Retry-After, slow answers, resets, redirects, gzip, cookies, proxies, and the
// per-host concurrency and rate limits. Backoff is 10-20 ms here so the file runs in seconds.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type ScraperConfig } from '../src/config.js';
import { createScraper, type Scraper } from '../src/scraper/index.js';
import { scriptedServer, type ScriptedServer } from './helpers/scraper-server.js';

const shared = (file: string) => readFileSync(new URL(`../../shared/fixtures/amazon/${file}`, import.meta.url), 'utf8');
const own = (file: string) => readFileSync(new URL(`../fixtures/amazon/${file}`, import.meta.url), 'utf8');
const PRODUCT = shared('ae_product_B08CZDYNF7.html');
const ASIN = 'B08CZDYNF7';
const CAPTCHA = shared('com_captcha_validate.html');

function config(baseUrl: string, overrides: Partial<ScraperConfig> = {}): ScraperConfig {
  return {
    ...loadConfig({ PRICEKEEP_AMAZON_BASE_URL: baseUrl }).scraper,
    timeoutMs: 2000,
    maxAttempts: 3,
    perHostConcurrency: 4,
    perHostRatePerSecond: 1000,
    ...overrides,
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function serve(...args: Parameters<typeof scriptedServer>): Promise<ScriptedServer> {
  const server = await scriptedServer(...args);
  cleanups.push(() => server.close());
  return server;
}

function scraper(cfg: ScraperConfig, backoffBaseMs = 10): Scraper {
  const s = createScraper(cfg, { backoffBaseMs, random: () => 0.5 });
  cleanups.push(() => s.close());
  return s;
}

describe('direct backend: a clean page', () => {
  it('fetches /dp/ASIN from PRICEKEEP_AMAZON_BASE_URL with browser headers in the marketplace language', async () => {
    const server = await serve([{ body: PRODUCT }]);
    const outcome = await scraper(config(server.url)).scrapeProduct(ASIN, 'ae');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.product).toMatchObject({ asin: ASIN, price_minor: 2600, currency: 'AED', in_stock: true });
    expect(outcome.attempts).toEqual([expect.objectContaining({ attempt: 1, http_status: 200, outcome: 'ok', proxy: null })]);
    const [request] = server.requests;
    expect(request.path).toBe(`/dp/${ASIN}?th=1&psc=1`);
    expect(request.headers['accept-language']).toBe('en-AE,en;q=0.9');
    expect(request.headers['user-agent']).toMatch(/Chrome\/\d+/);
    expect(request.headers['accept-encoding']).toContain('gzip');
  });

  it('sends the German Accept-Language to amazon.de and reads a gzip body', async () => {
    const html = shared('de_product_B07TXRHFYS.html');
    const server = await serve([{ body: gzipSync(html), headers: { 'content-encoding': 'gzip' } }]);
    const outcome = await scraper(config(server.url)).scrapeProduct('B07TXRHFYS', 'de');
    expect(outcome.ok && outcome.product.price_minor).toBe(59900);
    expect(server.requests[0].headers['accept-language']).toBe('de-DE,de;q=0.9,en;q=0.8');
  });

  it('keeps session cookies between attempts', async () => {
    const server = await serve([{ status: 503, headers: { 'set-cookie': ['session-id=123-4567890; Path=/; Secure', 'i18n-prefs=AED; Path=/'] } }, { body: PRODUCT }]);
    const outcome = await scraper(config(server.url)).scrapeProduct(ASIN, 'ae');
    expect(outcome.ok).toBe(true);
    expect(server.requests[1].headers.cookie).toBe('session-id=123-4567890; i18n-prefs=AED');
  });

  it('scrapes a search page', async () => {
    const server = await serve([{ body: shared('in_search_power-bank.html') }]);
    const outcome = await scraper(config(server.url)).search('power bank', 'in', { sortBy: 'price_asc' });
    expect(outcome.ok && outcome.search.products.filter((p) => !p.is_sponsored)).toHaveLength(24);
    expect(server.requests[0].path).toBe('/s?k=power+bank&s=price-asc-rank');
  });
});

describe('direct backend: retries', () => {
  it('succeeds within the attempt bound when the first attempts fail', async () => {
    const server = await serve([{ status: 503 }, { status: 200, body: CAPTCHA }, { body: PRODUCT }]);
    const outcome = await scraper(config(server.url, { maxAttempts: 4 })).scrapeProduct(ASIN, 'ae');
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts.map((a) => [a.attempt, a.http_status, a.outcome])).toEqual([
      [1, 503, 'blocked_by_amazon'],
      [2, 200, 'blocked_by_amazon'],
      [3, 200, 'ok'],
    ]);
    expect(server.requests).toHaveLength(3);
  });

  it('waits at least Retry-After after a 429', async () => {
    const server = await serve([{ status: 429, headers: { 'retry-after': '1' } }, { body: PRODUCT }]);
    const started = performance.now();
    const outcome = await scraper(config(server.url)).scrapeProduct(ASIN, 'ae');
    expect(outcome.ok).toBe(true);
    expect(server.requests[1].at - server.requests[0].at).toBeGreaterThanOrEqual(1000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(outcome.attempts[0]).toMatchObject({ outcome: 'rate_limited', http_status: 429 });
    expect(outcome.attempts[1].waited_ms).toBeGreaterThanOrEqual(1000);
  });

  it('gives the ASA code and every attempt when all attempts fail', async () => {
    const server = await serve([{ status: 503 }]);
    const outcome = await scraper(config(server.url, { maxAttempts: 3 })).scrapeProduct(ASIN, 'ae');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatchObject({ code: 'blocked_by_amazon', httpStatus: 422, retryable: true });
    expect(outcome.error.message).toMatch(/gave up after 3 attempts/);
    expect(outcome.attempts).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
    // exponential: the wait before attempt 3 is twice the one before attempt 2 (jitter fixed at 0.5)
    expect(outcome.attempts.map((a) => a.waited_ms)).toEqual([0, 7, 15]);
  });

  it('answers a robot check on every attempt with blocked_by_amazon', async () => {
    const server = await serve([{ body: CAPTCHA }]);
    const outcome = await scraper(config(server.url)).scrapeProduct(ASIN, 'ae');
    expect(!outcome.ok && outcome.error.code).toBe('blocked_by_amazon');
    expect(outcome.attempts.map((a) => a.outcome)).toEqual(['blocked_by_amazon', 'blocked_by_amazon', 'blocked_by_amazon']);
  });

  it('does not retry a 404 dog page, a gallery page or a redirect to another ASIN', async () => {
    const dog = await serve([{ status: 404, body: own('com_404_dog.html') }]);
    const notFound = await scraper(config(dog.url)).scrapeProduct('B000000001', 'com');
    expect([!notFound.ok && notFound.error.code, notFound.attempts.length, dog.requests.length]).toEqual(['not_found', 1, 1]);

    const gallery = await serve([{ body: own('com_gallery_B01DELIST0.html') }]);
    const delisted = await scraper(config(gallery.url)).scrapeProduct('B01DELIST0', 'com');
    expect([!delisted.ok && delisted.error.code, delisted.attempts.length]).toEqual(['generic_gallery_page', 1]);

    const moved = await serve([{ status: 301, headers: { location: '/dp/B092LGG221' } }, { body: shared('de_product_B092LGG221.html') }]);
    const mismatch = await scraper(config(moved.url)).scrapeProduct('B092LRHT3Q', 'de');
    expect([!mismatch.ok && mismatch.error.code, mismatch.attempts.length]).toEqual(['asin_mismatch', 1]);
    expect(moved.requests.map((r) => r.path)).toEqual(['/dp/B092LRHT3Q?th=1&psc=1', '/dp/B092LGG221']);
  });

  it('maps a slow answer to upstream_timeout', async () => {
    const server = await serve([{ delayMs: 1500, body: PRODUCT }]);
    const outcome = await scraper(config(server.url, { timeoutMs: 200, maxAttempts: 2 })).scrapeProduct(ASIN, 'ae');
    expect(!outcome.ok && outcome.error).toMatchObject({ code: 'upstream_timeout', httpStatus: 408 });
    expect(outcome.attempts.map((a) => [a.outcome, a.http_status])).toEqual([['upstream_timeout', null], ['upstream_timeout', null]]);
    expect(outcome.attempts.every((a) => a.duration_ms >= 190 && a.duration_ms < 1400)).toBe(true);
  });

  it('maps connection resets to target_unreachable and recovers', async () => {
    const server = await serve([{ reset: true }, { reset: true }, { body: PRODUCT }]);
    const outcome = await scraper(config(server.url)).scrapeProduct(ASIN, 'ae');
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts.map((a) => a.outcome)).toEqual(['target_unreachable', 'target_unreachable', 'ok']);
    const dead = await serve([{ reset: true }]);
    const failed = await scraper(config(dead.url)).scrapeProduct(ASIN, 'ae');
    expect(!failed.ok && failed.error).toMatchObject({ code: 'target_unreachable', httpStatus: 502 });
  });

  it('returns at once when Retry-After is longer than it may wait, with the wait for the scheduler', async () => {
    const server = await serve([{ status: 429, headers: { 'retry-after': '120' } }]);
    const outcome = await scraper(config(server.url)).scrapeProduct(ASIN, 'ae');
    expect(!outcome.ok && outcome.error).toMatchObject({ code: 'rate_limited', httpStatus: 429, retryAfterMs: 120_000 });
    expect(outcome.attempts).toHaveLength(1);
  });

  it('rejects invalid input without a request', async () => {
    const server = await serve([{ body: PRODUCT }]);
    const outcome = await scraper(config(server.url)).scrapeProduct('B0-BAD', 'ae');
    expect(!outcome.ok && outcome.error).toMatchObject({ code: 'invalid_params', httpStatus: 400 });
    expect(server.requests).toHaveLength(0);
  });

  it('stops waiting when the caller aborts', async () => {
    const server = await serve([{ status: 503 }]);
    const s = scraper(config(server.url, { maxAttempts: 5 }), 5000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    const started = performance.now();
    await expect(s.scrapeProduct(ASIN, 'ae', { signal: controller.signal })).rejects.toThrow('shutting down');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('direct backend: per-host limits', () => {
  it('never has more requests in flight to one host than the concurrency limit', async () => {
    const server = await serve([{ delayMs: 150, body: PRODUCT }]);
    const s = scraper(config(server.url, { perHostConcurrency: 2 }));
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => s.scrapeProduct(ASIN, 'ae')));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(server.requests).toHaveLength(6);
    expect(server.maxInFlight()).toBe(2);
  });

  it('spaces request starts by the per-host rate', async () => {
    // A small page: extracting a 1 MB page blocks the event loop long enough to skew arrivals.
    const server = await serve([{ body: own('co-jp_product_B0JPTEST01.html') }]);
    const s = scraper(config(server.url, { perHostRatePerSecond: 10, perHostConcurrency: 10 }));
    await s.scrapeProduct('B0JPTEST01', 'co.jp'); // warm: connection setup would skew the first arrival
    await new Promise((r) => setTimeout(r, 150));
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => s.scrapeProduct('B0JPTEST01', 'co.jp')));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const times = server.requests.slice(1).map((r) => r.at).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // Starts are scheduled 100 ms apart; unlimited, all 5 would arrive within a few ms.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
    expect(times[4] - times[0]).toBeGreaterThanOrEqual(350);
  });
});

interface Proxy {
  readonly url: string;
  readonly connects: string[];
  readonly auth: Array<string | undefined>;
}

/** A CONNECT proxy on loopback; a refusing one answers every CONNECT with 403. */
async function connectProxy(refuse: boolean): Promise<Proxy> {
  const connects: string[] = [];
  const auth: Array<string | undefined> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head) => {
    sockets.add(client);
    connects.push(req.url ?? '');
    auth.push(req.headers['proxy-authorization']);
    if (refuse) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connects, auth };
}

describe('direct backend: proxies', () => {
  it('rotates to another proxy after a failure and records each attempt without credentials', async () => {
    const site = await serve([{ body: PRODUCT }]);
    const bad = await connectProxy(true);
    const good = await connectProxy(false);
    const badUrl = bad.url.replace('http://', 'http://alice:s3cret@');
    const s = scraper(config(site.url, { proxies: [badUrl, good.url] }));
    const outcome = await s.scrapeProduct(ASIN, 'ae');
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts.map((a) => [a.outcome, a.proxy])).toEqual([
      ['target_unreachable', bad.url],
      ['ok', good.url],
    ]);
    expect(bad.auth[0]).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    expect(good.connects).toEqual([new URL(site.url).host]);
  });

  it('rests a proxy after repeated failures and keeps using the healthy one', async () => {
    const site = await serve([{ body: PRODUCT }]);
    const bad = await connectProxy(true);
    const good = await connectProxy(false);
    const s = scraper(config(site.url, { proxies: [bad.url, good.url], maxAttempts: 2 }));
    for (let i = 0; i < 6; i++) expect((await s.scrapeProduct(ASIN, 'ae')).ok).toBe(true);
    // The bad proxy is tried until it fails 3 times in a row, then rests (60 s cooldown).
    expect(bad.connects).toHaveLength(3);
    expect(good.connects.length).toBeGreaterThanOrEqual(1);
    expect(site.requests).toHaveLength(6);
  });
});
