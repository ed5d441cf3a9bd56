// `npm run fidelity [-- DIR…] [-v]`: how exactly pricekeep reproduces Keepa's Statistics
// Object. Imports every saved Keepa /product response of the directories (default
// ../shared/fixtures/keepa and ../shared/fixtures/keepa/more) into a fresh embedded store,
// reads each product back the way `export --as-of` and GET /product do (loadKeepaProducts,
// points after the moment left out) with the request that response answered, as of
// Keepa's stats clock (test/golden/saved-response.ts: the one the answer shows, else the
// even minute of the request, never before what the answer records), and counts per
// Statistics Object field how many entries equal Keepa's. -v lists every difference.
//
// Each store holds at most one snapshot per product (the n-th snapshot of every product
// goes to store n), so no snapshot sees points of a later one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { readSavedResponses, type SavedResponse } from '../test/golden/saved-response.js';
import { compareStats, type FieldMatch } from '../test/golden/stats-compare.js';
import { parseStatsParam, StatsParamError } from '../src/keepa/stats-interval.js';
import type { KeepaStats } from '../src/keepa/stats-types.js';
import { loadKeepaProducts } from '../src/products/product-response.js';
import { FULL_VIEW } from '../src/products/product-view.js';
import { importKeepaProduct, openStore } from '../src/store/index.js';

/**
 * Fields Keepa fills from the live offer listing (`offers=N`, `stock=1`) rather than from the
 * histories: pricekeep does not read offer listings, so these are reported apart.
 */
export const OFFER_LISTING_FIELDS = new Set([
  'stockPerConditionFBM', 'stockPerCondition3rdFBA', 'stockAmazon', 'stockBuyBox', 'retrievedOfferCount',
  'offerCountFBA', 'offerCountFBM', 'sellerIdsLowestFBA', 'sellerIdsLowestFBM', 'isAddonItem',
  'buyBoxUsedPrice', 'buyBoxUsedShipping', 'buyBoxUsedSellerId', 'buyBoxUsedIsFBA', 'buyBoxUsedCondition',
  'buyBoxUsedStats', 'buyBoxIsPrimePantry', 'buyBoxMinOrderQuantity', 'buyBoxMaxOrderQuantity',
]);

export interface FidelityResult {
  readonly dir: string;
  readonly file: string;
  readonly now: number;
  readonly matches: FieldMatch[];
}

/** Imports, exports and compares every saved response; one result per response. */
export async function measureFidelity(dirs: readonly string[]): Promise<FidelityResult[]> {
  const responses: Array<{ dir: string; saved: SavedResponse }> = dirs.flatMap((dir) =>
    readSavedResponses(dir).map((saved) => ({ dir, saved })),
  );
  // The n-th snapshot of each product goes to store n.
  const rounds: Array<Array<{ dir: string; saved: SavedResponse }>> = [];
  const seen = new Map<string, number>();
  for (const entry of responses) {
    const key = `${entry.saved.product.domainId}|${entry.saved.product.asin}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    (rounds[n] ??= []).push(entry);
  }
  const results: FidelityResult[] = [];
  for (const round of rounds) {
    const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-fidelity-'));
    const store = await openStore({ databaseUrl: undefined, dataDir });
    try {
      for (const { saved } of round) await importKeepaProduct(store, splitKeepaProduct(saved.product));
      for (const { dir, saved } of round) {
        const { product, request } = saved;
        const interval = parseStatsParam(request.statsParam, request.now);
        if (interval instanceof StatsParamError) throw interval;
        const answer = await loadKeepaProducts(
          store,
          {
            ...FULL_VIEW,
            buybox: request.buyBox,
            offers: request.offers,
            domainId: product.domainId,
            asins: [product.asin],
            stats: interval,
            days: null,
          },
          { now: request.now, asOf: true },
        );
        const stats = answer.products[0]?.stats as KeepaStats | undefined;
        if (!stats) throw new Error(`${saved.file}: no stats in the export`);
        results.push({ dir, file: saved.file, now: request.now, matches: compareStats(stats, product.stats) });
      }
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return results;
}

function pct(n: number, d: number): string {
  return d === 0 ? '—' : `${((100 * n) / d).toFixed(2)}%`;
}

async function main() {
  const args = process.argv.slice(2);
  const verbose = args.includes('-v');
  const root = resolve(import.meta.dirname, '..');
  const given = args.filter((a) => !a.startsWith('-'));
  const dirs = given.length > 0 ? given.map((d) => resolve(d)) : [join(root, '../shared/fixtures/keepa'), join(root, '../shared/fixtures/keepa/more')];
  const started = performance.now();
  const results = await measureFidelity(dirs);

  const perField = new Map<string, { matched: number; total: number; lines: string[] }>();
  for (const r of results) {
    for (const m of r.matches) {
      const f = perField.get(m.field) ?? { matched: 0, total: 0, lines: [] };
      f.matched += m.matched;
      f.total += m.total;
      for (const line of m.mismatches) f.lines.push(`${r.file}: ${line}`);
      perField.set(m.field, f);
    }
  }
  const width = Math.max(...[...perField.keys()].map((k) => k.length));
  const sum = (pick: (field: string) => boolean) => {
    let matched = 0;
    let total = 0;
    for (const [field, f] of perField) if (pick(field)) ((matched += f.matched), (total += f.total));
    return { matched, total };
  };
  console.log(`${results.length} saved responses (${dirs.join(', ')})\n`);
  console.log(`${'field'.padEnd(width)}  equal/entries`);
  for (const [field, f] of [...perField].sort(([a], [b]) => a.localeCompare(b))) {
    const mark = f.matched === f.total ? '' : OFFER_LISTING_FIELDS.has(field) ? '  (offer listing: not computed)' : '  ✗';
    console.log(`${field.padEnd(width)}  ${`${f.matched}/${f.total}`.padEnd(12)}${mark}`);
    if (verbose && !OFFER_LISTING_FIELDS.has(field)) for (const line of f.lines) console.log(`    ${line}`);
  }
  const history = sum((f) => !OFFER_LISTING_FIELDS.has(f));
  const all = sum(() => true);
  console.log(
    `\nfrom the histories: ${history.matched}/${history.total} entries equal Keepa's (${pct(history.matched, history.total)})` +
      `\nall fields:         ${all.matched}/${all.total} (${pct(all.matched, all.total)}); ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
