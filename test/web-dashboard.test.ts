// The dashboard in headless Chromium (Debian's package through playwright-core): add a
// product by pasting its URL, scrape it from the stand-in Amazon, see it listed; open a
// real Keepa product and read what its chart holds; hover, range, zoom, gaps; a 50,000-
// point product; alerts made, edited and removed in the page, read back through the Keepa
// tracking API, and the notification one raises on the alerts page. Screenshots for the
// README: PRICEKEEP_UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTick } from '../jobs/scheduler.js';
import { formatMoney } from '../src/display/money.js';
import { loadConfig } from '../src/config.js';
import { domainForId } from '../src/keepa/domains.js';
import { decodeNumeric } from '../src/keepa/history-series.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { keepaMinuteToUnixMs } from '../src/keepa/time.js';
import { createScraper, type Scraper } from '../src/scraper/index.js';
import { importKeepaProduct, recordObservations, type Store } from '../src/store/index.js';
import { CHROMIUM, launchChromium } from './helpers/browser.js';
import { startDashboard, type RunningDashboard } from './helpers/dashboard.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';
import { scriptedServer, type ScriptedServer } from './helpers/scraper-server.js';

const SCRAPED = 'B00N150YS4'; // $12.48 on the saved page
const BOOK = '1496849574';
const FIXTURES = [BOOK, '0135048761', '184297291X', '1580626130', '1937565750'];
const page0 = readFileSync(`${SHARED_FIXTURES}amazon/com_product_${SCRAPED}.html`, 'utf8');
const keepa = (asin: string) => JSON.parse(readFileSync(`${SHARED_FIXTURES}keepa/more/${asin}_us.json`, 'utf8'));
const SCREENSHOTS = new URL('../docs/screenshots/', import.meta.url);

/** A product of 50,000 New prices, one every 15 minutes, out of stock every 1,000th. */
function bigProduct(asin: string, end: number) {
  const flat: number[] = [];
  const n = 50_000;
  for (let i = 0; i < n; i++) flat.push(end - (n - i) * 15, i % 1000 === 999 ? -1 : 1000 + ((i * 37) % 500));
  return { asin, domainId: 1, title: 'Fifty thousand points', csv: [null, flat], productType: 0, lastUpdate: end };
}

// One engine is enough here: the store's queries are tested on both in their own suites.
const engine = testEngines().at(-1)!;

