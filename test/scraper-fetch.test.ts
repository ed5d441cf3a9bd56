// The direct backend against a local server that plays Amazon: pages, robot checks, 503s,
// 429s with Retry-After, slow answers, resets, redirects, gzip, cookies, proxies, and the
// per-host concurrency and rate limits. Backoff is 10-20 ms here so the file runs in seconds.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { createGzip, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type ScraperConfig } from '../src/config.js';
import { createScraper, type Scraper } from '../src/scraper/index.js';
import { scriptedServer, type ScriptedServer } from './helpers/scraper-server.js';
import { ManualTimerClock, settle } from './helpers/timer-clock.js';

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

  it('keeps a session\'s cookies across scrapes and retires the session (cookies and all) after a block', async () => {
    const server = await serve([
      { body: PRODUCT, headers: { 'set-cookie': ['session-id=123-4567890; Path=/; Secure', 'i18n-prefs=AED; Path=/'] } },
      { body: PRODUCT },
      { status: 503, headers: { 'set-cookie': 'session-id=999-flagged; Path=/' } },
      { body: PRODUCT },
    ]);
    const s = scraper(config(server.url));
    expect((await s.scrapeProduct(ASIN, 'ae')).ok).toBe(true);
    expect((await s.scrapeProduct(ASIN, 'ae')).ok).toBe(true);
    const blocked = await s.scrapeProduct(ASIN, 'ae');
    expect(blocked.ok && blocked.attempts.map((a) => a.outcome)).toEqual(['blocked_by_amazon', 'ok']);
    expect(server.requests.map((r) => r.headers.cookie)).toEqual([
      undefined,
      'session-id=123-4567890; i18n-prefs=AED',
      'session-id=123-4567890; i18n-prefs=AED',
      undefined, // a fresh session: the blocked one's cookies (and the 503's) are gone
    ]);
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
    expect(outcome.error).toMatchObject({ code: 'blocked_by_amazon', httpStatus: 422, policy: 'retry', sessionAtFault: true });
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

  it('spaces request starts by the per-host rate (on the limiter\'s clock, not the wall)', async () => {
    const server = await serve([{ body: own('co-jp_product_B0JPTEST01.html') }]);
    const clock = new ManualTimerClock();
    const s = createScraper(config(server.url, { perHostRatePerSecond: 10, perHostConcurrency: 10 }), { backoffBaseMs: 10, random: () => 0.5, limiterClock: clock });
    cleanups.push(() => s.close());
    expect((await s.scrapeProduct('B0JPTEST01', 'co.jp')).ok).toBe(true); // starts at 0: the next may start at 100
    const outcomes = Promise.all(Array.from({ length: 5 }, () => s.scrapeProduct('B0JPTEST01', 'co.jp')));
    await settle(() => clock.pending() === 5);
    for (let n = 1; n <= 5; n++) {
      clock.advance(99);
      await Promise.resolve();
      expect(server.requests).toHaveLength(n); // nobody may start before its 100 ms slot
      clock.advance(1);
      await settle(() => server.requests.length === n + 1);
    }
    const done = await outcomes;
    expect(done.every((o) => o.ok)).toBe(true);
    expect(done.map((o) => o.attempts[0].waited_ms).sort((a, b) => a - b)).toEqual([100, 200, 300, 400, 500]);
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

describe('direct backend: body caps', () => {
  /** Streams gzip of zeros (up to 2 GiB decoded) until the client hangs up; records whether it sent it all. */
  function gzipBomb(sent: { finished: boolean; compressedBytes: number }) {
    return (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' });
      const gzip = createGzip();
      gzip.on('data', (chunk: Buffer) => {
        sent.compressedBytes += chunk.length;
        if (!res.write(chunk)) gzip.pause(), res.once('drain', () => gzip.resume());
      });
      gzip.on('end', () => {
        sent.finished = true;
        res.end();
      });
      res.on('close', () => gzip.destroy());
      const zeros = Buffer.alloc(64 * 1024);
      let left = (2 * 1024 ** 3) / zeros.length;
      const pump = () => {
        while (left > 0 && !gzip.destroyed) {
          left--;
          if (!gzip.write(zeros)) return void gzip.once('drain', pump);
        }
        if (left === 0) gzip.end();
      };
      pump();
    };
  }

  it('stops reading a gzip bomb at the decoded cap and does not retry it as a network failure', async () => {
    const sent = { finished: false, compressedBytes: 0 };
    const server = await serve([gzipBomb(sent)]);
    const outcome = await scraper(config(server.url, { maxBodyBytes: 1024 * 1024, maxAttempts: 4 })).scrapeProduct(ASIN, 'ae');
    expect(!outcome.ok && outcome.error).toMatchObject({ code: 'extraction_failed', httpStatus: 502, policy: 'reschedule', sessionAtFault: false });
    expect(!outcome.ok && outcome.error.message).toMatch(/over 1048576 bytes decoded; read stopped at the cap/);
    expect(outcome.attempts.map((a) => [a.outcome, a.http_status])).toEqual([['extraction_failed', 200]]);
    expect(server.requests).toHaveLength(1);
    // 2 GiB of zeros is ~2 MB of gzip: the client hung up long before the server got through it.
    expect(sent.finished).toBe(false);
    expect(sent.compressedBytes).toBeLessThan(2_000_000);
  });

  it('caps a plain body too, announced or not', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'a');
    const announced = await serve([{ body: big, headers: { 'content-length': String(big.length) } }]);
    const first = await scraper(config(announced.url, { maxBodyBytes: 1024 * 1024 })).scrapeProduct(ASIN, 'ae');
    expect(!first.ok && [first.error.code, first.error.message, first.attempts.length]).toEqual([
      'extraction_failed', 'response body over 1048576 bytes (Content-Length 3145728); read stopped at the cap', 1,
    ]);
    const chunked = await serve([(_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write(big.subarray(0, 2 * 1024 * 1024));
      res.end(big.subarray(2 * 1024 * 1024));
    }]);
    const second = await scraper(config(chunked.url, { maxBodyBytes: 1024 * 1024 })).scrapeProduct(ASIN, 'ae');
    expect(!second.ok && [second.error.code, second.error.message, second.attempts.length]).toEqual([
      'extraction_failed', 'response body over 1048576 bytes on the wire; read stopped at the cap', 1,
    ]);
  });

  it('reads a real page well under the default cap, and an empty gzip body as empty', async () => {
    expect(loadConfig({}).scraper.maxBodyBytes).toBe(8 * 1024 * 1024);
    const server = await serve([{ body: gzipSync(PRODUCT), headers: { 'content-encoding': 'gzip' } }]);
    expect((await scraper(config(server.url)).scrapeProduct(ASIN, 'ae')).ok).toBe(true);
    const empty = await serve([{ body: '', headers: { 'content-encoding': 'gzip' } }]);
    const outcome = await scraper(config(empty.url)).scrapeProduct(ASIN, 'ae');
    expect(!outcome.ok && [outcome.error.code, outcome.error.message]).toEqual(['extraction_failed', 'Amazon served an empty page']);
  });
});
