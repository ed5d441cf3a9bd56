// The discovery summary equals the stats engine: every real Keepa product in the shared
// fixtures is imported (each under an ASIN of its own, so captures of one product do not
// merge), summarised through the store, read back and compared with computeStats and
// summarizeProduct run on the file itself.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeStats } from '../src/keepa/stats.js';
import { statsInputFromProduct } from '../src/keepa/stats-input.js';
import { summarizeProduct } from '../src/keepa/stats-summary.js';
import { MINUTES_PER_DAY } from '../src/keepa/time.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { importKeepaProduct, refreshStaleSummaries, staleSummaryCount } from '../src/store/index.js';
import { readProductSummary } from '../src/store/summary-read.js';
import { testEngines } from './helpers/engines.js';
import { useSeededStore } from './helpers/discovery-seed.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';

interface Case {
  file: string;
  asin: string;
  product: Record<string, any>;
  now: number;
}

function fixtureCases(): Case[] {
  const cases: Case[] = [];
  for (const dir of ['keepa', 'keepa/more']) {
    for (const file of readdirSync(`${SHARED_FIXTURES}${dir}`).sort()) {
      if (!file.endsWith('.json') || file.endsWith('.sidecar.json')) continue;
      const json = JSON.parse(readFileSync(`${SHARED_FIXTURES}${dir}/${file}`, 'utf8'));
      // the tracking notification is not a product response
      if (!Array.isArray(json) && !Array.isArray(json.products) && !('asin' in json && 'csv' in json)) continue;
      const products: unknown[] = Array.isArray(json) ? json : Array.isArray(json.products) ? json.products : [json];
      for (const product of products as Array<Record<string, any>>) {
        const { stats: _stats, ...stored } = product;
        const asin = `Z${String(cases.length).padStart(9, '0')}`;
        const now = typeof product.lastUpdate === 'number' && product.lastUpdate > 0 ? product.lastUpdate : 8_000_000;
        cases.push({ file: `${dir}/${file}`, asin, product: { ...stored, asin }, now });
      }
    }
  }
  return cases;
}

const CASES = fixtureCases();

// One engine: the PostgreSQL server when CI names it, else the embedded TimescaleDB. The
// property test (discovery-property.test.ts) holds both engines to the same answers; here
// the 57 real products (~1 MB each) are imported once.
const ENGINE = testEngines().at(-1)!;

describe.each([ENGINE])('summary golden test on $name', (engine) => {
  let queued = 0;
  const db = useSeededStore(engine, async (store) => {
    for (const c of CASES) await importKeepaProduct(store, splitKeepaProduct(c.product));
    queued = await staleSummaryCount(store);
  }, 900_000);

  it(`imports ${CASES.length} fixture products and queues each for summarising`, () => {
    expect(CASES.length).toBeGreaterThan(50);
    expect(queued).toBe(CASES.length);
  });

  it('stores, for every fixture, exactly what the stats engine computes', async () => {
    // Each product as of its own lastUpdate: summarise them in groups of equal "now".
    const { refreshSummaries } = await import('../src/store/index.js');
    const { findProducts } = await import('../src/store/products.js');
    for (const c of CASES) {
      const [row] = await findProducts(db.store.db, c.product.domainId, [c.asin]);
      await refreshSummaries(db.store, [row!.id], c.now);
    }
    for (const c of CASES) {
      const summary = await readProductSummary(db.store, c.product.domainId, c.asin);
      expect(summary, c.file).not.toBeNull();
      const stats = computeStats(statsInputFromProduct(c.product, { now: c.now, interval: { start: c.now - 90 * MINUTES_PER_DAY, end: c.now } }));
      const expected = summarizeProduct(c.product, c.now);
      const orNull = (v: number) => (v >= 0 ? v : null);
      expect(summary!.asOf).toBe(c.now);
      expect(summary!.salesRankDrops30, c.file).toBe(orNull(stats.salesRankDrops30));
      expect(summary!.salesRankDrops90, c.file).toBe(orNull(stats.salesRankDrops90));
      expect(summary!.salesRankDrops180, c.file).toBe(orNull(stats.salesRankDrops180));
      expect(summary!.salesRankDrops365, c.file).toBe(orNull(stats.salesRankDrops365));
      expect(summary!.rating, c.file).toBe(orNull(stats.current[16]!));
      expect(summary!.reviewCount, c.file).toBe(orNull(stats.current[17]!));
      expect(summary!.title).toBe(c.product.title ?? null);
      expect(summary!.rootCategory).toBe(c.product.rootCategory > 0 ? c.product.rootCategory : (c.product.categoryTree?.[0]?.catId ?? null));
      expect(summary!.categories).toEqual(c.product.categories ?? []);
      expect(summary!.types.map((t) => t.csvType)).toEqual(expected.types.map((t) => t.csvType));
      for (const t of summary!.types) {
        const i = t.csvType;
        const where = `${c.file} csv ${i}`;
        expect(t.current, where).toBe(orNull(stats.current[i]!));
        expect(t.avg[30], where).toBe(orNull(stats.avg30[i]!));
        expect(t.avg[90], where).toBe(orNull(stats.avg90[i]!));
        expect(t.avg[180], where).toBe(orNull(stats.avg180[i]!));
        expect(t.avg[365], where).toBe(orNull(stats.avg365[i]!));
        expect(t.isLowest, where).toBe(stats.isLowest[i]);
        expect(t.isLowest90, where).toBe(stats.isLowest90[i]);
        expect(t.outOfStockPercentage90, where).toBe(orNull(stats.outOfStockPercentage90[i]!));
        // the deal quantities the Statistics Object lacks, from the engine's summary of the file
        const { csvType: _c, ...rest } = expected.types.find((e) => e.csvType === i)!;
        const { csvType: _d, ...got } = t;
        expect(got, where).toEqual(rest);
      }
    }
  }, 300_000);

  it('a product whose data ages moves out of its averages when the summary is refreshed later', async () => {
    const c = CASES[0]!;
    const later = c.now + 400 * MINUTES_PER_DAY;
    const { findProducts } = await import('../src/store/products.js');
    const { refreshAgedSummaries } = await import('../src/store/index.js');
    const [row] = await findProducts(db.store.db, c.product.domainId, [c.asin]);
    const refreshed = await refreshAgedSummaries(db.store, later, later, 1_000_000);
    expect(refreshed).toBe(CASES.length);
    const summary = await readProductSummary(db.store, c.product.domainId, c.asin);
    expect(summary!.asOf).toBe(later);
    const expected = summarizeProduct(c.product, later);
    for (const t of summary!.types) {
      const { csvType: _c, ...rest } = expected.types.find((e) => e.csvType === t.csvType)!;
      const { csvType: _d, ...got } = t;
      expect(got).toEqual(rest);
    }
    expect(row).toBeDefined();
    // refreshSummaries leaves the queue alone (a concurrent write may have queued the product again).
    expect(await refreshStaleSummaries(db.store, later)).toBe(CASES.length);
    expect(await staleSummaryCount(db.store)).toBe(0);
  }, 300_000);
});
