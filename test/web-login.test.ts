// The dashboard's login in headless Chromium on a non-loopback bind, as a server reachable
// from a network runs it: bound to 0.0.0.0 (auth-mode.ts asks for a login on every bind
// but loopback; 127.0.0.2 would still be loopback and open), with the password set by the
// real `pricekeep admin set-password`. The browser connects through 127.0.0.1 only.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningApi } from '../src/api/run.js';
import { loadConfig } from '../src/config.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { keepaMinuteToUnixMs } from '../src/keepa/time.js';
import { importKeepaProduct, type Store } from '../src/store/index.js';
import { silentLogger } from './helpers/api-server.js';
import { CHROMIUM, launchChromium } from './helpers/browser.js';
import { cliEnvFor, setAdminPassword } from './helpers/cli.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';

const PASSWORD = 'correct horse battery staple';
const BOOK = '1496849574';
const keepa = JSON.parse(readFileSync(`${SHARED_FIXTURES}keepa/more/${BOOK}_us.json`, 'utf8'));

// The embedded engine is one process at a time: the CLI sets the password before this
// process opens the database. One engine is enough for a browser test.
const engine = testEngines().at(-1)!;

describe.skipIf(!CHROMIUM)('dashboard login in chromium on a non-loopback bind', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-login-'));
  let database: TestDatabase;
  let store: Store;
  let server: RunningApi;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const clock = () => keepaMinuteToUnixMs((keepa.lastUpdate as number) + 60);

  beforeAll(async () => {
    database = await engine.create();
    const set = await setAdminPassword(cliEnvFor(database, scratch, { PRICEKEEP_LOG_LEVEL: 'warn' }), `${PASSWORD}\n`);
    expect(set, set.stderr).toMatchObject({ code: 0 });
    store = await database.open();
    await importKeepaProduct(store, splitKeepaProduct(keepa));
    // PRICEKEEP_WEB_AUTH unset: `auto`, the bind address alone decides.
    const config = loadConfig({});
    expect(config.web.auth).toBe('auto');
    server = await startApiServer({ store, config, clock, logger: silentLogger, port: 0, host: '0.0.0.0' });
    const address = server.app.server.address() as AddressInfo;
    expect(address.address).toBe('0.0.0.0');
    url = `http://127.0.0.1:${address.port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('sends a visitor to the login page, refuses a wrong password and signs in with the right one', async () => {
    // Nothing without a session, not even the JSON API.
    expect((await fetch(`${url}/app/api/products`, { headers: { accept: 'application/json' } })).status).toBe(401);
    await page.goto(`${url}/`);
    await page.waitForSelector('form#login');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/');

    await page.fill('input[name=password]', 'not the password');
    await Promise.all([page.waitForURL(/error=/), page.click('form#login button[type=submit]')]);
    await page.waitForSelector('form#login');
    expect(await page.locator('p.error[role=alert]').textContent()).toBe('Wrong password.');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('pricekeep_session');

    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(`${url}/`), page.click('form#login button[type=submit]')]);
    await page.waitForSelector(`tr[data-asin="${BOOK}"]`);
    expect(await page.locator('#list-summary').textContent()).toBe('1 product');
    expect(await page.locator('nav form.logout button').textContent()).toBe('Sign out');

    const session = (await context.cookies()).find((c) => c.name === 'pricekeep_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // HttpOnly: the page's scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('pricekeep_session');
  });

  it('refuses a change without the CSRF token, from a script and from a plain form', async () => {
    const csrf = await page.locator('meta[name=csrf-token]').getAttribute('content');
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The session cookie goes along (same origin); only the token is missing.
    const forged = await page.evaluate(async () => {
      const response = await fetch('/app/api/products', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ input: 'B00N150YS4', domainId: 1 }),
      });
      return { status: response.status, body: await response.json() };
    });
    expect(forged).toEqual({ status: 403, body: { error: { code: 'csrf', message: 'missing or wrong CSRF token (reload the page)' } } });

    // The sign-out form with its token field removed: a form POST the server must refuse.
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(() => {
        const form = document.querySelector<HTMLFormElement>('nav form.logout')!;
        form.querySelector('input[name=csrf]')!.remove();
        form.submit();
      }),
    ]);
    expect(response!.status()).toBe(403);
    expect(response!.url()).toBe(`${url}/logout`);

    // Still signed in: the refused requests changed nothing.
    await page.goto(`${url}/`);
    await page.waitForSelector(`tr[data-asin="${BOOK}"]`);
    expect(await page.locator('tbody tr').count()).toBe(1);
    const meta = await page.evaluate(() => fetch('/app/api/meta').then((r) => r.json()));
    expect(meta.auth).toEqual({ required: true, loggedIn: true });

    // With its token the same form signs out.
    await Promise.all([page.waitForURL(/\/login/), page.click('nav form.logout button')]);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('pricekeep_session');
  });
});