describe.skipIf(!CHROMIUM)('dashboard in chromium', () => {
  let database: TestDatabase;
  let store: Store;
  let amazon: ScriptedServer;
  let scraper: Scraper;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const lastUpdate = keepa(BOOK).lastUpdate as number;
  // The server's "now": an hour after the book's last Keepa update.
  const nowMs = keepaMinuteToUnixMs(lastUpdate + 60);
  const clock = () => nowMs;

  beforeAll(async () => {
    database = await engine.create();
    store = await database.open();
    for (const asin of FIXTURES) await importKeepaProduct(store, splitKeepaProduct(keepa(asin)));
    await importKeepaProduct(store, splitKeepaProduct(bigProduct('B0FIFTYK00', lastUpdate)));
    amazon = await scriptedServer([], (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page0);
    });
    const config = loadConfig({ PRICEKEEP_AMAZON_BASE_URL: amazon.url, PRICEKEEP_MAX_ATTEMPTS: '1' });
    scraper = createScraper(config.scraper);
    dashboard = await startDashboard({ store, config, clock });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await scraper?.close();
    await amazon?.close();
    await store?.close();
    await database?.drop();
  });

  async function openProduct(asin: string) {
    await page.goto(`${dashboard.url}/product/1/${asin}`);
    await page.waitForFunction(() => (window as any).__chart?.drawnAt > 0);
  }

  it('adds a product by its pasted URL, scrapes it, and lists it with its price', async () => {
    await page.goto(`${dashboard.url}/`);
    await page.waitForSelector(`tr[data-asin="${BOOK}"]`);
    await page.fill('input[name=input]', `https://www.amazon.com/Some-Charger/dp/${SCRAPED}/ref=sr_1_3?th=1`);
    await page.click('#add-product button[type=submit]');
    const row = page.locator(`tr[data-asin="${SCRAPED}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('not scraped yet');
    await row.locator('button.scrape').click();
    await page.waitForFunction((asin) => document.querySelector(`tr[data-asin="${asin}"] button.scrape`)?.textContent === 'Scrape now', SCRAPED);
    // The scheduler's tick, as `pricekeep start` runs it every minute.
    const tick = await runTick({ store, scrape: (asin, tld) => scraper.scrapeProduct(asin, tld), worker: 'browser-test', clock });
    expect(tick).toMatchObject({ scraped: 1, ok: 1 });
    await page.reload();
    const scraped = page.locator(`tr[data-asin="${SCRAPED}"]`);
    await scraped.waitFor();
    expect(await scraped.locator('td.price').textContent()).toBe('$12.48');
    expect(await scraped.textContent()).toContain('✓ ok');
    expect(amazon.requests.some((r) => r.path.includes(SCRAPED))).toBe(true);
    // search narrows the list to it
    await page.goto(`${dashboard.url}/?search=${SCRAPED}`);
    await page.waitForSelector(`tr[data-asin="${SCRAPED}"]`);
    expect(await page.locator('tbody tr').count()).toBe(1);
  });

  it('draws every stored series of a product, point for point, with out-of-stock as gaps', async () => {
    await openProduct(BOOK);
    const chart = await page.evaluate(() => {
      const c = (window as any).__chart;
      return { keys: c.series.map((s: any) => s.key), data: c.data };
    });
    const product = keepa(BOOK);
    const drawable = [0, 1, 2, 4, 18, 3, 16].filter((i) => product.csv[i]?.length);
    expect(chart.keys).toEqual(drawable.map((i) => `csv:${i}`));
    const xs: number[] = chart.data[0];
    let gaps = 0;
    drawable.forEach((csvIndex, column) => {
      for (const p of decodeNumeric(`csv:${csvIndex}`, product.csv[csvIndex])) {
        const i = xs.indexOf(keepaMinuteToUnixMs(p.t) / 1000);
        expect(i, `csv:${csvIndex} at ${p.t}`).toBeGreaterThanOrEqual(0);
        // never drawn as 0 or -1: an out-of-stock value is null (a gap)
        expect(chart.data[column + 1][i]).toBe(p.value < 0 ? null : p.value);
        if (p.value < 0) gaps++;
      }
    });
    expect(gaps).toBeGreaterThan(0);
  });

  it('shows the exact price in its currency at a hovered time, and a gap as out of stock', async () => {
    await openProduct(BOOK);
    const product = keepa(BOOK);
    const usd = domainForId(1)!;
    const now = lastUpdate + 60;
    const from = now - 90 * 1440;
    // The longest New (csv 1) step inside the default 3-month view, and the longest Used gap.
    const longest = (index: number, wanted: (v: number) => boolean) => {
      const points = decodeNumeric(`csv:${index}`, product.csv[index]);
      let best = { mid: 0, length: 0, value: 0 };
      points.forEach((p, i) => {
        const start = Math.max(p.t, from);
        const end = Math.min(points[i + 1]?.t ?? now, now);
        if (wanted(p.value) && end - start > best.length) best = { mid: Math.round((start + end) / 2), length: end - start, value: p.value };
      });
      return best;
    };
    const hover = async (minute: number) => {
      const seconds = keepaMinuteToUnixMs(minute) / 1000;
      const point = await page.evaluate((s) => {
        const u = (window as any).__chart.uplot;
        const box = u.over.getBoundingClientRect();
        return { x: box.left + u.valToPos(s, 'x'), y: box.top + box.height / 2 };
      }, seconds);
      await page.mouse.move(point.x, point.y);
      return page.locator('.tooltip').innerText();
    };
    const step = longest(1, (v) => v >= 0);
    const text = await hover(step.mid);
    expect(text).toContain(`New: ${formatMoney(step.value, usd)}`);
    expect(text).toContain(new Date(keepaMinuteToUnixMs(step.mid)).toLocaleString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }));
    const gap = longest(2, (v) => v < 0);
    expect(gap.length).toBeGreaterThan(0);
    expect(await hover(gap.mid)).toContain('Used: out of stock');
  });

  it('switches the visible range with the range buttons and zooms by dragging', async () => {
    await openProduct(BOOK);
    const extent = () => page.evaluate(() => {
      const u = (window as any).__chart.uplot;
      return { min: u.scales.x.min, max: u.scales.x.max };
    });
    const now = keepaMinuteToUnixMs(lastUpdate + 60) / 1000;
    expect(await extent()).toEqual({ min: now - 90 * 86_400, max: now });
    await page.click('button[data-days="7"]');
    expect(await extent()).toEqual({ min: now - 7 * 86_400, max: now });
    await page.click('button[data-days="all"]');
    const first = await page.evaluate(() => (window as any).__chart.first);
    const csv = keepa(BOOK).csv as Array<number[] | null>;
    const earliest = Math.min(...[0, 1, 2, 3, 4, 16, 18].flatMap((i) => (csv[i]?.length ? [csv[i]![0]!] : [])));
    expect(first).toBe(keepaMinuteToUnixMs(earliest) / 1000);
    expect(await extent()).toEqual({ min: first, max: now });
    const box = (await page.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const zoomed = await extent();
    expect(zoomed.min).toBeGreaterThan(first);
    expect(zoomed.max).toBeLessThan(now);
  });

  it('opens a product of 50,000 points with its chart drawn', async () => {
    await openProduct('B0FIFTYK00');
    const drawn = await page.evaluate(() => {
      const c = (window as any).__chart;
      return { points: c.series[0].points, rows: c.data[0].length, nulls: c.data[1].filter((v: unknown) => v === null).length };
    });
    // 50 out-of-stock points, and the row at "now" still out of stock (the last point is one).
    expect(drawn).toEqual({ points: 50_000, rows: 50_001, nulls: 51 });
  });

  /** The Keepa tracking API with the key the page showed when it created the default alert key. */
  let alertKey = '';
  const trackingApi = async (params: Record<string, string>) => {
    const response = await fetch(`${dashboard.url}/tracking?${new URLSearchParams({ key: alertKey, ...params })}`);
    return (await response.json()) as { trackings?: Array<Record<string, any>>; asinList?: string[]; error?: { message: string } };
  };
  const rule = (csvType: number, direction: 'drop' | 'rise') => page.locator(`#alert-list li[data-kind=threshold][data-csv-type="${csvType}"][data-direction=${direction}]`);

  it('creates a threshold alert in the page, in cents, and the Keepa tracking API shows it', async () => {
    await openProduct(BOOK);
    await page.selectOption('#alert-form select[name=csvType]', '1');
    await page.selectOption('#alert-form select[name=direction]', 'drop');
    await page.fill('#alert-form input[name=amount]', '19.99');
    expect(await page.locator('#amount-preview').textContent()).toBe('= $19.99');
    await page.click('#alert-form button[type=submit]');
    await rule(1, 'drop').waitFor();
    expect(await rule(1, 'drop').getAttribute('data-value')).toBe('1999');
    expect(await rule(1, 'drop').textContent()).toContain('New at or below $19.99');
    // The first alert created the default key (as `pricekeep alerts add` would): shown once.
    alertKey = (await page.locator('#created-key code').textContent())!;
    expect(alertKey).toMatch(/^[a-z0-9]{64}$/);
    const got = await trackingApi({ type: 'get', asin: BOOK });
    expect(got.error).toBeUndefined();
    expect(got.trackings).toHaveLength(1);
    expect(got.trackings![0]).toMatchObject({ asin: BOOK, mainDomainId: 1, isActive: true });
    expect(got.trackings![0]!.thresholdValues).toEqual([expect.objectContaining({ domain: 1, csvType: 1, isDrop: true, thresholdValue: 1999 })]);

    // Editing moves the value (and keeps one threshold per series and direction).
    await rule(1, 'drop').locator('button.edit').click();
    expect(await page.inputValue('#alert-form input[name=amount]')).toBe('19.99');
    await page.fill('#alert-form input[name=amount]', '1,234.5');
    await page.selectOption('#alert-form select[name=csvType]', '0');
    await page.click('#alert-form button[type=submit]');
    await rule(0, 'drop').waitFor();
    expect(await rule(1, 'drop').count()).toBe(0);
    const edited = await trackingApi({ type: 'get', asin: BOOK });
    expect(edited.trackings![0]!.thresholdValues).toEqual([expect.objectContaining({ domain: 1, csvType: 0, isDrop: true, thresholdValue: 123450 })]);

    // A stock trigger beside it; the list's "with alerts" filter and count read the same rules.
    await page.selectOption('#stock-form select[name=csvType]', '1');
    await page.click('#stock-form button[type=submit]');
    await page.locator('#alert-list li[data-kind=stock][data-csv-type="1"][data-stock=back]').waitFor();
    expect((await trackingApi({ type: 'get', asin: BOOK })).trackings![0]!.notifyIf).toEqual([{ domain: 1, csvType: 1, notifyIfType: 1 }]);
    await page.goto(`${dashboard.url}/?alerted=1`);
    await page.waitForSelector(`tr[data-asin="${BOOK}"]`);
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator(`tr[data-asin="${BOOK}"] .badge.alert`).textContent()).toBe('2 alerts');
    await page.goto(`${dashboard.url}/alerts`);
    await page.waitForSelector(`#alert-rules tr[data-asin="${BOOK}"]`);
    expect(await page.locator(`#alert-rules tr[data-asin="${BOOK}"]`).textContent()).toContain('Amazon at or below $1,234.50, New back in stock');
  });

  it('removing the alerts in the page removes the tracking from the Keepa tracking API', async () => {
    expect(alertKey).not.toBe('');
    await openProduct(BOOK);
    await page.locator('#alert-list li[data-kind=stock] button.remove').click();
    await page.locator('#alert-list li[data-kind=stock]').waitFor({ state: 'detached' });
    expect((await trackingApi({ type: 'get', asin: BOOK })).trackings![0]!.notifyIf).toEqual([]);
    await rule(0, 'drop').locator('button.remove').click();
    await page.waitForSelector('#alert-list li.muted');
    expect(await page.locator('#alert-list').textContent()).toContain('No alerts for this product.');
    // Its last rule gone, the tracking is gone: type=get says so, type=list has nothing.
    expect((await trackingApi({ type: 'get', asin: BOOK })).error?.message).toBe(`ASIN ${BOOK} is not tracked.`);
    expect((await trackingApi({ type: 'list', 'asins-only': '1' })).asinList).toEqual([]);
  });

  it('takes the README screenshots of the product list and a product page', async () => {
    // With an alert on the book, so both pages show one.
    await openProduct(BOOK);
    await page.fill('#alert-form input[name=amount]', '8.99');
    await page.click('#alert-form button[type=submit]');
    await rule(1, 'drop').waitFor();
    await page.goto(`${dashboard.url}/?tracked=&sort=lastChange`);
    await page.waitForSelector(`tr[data-asin="${BOOK}"]`);
    const list = await page.screenshot({ fullPage: true });
    await openProduct(BOOK);
    const product = await page.screenshot({ fullPage: true });
    expect(list.subarray(1, 4).toString()).toBe('PNG');
    if (process.env.PRICEKEEP_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(SCREENSHOTS, { recursive: true });
      writeFileSync(new URL('product-list.png', SCREENSHOTS), list);
      writeFileSync(new URL('product-page.png', SCREENSHOTS), product);
    }
  });

  it('lists the notification an alert made in the page raised, without marking it read', async () => {
    await page.goto(`${dashboard.url}/product/1/${SCRAPED}`);
    await page.waitForSelector('#alert-form');
    await page.selectOption('#alert-form select[name=csvType]', '0');
    await page.fill('#alert-form input[name=amount]', '12.00');
    await page.click('#alert-form button[type=submit]');
    await rule(0, 'drop').waitFor();
    // The next scrape, a minute later, finds Amazon's price at $11.50: recorded as a scrape
    // records it, in the same transaction as the notification it raises.
    const recorded = await recordObservations(store, [{ domainId: 1, asin: SCRAPED, at: lastUpdate + 61, numeric: [{ name: 'csv:0', value: 1150 }] }]);
    expect(recorded.notifications).toBe(1);
    await page.goto(`${dashboard.url}/alerts`);
    await page.waitForSelector('#notifications tr');
    const row = page.locator('#notifications tr');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('Desired price reached (Amazon)');
    expect(await row.locator('td.num').textContent()).toBe('$12.48 → $11.50');
    expect(await page.locator(`#alert-rules tr[data-asin="${SCRAPED}"]`).textContent()).toContain('Amazon at or below $12.00');
    // Still unread for the Keepa client of the key.
    const pulled = (await trackingApi({ type: 'notification', since: '0' })) as { notifications?: Array<Record<string, unknown>> };
    expect(pulled.notifications?.map((n) => [n.asin, n.csvType, n.trackingNotificationCause])).toEqual([[SCRAPED, 0, 1]]);
  });
});
