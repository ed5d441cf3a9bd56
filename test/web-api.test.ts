// The dashboard's server side through inject(): pages and files, its JSON API, CSRF on
// every change, the Host check of open mode, and the login of a server that requires one
// (PRICEKEEP_WEB_AUTH=required stands for a non-loopback bind, which the decision below
// is tested for separately).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { loginRequired, isLoopbackHost } from '../src/api/web/auth-mode.js';
import { LoginLimiter } from '../src/api/web/login-limiter.js';
import { hashPassword, verifyPassword } from '../src/auth/password.js';
import { loadConfig } from '../src/config.js';
import { addTracking, listTracking, dbInfo } from '../src/store/index.js';
import { listKeyTrackings } from '../src/store/key-trackings.js';
import { setAdminPasswordHash } from '../src/store/web-auth.js';
import { createKey, SimClock, silentLogger } from './helpers/api-server.js';
import { testEngines, useTestStore } from './helpers/engines.js';
import { keepaFixture, KEEPA_FULL } from './helpers/fixtures.js';

const HTML = { accept: 'text/html,application/xhtml+xml', host: '127.0.0.1:8080' };
const JSON_HEADERS = { accept: 'application/json', host: '127.0.0.1:8080' };

function csrfOf(html: string): string {
  return /name="csrf-token" content="([^"]*)"/.exec(html)![1]!;
}

describe('dashboard access rules', () => {
  it('asks for a login on every bind but loopback', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
      expect(loginRequired('auto', host), host).toBe(false);
      expect(loginRequired('required', host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'example.com', '128.0.0.1']) {
      expect(loginRequired('auto', host), host).toBe(true);
    }
  });

  it('limits failed logins per client and in total over a sliding window', () => {
    const clock = new SimClock(0);
    const limiter = new LoginLimiter(clock.now, { perClient: 3, total: 5, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('a')).toBe(0);
      limiter.fail('a');
      clock.advance(1000);
    }
    expect(limiter.retryAfterMs('a')).toBe(57_000);
    expect(limiter.retryAfterMs('b')).toBe(0);
    limiter.fail('b');
    limiter.fail('c');
    expect(limiter.retryAfterMs('d')).toBeGreaterThan(0); // 5 failures in total
    clock.advance(60_000);
    expect(limiter.retryAfterMs('a')).toBe(0);
  });

  it('hashes the admin password with scrypt and checks it in constant time', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('x', 'not a hash')).toBe(false);
  });
});

