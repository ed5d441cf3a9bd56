// The scheduler obeys the catalogue's failure policy: a rejected hosted-scraper key halts
// scraping for every product (shown by `track list` and the status, cleared by `track
// resume`) instead of rescheduling forever; a redirect to another ASIN retires the stale
// one and records where it went; an unreadable page is rescheduled, not retired.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'cheerio/slim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTick } from '../jobs/scheduler.js';
import { loadConfig } from '../src/config.js';
import { statusReport } from '../src/products/status-report.js';
import { createScraper, type Scraper } from '../src/scraper/index.js';
import { addTracking, currentHalt, listTracking, readProducts, removeTracking, resumeScraping, trackingStatus, type Store } from '../src/store/index.js';
import { cliEnvFor, runCli } from './helpers/cli.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';
import { scriptedServer, type ScriptedServer } from './helpers/scraper-server.js';

const MOVED_TO = 'B092LGG221';
const movedPage = readFileSync(`${SHARED_FIXTURES}amazon/de_product_${MOVED_TO}.html`, 'utf8');
/** The same real page as product B0STRIPPED, with every price element removed. */
function strippedPage(): string {
  const $ = load(movedPage.replaceAll(MOVED_TO, 'B0STRIPPED'));
  $('#corePriceDisplay_desktop_feature_div, #corePrice_desktop, #corePrice_feature_div, #apex_desktop, [id^="priceblock_"], #price_inside_buybox, #newBuyBoxPrice, #tp_price_block_total_price_ww, #price, .a-price').remove();
  return $.html();
}

