// The replay backend: saved pages named like the shared fixtures go through the same
// classify → extract path as fetched pages.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createScraper, replayFileName } from '../src/scraper/index.js';

const SHARED = fileURLToPath(new URL('../../shared/fixtures/amazon/', import.meta.url));
const OWN = fileURLToPath(new URL('../fixtures/amazon/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pricekeep-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Pages that are not products, saved under product names, as a replay directory would hold them.
copyFileSync(join(SHARED, 'com_captcha_day47.html'), join(dir, 'com_product_B075CYMYK6.html'));
copyFileSync(join(OWN, 'com_404_dog.html'), join(dir, 'com_product_B000000404.html'));
copyFileSync(join(OWN, 'com_gallery_B01DELIST0.html'), join(dir, 'com_product_B01DELIST0.html'));

describe('replay backend', () => {
  const shared = createScraper(loadConfig({ PRICEKEEP_SCRAPER_BACKEND: 'replay', PRICEKEEP_REPLAY_DIR: SHARED }).scraper);
  const saved = createScraper(loadConfig({ PRICEKEEP_REPLAY_DIR: dir }).scraper, { backend: 'replay' });

  it('names files like the shared fixtures', () => {
    expect(replayFileName('com.br', 'product', 'B076QFXQK5')).toBe('com-br_product_B076QFXQK5.html');
    expect(replayFileName('com', 'search', 'Portable Charger')).toBe('com_search_portable-charger.html');
  });

  it('serves a saved product page as a scrape', async () => {
    const outcome = await shared.scrapeProduct('B076QFXQK5', 'com.br');
    expect(outcome.ok && outcome.product).toMatchObject({ asin: 'B076QFXQK5', price_minor: 43190, price_strikethrough_minor: 47990, currency: 'BRL' });
    expect(outcome.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'ok', http_status: 200, proxy: null })]);
  });

  it('serves a saved search page', async () => {
    const outcome = await shared.search('portable charger', 'com');
    expect(outcome.ok && outcome.search.products.filter((p) => !p.is_sponsored).length).toBe(16);
  });

  it.each([
    ['B075CYMYK6', 'blocked_by_amazon'],
    ['B000000404', 'not_found'],
    ['B01DELIST0', 'generic_gallery_page'],
    ['B0MISSING1', 'not_found'],
  ])('refuses %s as %s', async (asin, code) => {
    const outcome = await saved.scrapeProduct(asin, 'com');
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.code).toBe(code);
    expect(outcome.attempts[0].outcome).toBe(code);
  });

  it('needs a directory', () => {
    expect(() => createScraper(loadConfig({}).scraper, { backend: 'replay' })).toThrow(/PRICEKEEP_REPLAY_DIR/);
  });
});
