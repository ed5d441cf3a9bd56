// Real product pages with their price markup stripped, or cut off at several points, never
// become clean observations: -1 (out of stock) only where the page positively says the
// product is unavailable, and a cut page records nothing (extraction_failed, retried later).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'cheerio/slim';
import { afterAll, describe, expect, it } from 'vitest';
import { mapObservation } from '../src/keepa/observation-mapping.js';
import { isMarketplaceTld, type MarketplaceTld } from '../src/marketplaces.js';
import { ReplayBackend } from '../src/scraper/backends/replay.js';
import { extractProduct } from '../src/scraper/extract/product.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';

interface Fixture {
  readonly file: string;
  readonly tld: MarketplaceTld;
  readonly asin: string;
  readonly html: string;
}

function productPages(dir: string): Fixture[] {
  return readdirSync(dir)
    .filter((f) => /_product_[A-Z0-9]{10}\.html$/.test(f))
    .map((file) => {
      const [tldPart, , rest] = file.split('_');
      const tld = tldPart.replace(/-/g, '.');
      if (!isMarketplaceTld(tld)) throw new Error(file);
      return { file, tld, asin: rest.replace('.html', ''), html: readFileSync(join(dir, file), 'utf8') };
    });
}

const SAVED = productPages(join(SHARED_FIXTURES, 'amazon'));
const OUT_OF_STOCK_PAGE = readFileSync(new URL('../fixtures/amazon/com-mx_product_B0MXTEST01.html', import.meta.url), 'utf8');

/** Every element that carries a price on a product page (the price block and the buy box's price). */
const PRICE_MARKUP = [
  '#corePriceDisplay_desktop_feature_div', '#corePrice_desktop', '#corePrice_feature_div', '#apex_desktop',
  '[id^="priceblock_"]', '#price_inside_buybox', '#newBuyBoxPrice', '#tp_price_block_total_price_ww', '#price', '.a-price',
].join(', ');

function stripPrices(html: string): string {
  const $ = load(html);
  $(PRICE_MARKUP).remove();
  return $.html();
}

describe('a page whose price markup was stripped', () => {
  it('is extraction_failed on every saved product page (none says it is unavailable)', () => {
    expect(SAVED.length).toBeGreaterThanOrEqual(13);
    for (const page of SAVED) {
      expect(extractProduct(page.html, page.tld, { asin: page.asin }).ok, page.file).toBe(true);
      const stripped = extractProduct(stripPrices(page.html), page.tld, { asin: page.asin });
      expect([page.file, !stripped.ok && stripped.error.code, !stripped.ok && stripped.error.policy]).toEqual([page.file, 'extraction_failed', 'reschedule']);
      expect(!stripped.ok && stripped.error.message).toMatch(/price block missing/);
    }
  });

  it('still records -1 when the page positively says the product is unavailable', () => {
    const extraction = extractProduct(stripPrices(OUT_OF_STOCK_PAGE), 'com.mx', { asin: 'B0MXTEST01' });
    expect(extraction.ok && extraction.product.in_stock).toBe(false);
    if (!extraction.ok) return;
    const points = mapObservation(extraction.product, 11, 7_000_000).numeric.filter((p) => p.name === 'csv:0' || p.name === 'csv:1');
    expect(points).toEqual([{ name: 'csv:0', value: -1 }, { name: 'csv:1', value: -1 }]);
  });

  it('does not read availability text it does not know as out of stock', () => {
    // The same page with neither the out-of-stock box nor a text that says unavailable.
    const html = OUT_OF_STOCK_PAGE.replaceAll('No disponible por el momento.', 'Ver opciones de compra.').replace('id="outOfStock"', 'id="sellersBox"');
    const extraction = extractProduct(html, 'com.mx', { asin: 'B0MXTEST01' });
    expect(extraction.ok && [extraction.product.in_stock, extraction.product.used_price_minor]).toEqual([null, 849900]);
    if (!extraction.ok) return;
    const numeric = mapObservation(extraction.product, 11, 7_000_000).numeric;
    expect(numeric.filter((p) => p.value === -1)).toEqual([]);
    expect(numeric.find((p) => p.name === 'csv:2')?.value).toBe(849900);
    // Without its used offer the page shows nothing to record: a title alone is no observation.
    const bare = load(html);
    bare('#usedBuySection, #olp_feature_div, #olpLinkWidget_feature_div').remove();
    const titleOnly = extractProduct(bare.html(), 'com.mx', { asin: 'B0MXTEST01' });
    expect(!titleOnly.ok && [titleOnly.error.code, titleOnly.error.message]).toEqual(['extraction_failed', 'the product page shows no price, no offer and no availability']);
  });
});

describe('a page cut off', () => {
  const CUTS = [0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 0.95];

  it('records nothing, wherever the cut is: before the title, the price, the buy box or the footer', () => {
    for (const page of SAVED) {
      const footer = page.html.indexOf('id="navFooter"');
      const points = [...CUTS.map((f) => Math.floor(page.html.length * f)), ...(footer > 0 ? [footer] : [])];
      for (const at of points) {
        const cut = extractProduct(page.html.slice(0, at), page.tld, { asin: page.asin });
        expect([page.file, at, cut.ok, !cut.ok && cut.error.code]).toEqual([page.file, at, false, 'extraction_failed']);
      }
    }
  });

  it('says it is cut, and the same page whole is a clean product', () => {
    const page = SAVED.find((p) => p.file === 'de_product_B07TXRHFYS.html')!;
    const cut = extractProduct(page.html.slice(0, page.html.indexOf('id="navFooter"')), 'de', { asin: page.asin });
    expect(!cut.ok && cut.error.message).toMatch(/^the page is cut off \(\d+ characters, no closing <\/body> or <\/html>\)$/);
    expect(extractProduct(page.html, 'de', { asin: page.asin }).ok).toBe(true);
  });

  describe('through the replay backend', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pricekeep-cut-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('answers a cut saved page with extraction_failed and no product', async () => {
      const page = SAVED.find((p) => p.file === 'com_product_B00N150YS4.html')!;
      // Cut just after the buy box: price, seller and stock are all on the page, the rest is not.
      const afterBuybox = page.html.indexOf('id="buybox"') + 60_000;
      writeFileSync(join(dir, page.file), page.html.slice(0, afterBuybox));
      const backend = new ReplayBackend(dir);
      const outcome = await backend.scrapeProduct(page.asin, page.tld);
      expect(!outcome.ok && [outcome.error.code, outcome.error.policy]).toEqual(['extraction_failed', 'reschedule']);
      writeFileSync(join(dir, page.file), page.html);
      expect((await backend.scrapeProduct(page.asin, page.tld)).ok).toBe(true);
      await backend.close();
    });
  });
});