describe.each(testEngines())('failure policy in the scheduler on $name', (engine) => {
  let database: TestDatabase;
  let store: Store;
  let asa: ScriptedServer;
  let amazon: ScriptedServer;
  let asaScraper: Scraper;
  let directScraper: Scraper;
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-policy-'));

  beforeAll(async () => {
    database = await engine.create();
    store = await database.open();
    asa = await scriptedServer([], (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'unauthorized', message: 'unknown API key' }));
    });
    const stripped = strippedPage();
    amazon = await scriptedServer([], (req, res) => {
      if (req.url?.startsWith('/dp/B0STALE000')) {
        res.writeHead(301, { location: `/dp/${MOVED_TO}` }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.url?.startsWith(`/dp/${MOVED_TO}`) ? movedPage : stripped);
    });
    asaScraper = createScraper(loadConfig({ PRICEKEEP_SCRAPER_BACKEND: 'asa', PRICEKEEP_ASA_URL: asa.url, PRICEKEEP_ASA_KEY: 'asa_live_wrong', PRICEKEEP_MAX_ATTEMPTS: '3' }).scraper);
    directScraper = createScraper(loadConfig({ PRICEKEEP_AMAZON_BASE_URL: amazon.url, PRICEKEEP_MAX_ATTEMPTS: '3', PRICEKEEP_RETRY_BASE_MS: '5' }).scraper);
  });
  afterAll(async () => {
    await asaScraper?.close();
    await directScraper?.close();
    await asa?.close();
    await amazon?.close();
    await store?.close();
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const tick = (scraper: Scraper) => runTick({ store, scrape: (asin, tld) => scraper.scrapeProduct(asin, tld), worker: 'test', concurrency: 1 });

  it('halts on unauthorized: one request per claimed product, none after, no failure charged; resume re-arms', async () => {
    await addTracking(store, 1, ['B0HALT0001', 'B0HALT0002'], 60);
    const first = await tick(asaScraper);
    // The batch in hand is finished (each product once, not retried), then nothing more is claimed.
    expect(first).toMatchObject({ scraped: 2, ok: 0, failed: 2, errorsByCode: { unauthorized: 2 } });
    expect(asa.requests).toHaveLength(2);
    expect(await currentHalt(store)).toMatchObject({ code: 'unauthorized', message: 'unknown API key', worker: 'test' });
    const rows = await listTracking(store, { domainId: 1, asins: ['B0HALT0001', 'B0HALT0002'] });
    for (const row of rows) {
      expect([row.active, row.failures, row.lastErrorCode, row.leaseOwner]).toEqual([true, 0, 'unauthorized', null]);
      expect(row.nextDue.getTime()).toBeLessThanOrEqual(Date.now()); // still due: scraped as soon as scraping resumes
    }
    expect((await trackingStatus(store)).halt).toMatchObject({ code: 'unauthorized' });
    expect((await statusReport(store)).halt).toMatchObject({ code: 'unauthorized', message: 'unknown API key' }); // GET /status, `pricekeep status`

    for (let i = 0; i < 3; i++) expect((await tick(asaScraper)).scraped).toBe(0);
    expect(asa.requests).toHaveLength(2);

    expect(await resumeScraping(store)).toMatchObject({ code: 'unauthorized' });
    expect(await currentHalt(store)).toBeNull();
    expect((await trackingStatus(store)).halt).toBeNull();
    expect((await tick(asaScraper)).scraped).toBe(2); // the key is still wrong: halted again
    expect(await currentHalt(store)).toMatchObject({ code: 'unauthorized' });
    await resumeScraping(store);
    await removeTracking(store, 1, ['B0HALT0001', 'B0HALT0002']);
  });

  it('retires an ASIN Amazon redirects to another one and records the new ASIN', async () => {
    await addTracking(store, 3, ['B0STALE000'], 60);
    expect((await tick(directScraper)).errorsByCode).toEqual({ asin_mismatch: 1 });
    const [row] = await listTracking(store, { domainId: 3, asins: ['B0STALE000'] });
    expect([row!.active, row!.redirectedTo]).toEqual([false, MOVED_TO]);
    expect(row!.inactiveReason).toBe(`asin_mismatch: asked for B0STALE000, Amazon served ${MOVED_TO}`);
    expect(amazon.requests.filter((r) => r.path.startsWith('/dp/B0STALE000'))).toHaveLength(1); // not retried
    expect((await tick(directScraper)).scraped).toBe(0);
    expect((await readProducts(store, 3, ['B0STALE000', MOVED_TO])).size).toBe(0);
  });

  it('reschedules a page that lost its price block, writing nothing', async () => {
    await addTracking(store, 3, ['B0STRIPPED'], 60);
    const before = amazon.requests.length;
    expect((await tick(directScraper)).errorsByCode).toEqual({ extraction_failed: 1 });
    expect(amazon.requests.length - before).toBe(1); // not retried within the scrape
    const [row] = await listTracking(store, { domainId: 3, asins: ['B0STRIPPED'] });
    expect([row!.active, row!.failures, row!.lastErrorCode]).toEqual([true, 1, 'extraction_failed']);
    expect(row!.nextDue.getTime()).toBeGreaterThan(Date.now());
    expect((await readProducts(store, 3, ['B0STRIPPED'])).size).toBe(0);
  });

  it('shows the halt in `track list` and clears it with `track resume`', async () => {
    await addTracking(store, 1, ['B0HALT0003'], 60);
    await tick(asaScraper);
    await store.close(); // an embedded data directory opens in one process at a time
    try {
      const env = cliEnvFor(database, scratch);
      const list = await runCli(env, 'track', 'list', '--domain', 'com');
      expect(list.code).toBe(0);
      expect(list.stdout.split('\n')[0]).toMatch(/^SCRAPING HALTED since \S+: unauthorized: unknown API key \(fix the cause, then run `pricekeep track resume`\)$/);
      const json = await runCli(env, 'track', 'list', '--json');
      expect([json.code, JSON.parse(json.stdout).map((r: { asin: string }) => r.asin), json.stderr]).toEqual([0, expect.arrayContaining(['B0HALT0003']), expect.stringContaining('SCRAPING HALTED')]);
      const cron = await runCli(env, 'run-once');
      expect([cron.code, cron.stdout]).toEqual([1, '']);
      expect(cron.stderr).toMatch(/^SCRAPING HALTED since \S+: unauthorized: unknown API key/);
      const resumed = await runCli(env, 'track', 'resume');
      expect([resumed.code, resumed.stdout]).toEqual([0, expect.stringMatching(/^resumed scraping \(was halted since \S+: unauthorized\)\n$/)]);
    } finally {
      store = await database.open();
    }
    expect(await currentHalt(store)).toBeNull();
  }, 300_000); // four CLI processes, each opening the database
});
