import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRefresh } from '../jobs/refresh.js';
import { CSV } from '../src/keepa/csv-type.js';
import { assembleKeepaProduct } from '../src/keepa/product-object.js';
import { toKeepaMinute } from '../src/keepa/time.js';
import { extractProduct, scrapeError, type ScrapeOutcome } from '../src/scraper/index.js';
import { readProducts } from '../src/store/index.js';
import { testEngines, useTestStore } from './helpers/engines.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';

const page = readFileSync(`${SHARED_FIXTURES}amazon/com_product_B00N150YS4.html`, 'utf8');

describe.each(testEngines())('refresh for /product?update on $name', (engine) => {
  const db = useTestStore(engine);

  it('records what a fresh scrape shows, and nothing for a failed one', async () => {
    const asked: string[] = [];
    const scrape = async (asin: string): Promise<ScrapeOutcome> => {
      asked.push(asin);
      if (asin !== 'B00N150YS4') return { ok: false, error: scrapeError('blocked_by_amazon'), attempts: [] };
      const result = extractProduct(page, 'com', { asin });
      if (!result.ok) throw new Error('fixture page did not extract');
      return { ok: true, product: result.product, attempts: [] };
    };
    const refresh = createRefresh(db.store, scrape, { clock: () => Date.parse('2026-11-20T10:00:00Z') });
    await refresh(1, ['B00N150YS4', 'B000000BAD']);
    expect(asked.sort()).toEqual(['B000000BAD', 'B00N150YS4']);
    const stored = await readProducts(db.store, 1, ['B00N150YS4', 'B000000BAD']);
    expect([...stored.keys()]).toEqual(['B00N150YS4']);
    const product = assembleKeepaProduct(stored.get('B00N150YS4')!);
    expect(product.csv[CSV.AMAZON]).toEqual([toKeepaMinute(Date.parse("2026-11-20T10:00:00Z")), 1248]);
    expect(product.csv[CSV.AMAZON]![0]).toBe(8355480);
  });
});