describe.each(testEngines())('dashboard API on $name', (engine) => {
  const db = useTestStore(engine);
  const clock = new SimClock(Date.UTC(2026, 10, 20, 10, 0, 0));
  let open: FastifyInstance;
  let locked: FastifyInstance;

  beforeAll(async () => {
    open = await buildServer({ store: db.store, config: loadConfig({}), clock: clock.now, logger: silentLogger });
    locked = await buildServer({ store: db.store, config: loadConfig({ PRICEKEEP_WEB_AUTH: 'required' }), clock: clock.now, logger: silentLogger });
  });
  afterAll(async () => {
    await open?.close();
    await locked?.close();
  });

  it('serves the pages, its files and uPlot, with a strict CSP', async () => {
    const page = await open.inject({ method: 'GET', url: '/', headers: HTML });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).toContain('/app/assets/app.js');
    for (const file of ['app.js', 'product-chart.js', 'display/money.js', 'vendor/uPlot.esm.js', 'vendor/uPlot.min.css']) {
      const asset = await open.inject({ method: 'GET', url: `/app/assets/${file}`, headers: HTML });
      expect(asset.statusCode, file).toBe(200);
    }
    expect((await open.inject({ method: 'GET', url: '/app/assets/../../config.ts', headers: HTML })).statusCode).toBe(404);
    expect((await open.inject({ method: 'GET', url: '/app/assets/chart-data.d.ts', headers: HTML })).statusCode).toBe(404);
  });

  it('answers unknown paths in the asking protocol\'s shape', async () => {
    const html = await open.inject({ method: 'GET', url: '/no-such-page', headers: HTML });
    expect([html.statusCode, html.headers['content-type']]).toEqual([404, 'text/html; charset=utf-8']);
    const api = await open.inject({ method: 'GET', url: '/app/api/nothing', headers: JSON_HEADERS });
    expect(api.json()).toEqual({ error: { code: 'not_found', message: 'Nothing at /app/api/nothing.' } });
    // A Keepa client still gets Keepa's envelope.
    const keepa = await open.inject({ method: 'GET', url: '/no-such-endpoint?key=abc', headers: { accept: 'text/html' } });
    expect(keepa.json().error.type).toBe('notFound');
  });

  it('refuses a host name that is not loopback in open mode (DNS rebinding)', async () => {
    const response = await open.inject({ method: 'GET', url: '/app/api/meta', headers: { ...JSON_HEADERS, host: 'evil.example:8080' } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('forbidden_host');
  });

  it('adds a product from a pasted URL only with the page\'s CSRF token', async () => {
    const csrf = csrfOf((await open.inject({ method: 'GET', url: '/', headers: HTML })).body);
    const body = { input: 'https://www.amazon.de/Some-Thing/dp/B07TXRHFYS/ref=x', intervalMinutes: 90 };
    const forged = await open.inject({ method: 'POST', url: '/app/api/products', headers: JSON_HEADERS, payload: body });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('csrf');
    expect(await listTracking(db.store, { asins: ['B07TXRHFYS'] })).toEqual([]);
    const added = await open.inject({ method: 'POST', url: '/app/api/products', headers: { ...JSON_HEADERS, 'x-csrf-token': csrf }, payload: body });
    expect(added.json()).toEqual({ domainId: 3, tld: 'de', asin: 'B07TXRHFYS', intervalMinutes: 90 });
    expect((await listTracking(db.store, { asins: ['B07TXRHFYS'] }))[0]).toMatchObject({ domainId: 3, intervalMinutes: 90 });
    const bad = await open.inject({ method: 'POST', url: '/app/api/products', headers: { ...JSON_HEADERS, 'x-csrf-token': csrf }, payload: { input: 'https://example.com/dp/B07TXRHFYS' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('not one of the 20 Amazon marketplaces');
    const list = await open.inject({ method: 'GET', url: '/app/api/products?tracked=1', headers: JSON_HEADERS });
    expect(list.json().rows.map((r: { asin: string }) => r.asin)).toEqual(['B07TXRHFYS']);
  });

  it('imports a Keepa file with the CLI\'s validation: a bad one writes nothing', async () => {
    const csrf = csrfOf((await open.inject({ method: 'GET', url: '/import', headers: HTML })).body);
    const headers = { ...JSON_HEADERS, 'content-type': 'application/json', 'x-csrf-token': csrf };
    const product = keepaFixture(KEEPA_FULL).products[0]!;
    const broken = { products: [product, { ...product, asin: 'B0BROKEN01', csv: [[1, 2, 3]] }] };
    const before = await dbInfo(db.store);
    const rejected = await open.inject({ method: 'POST', url: '/app/api/import', headers, payload: JSON.stringify(broken) });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.json().error).toMatchObject({ code: 'invalid_keepa_json', message: expect.stringContaining('products[1]') });
    expect((await dbInfo(db.store)).points).toBe(before.points);
    // A file cut short: the reader's words, the product it broke in, nothing written.
    const text = JSON.stringify({ products: [product, product] });
    const cut = await open.inject({ method: 'POST', url: '/app/api/import', headers, payload: text.slice(0, text.length - 100) });
    expect([cut.statusCode, cut.json().error.code]).toEqual([400, 'invalid_keepa_json']);
    expect((await dbInfo(db.store)).points).toBe(before.points);
    const imported = await open.inject({ method: 'POST', url: '/app/api/import', headers, payload: JSON.stringify({ products: [product] }) });
    expect(imported.json().products).toEqual([{ domainId: 1, asin: product.asin, pointsWritten: expect.any(Number), unchanged: 0 }]);
    const detail = await open.inject({ method: 'GET', url: `/app/api/products/1/${product.asin}`, headers: JSON_HEADERS });
    expect(detail.json().series.map((s: { key: string }) => s.key)).toContain('csv:1');
    expect(detail.json().stats.find((s: { key: string }) => s.key === 'csv:1').current).toBeTypeOf('number');
  });

  it('keeps the page\'s alerts in the default key\'s Keepa trackings: exact cents, CSRF, other marketplaces\' rules kept', async () => {
    // The key `pricekeep alerts` would have made; the page uses it and makes no other.
    const key = await createKey(db.store, 'default', 20, clock.ms);
    const keyId = 1;
    const csrf = csrfOf((await open.inject({ method: 'GET', url: '/', headers: HTML })).body);
    const asin = 'B00N150YS4';
    const page = (method: 'POST' | 'DELETE', domainId: number, path: string, payload?: object, token: string | null = csrf) =>
      open.inject({ method, url: `/app/api/products/${domainId}/${asin}/alerts${path}`, headers: { ...JSON_HEADERS, ...(token && { 'x-csrf-token': token }) }, ...(payload && { payload }) });
    const keepaGet = async () => (await open.inject({ method: 'GET', url: `/tracking?key=${key}&type=get&asin=${asin}`, headers: JSON_HEADERS })).json();

    expect((await page('POST', 1, '', { csvType: 1, direction: 'drop', amount: '19.99' }, null)).json().error.code).toBe('csrf');
    expect(await listKeyTrackings(db.store, keyId, null)).toEqual([]);
    const typo = await page('POST', 1, '', { csvType: 1, direction: 'drop', amount: '19.999' });
    expect([typo.statusCode, typo.json().error.message]).toEqual([400, 'amount must be a price in USD like 19.99, got "19.999"']);
    expect((await page('POST', 1, '', { csvType: 3, direction: 'drop', amount: '5' })).json().error.message).toBe('csvType 3 is not a price series');

    // A Keepa client's tracking of the same ASIN on amazon.de, then the page's rule on amazon.com.
    const added = await open.inject({
      method: 'POST', url: `/tracking?key=${key}&type=add`, headers: { ...JSON_HEADERS, 'content-type': 'application/json' },
      payload: [{ asin, mainDomainId: 3, updateInterval: 2, thresholdValues: [{ domain: 3, csvType: 0, thresholdValue: 2500, isDrop: true, minDeltaPercentage: 10 }] }],
    });
    expect(added.statusCode).toBe(200);
    const saved = await page('POST', 1, '', { csvType: 1, direction: 'drop', amount: '0.07' });
    expect(saved.json()).toMatchObject({ key: { name: 'default' }, createdKey: null, thresholds: [{ csvType: 1, series: 'NEW', kind: 'price', thresholdValue: 7, isDrop: true }] });
    const edited = await page('POST', 1, '', { csvType: 1, direction: 'drop', amount: '12.50' });
    expect(edited.json().thresholds).toEqual([expect.objectContaining({ csvType: 1, thresholdValue: 1250 })]);
    let tracking = (await keepaGet()).trackings[0];
    expect(tracking).toMatchObject({ mainDomainId: 3, updateInterval: 2 });
    expect(tracking.thresholdValues).toEqual([
      expect.objectContaining({ domain: 3, csvType: 0, thresholdValue: 2500, isDrop: true }),
      expect.objectContaining({ domain: 1, csvType: 1, thresholdValue: 1250, isDrop: true, thresholdValueCSV: [expect.any(Number), 7, expect.any(Number), 1250] }),
    ]);
    // Each marketplace's page shows its own rules.
    const detail = (domainId: number) => open.inject({ method: 'GET', url: `/app/api/products/${domainId}/${asin}`, headers: JSON_HEADERS });
    await addTracking(db.store, 3, [asin], 60);
    expect((await detail(3)).json().alerts.thresholds).toEqual([expect.objectContaining({ csvType: 0, thresholdValue: 2500 })]);
    // Edited in amazon.de's page (its own currency and separators), the rule keeps its delta.
    const kept = await page('POST', 3, '', { csvType: 0, direction: 'drop', amount: '24,00', replaces: { csvType: 0, direction: 'drop' } });
    expect(kept.json().thresholds).toEqual([expect.objectContaining({ csvType: 0, thresholdValue: 2400, minDeltaPercentage: 10 })]);
    expect((await page('DELETE', 3, '/threshold/1/drop')).statusCode).toBe(404);
    expect((await page('DELETE', 3, '/threshold/0/drop')).json().thresholds).toEqual([]);
    tracking = (await keepaGet()).trackings[0];
    expect(tracking.thresholdValues).toEqual([expect.objectContaining({ domain: 1, csvType: 1, thresholdValue: 1250 })]);
    const list = await open.inject({ method: 'GET', url: '/app/api/products?alerted=1', headers: JSON_HEADERS });
    expect(list.json().rows.map((r: { domainId: number; alerts: number }) => [r.domainId, r.alerts])).toEqual([[1, 1]]); // the tracking's rule makes the scheduler track it; amazon.de has no rule left
    const alerts = await open.inject({ method: 'GET', url: '/app/api/alerts', headers: JSON_HEADERS });
    expect(alerts.json()).toMatchObject({ key: { name: 'default', keyPrefix: key.slice(0, 8) }, rules: [{ domainId: 1, asin, title: null }], notifications: [] });
  });

  it('requires a login when the server says so: redirect, 401, rate limit, session cookie, CSRF', async () => {
    await setAdminPasswordHash(db.store, await hashPassword('a long enough password'));
    await addTracking(db.store, 3, ['B07TXRHFYS'], 60);
    const page = await locked.inject({ method: 'GET', url: '/product/1/B0D8W1YVBX', headers: HTML });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fproduct%2F1%2FB0D8W1YVBX');
    expect((await locked.inject({ method: 'GET', url: '/app/api/products', headers: JSON_HEADERS })).statusCode).toBe(401);

    const form = await locked.inject({ method: 'GET', url: '/login', headers: HTML });
    const loginToken = csrfOf(form.body);
    const loginCookie = String(form.headers['set-cookie']).split(';')[0]!;
    const login = (password: string, cookie = loginCookie, csrf = loginToken) =>
      locked.inject({
        method: 'POST', url: '/login',
        headers: { ...HTML, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ csrf, password, next: '/import' }).toString(),
      });
    // Without the login form's own token (login CSRF) nothing is even checked.
    expect((await login('a long enough password', 'pricekeep_login=other')).headers.location).toContain('expired');
    for (let i = 0; i < 5; i++) expect((await login('wrong')).headers.location).toContain('Wrong%20password');
    const limited = await login('a long enough password');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(15 * 60_000 + 1);
    const ok = await login('a long enough password');
    expect([ok.statusCode, ok.headers.location]).toEqual([303, '/import']);
    const cookies = ([] as string[]).concat(ok.headers['set-cookie'] as string | string[]);
    const session = cookies.find((c) => c.startsWith('pricekeep_session='))!;
    expect(session).toContain('HttpOnly');
    expect(session).toContain('SameSite=Strict');
    const cookie = session.split(';')[0]!;
    const shell = await locked.inject({ method: 'GET', url: '/', headers: { ...HTML, cookie } });
    expect(shell.statusCode).toBe(200);
    const csrf = csrfOf(shell.body);
    const change = (token?: string) =>
      locked.inject({ method: 'PUT', url: '/app/api/products/3/B07TXRHFYS/tracking', headers: { ...JSON_HEADERS, cookie, ...(token && { 'x-csrf-token': token }) }, payload: { intervalMinutes: 30 } });
    expect((await change()).statusCode).toBe(403);
    expect((await change('x'.repeat(43))).statusCode).toBe(403);
    expect((await change(csrf)).json()).toEqual({ intervalMinutes: 30, active: true });
    // Behind a non-loopback bind the Host header is whatever the clients use.
    expect((await locked.inject({ method: 'GET', url: '/app/api/meta', headers: { ...JSON_HEADERS, cookie, host: 'prices.example.com' } })).json().auth).toEqual({ required: true, loggedIn: true });
    const out = await locked.inject({
      method: 'POST', url: '/logout',
      headers: { ...HTML, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ csrf }).toString(),
    });
    expect(out.headers.location).toBe('/login');
    expect((await locked.inject({ method: 'GET', url: '/app/api/products', headers: { ...JSON_HEADERS, cookie } })).statusCode).toBe(401);
  });
});
