// Finder and deals against brute force: a seeded catalogue of a few thousand products with
// known histories; for random selections (seeded, bounded) the SQL answer must be exactly
// what filtering and sorting the stats engine's summaries of the in-memory products gives.
import { describe, expect, it } from 'vitest';
import { mulberry32, randomInt } from '../bench/prng.js';
import { DEAL_INTERVAL_DAYS } from '../src/keepa/deal-object.js';
import { parseDealRequest, DEALS_PER_PAGE } from '../src/keepa/deal-request.js';
import { FINDER_CSV } from '../src/keepa/discovery-fields.js';
import { parseFinderSelection, type FinderSelection } from '../src/keepa/finder-selection.js';
import { summarizeProduct, type TypeSummary } from '../src/keepa/stats-summary.js';
import { findBySelection, findDeals } from '../src/store/discovery.js';
import { refreshStaleSummaries } from '../src/store/index.js';
import { testEngines } from './helpers/engines.js';
import { BRANDS, LEAVES, ROOTS, SEED_NOW, WORDS, seedCatalogue, useSeededStore, writeCatalogue } from './helpers/discovery-seed.js';

const CATALOGUE = seedCatalogue(2000, 14);
const RUNS = 60;

interface Brute {
  asin: string;
  meta: Record<string, any>;
  types: Map<number, TypeSummary>;
  product: Record<string, number | null>;
}

const BRUTE: Brute[] = CATALOGUE.map(({ product }) => {
  const s = summarizeProduct(product, SEED_NOW);
  return {
    asin: product.asin,
    meta: product,
    types: new Map(s.types.map((t) => [t.csvType, t])),
    product: {
      sales_rank_drops30: s.salesRankDrops30, sales_rank_drops90: s.salesRankDrops90,
      sales_rank_drops180: s.salesRankDrops180, sales_rank_drops365: s.salesRankDrops365,
      monthly_sold: s.monthlySold, review_count: s.reviewCount, last_update: product.lastUpdate, last_price_change: null,
    },
  };
});

/** A summary column of the brute-force record (the SQL column names, engine values). */
function valueOf(b: Brute, column: string, csvType: number | null): number | boolean | null {
  if (csvType === null) return b.product[column] ?? null;
  const t = b.types.get(csvType);
  if (!t) return null;
  const m = /^(avg|delta_percent|delta)(\d+)$/.exec(column);
  if (m) {
    const days = Number(m[2]) as 1;
    return m[1] === 'avg' ? t.avg[days] : m[1] === 'delta' ? t.delta[days as 1] : t.deltaPercent[days as 1];
  }
  const direct: Record<string, number | boolean | null> = {
    current: t.current, delta_last: t.deltaLast, last_change: t.lastChange, is_lowest: t.isLowest, is_lowest90: t.isLowest90,
    back_in_stock: t.backInStock, out_of_stock_percentage90: t.outOfStockPercentage90,
  };
  return direct[column] ?? null;
}

function words(title: string): Set<string> {
  return new Set(title.toLowerCase().split(/\s+/));
}

function bruteFinder(q: FinderSelection): { asinList: string[]; totalResults: number } {
  const matches = BRUTE.filter((b) => {
    for (const r of q.ranges) {
      const v = valueOf(b, r.column, r.csvType);
      if (typeof v !== 'number' || (r.bound === 'gte' ? v < r.value : v > r.value)) return false;
    }
    for (const f of q.flags) if ((valueOf(b, f.column, f.csvType) === true) !== f.value) return false;
    for (const t of q.texts) {
      const v = String(b.meta[t.field] ?? '').toLowerCase();
      if (t.include.length > 0 && !t.include.includes(v)) return false;
      if (t.exclude.includes(v)) return false;
    }
    if (q.title !== null && !q.title.split(/\s+/).every((w) => words(b.meta.title).has(w))) return false;
    if (q.rootCategory && !q.rootCategory.includes(b.meta.rootCategory)) return false;
    if (q.categoriesInclude && !q.categoriesInclude.some((c) => b.meta.categories.includes(c))) return false;
    if (q.categoriesExclude && q.categoriesExclude.some((c) => b.meta.categories.includes(c))) return false;
    return true;
  });
  const sort = q.sort.length > 0 ? q.sort : [{ column: 'current', csvType: 3, direction: 'asc' as const }];
  matches.sort((a, b) => {
    for (const s of sort) {
      const x = valueOf(a, s.column, s.csvType) as number | null;
      const y = valueOf(b, s.column, s.csvType) as number | null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return s.direction === 'asc' ? x - y : y - x;
    }
    return a.asin < b.asin ? -1 : 1;
  });
  return { asinList: matches.slice(q.page * q.perPage, (q.page + 1) * q.perPage).map((b) => b.asin), totalResults: matches.length };
}

const CSV_NAMES = ['AMAZON', 'NEW', 'SALES', 'RATING', 'COUNT_REVIEWS'];
const STATS = ['current', 'avg1', 'avg7', 'avg30', 'avg90', 'avg180', 'avg365', 'delta1', 'delta7', 'delta30', 'delta90',
  'deltaPercent1', 'deltaPercent7', 'deltaPercent30', 'deltaPercent90', 'deltaLast', 'lastPriceChange'];

function randomThreshold(random: () => number, stat: string, csv: string): number {
  if (stat === 'lastPriceChange') return SEED_NOW - randomInt(random, 0, 200) * 1440;
  if (stat.startsWith('deltaPercent')) return randomInt(random, -60, 60);
  if (stat.startsWith('delta')) return randomInt(random, -3000, 3000);
  if (csv === 'SALES') return randomInt(random, 1, 300_000);
  if (csv === 'RATING') return randomInt(random, 10, 50);
  if (csv === 'COUNT_REVIEWS') return randomInt(random, 0, 5000);
  return randomInt(random, 500, 9000);
}

function randomSelection(random: () => number): Record<string, unknown> {
  const selection: Record<string, unknown> = {};
  const filters = randomInt(random, 1, 3);
  for (let i = 0; i < filters; i++) {
    const kind = randomInt(random, 0, 9);
    const csv = CSV_NAMES[randomInt(random, 0, CSV_NAMES.length - 1)]!;
    if (kind <= 4) {
      const stat = STATS[randomInt(random, 0, STATS.length - 1)]!;
      selection[`${stat}_${csv}_${random() < 0.5 ? 'gte' : 'lte'}`] = randomThreshold(random, stat, csv);
    } else if (kind === 5) selection[`${['isLowest', 'isLowest90', 'backInStock'][randomInt(random, 0, 2)]}_${['AMAZON', 'NEW'][randomInt(random, 0, 1)]}`] = random() < 0.8;
    else if (kind === 6) selection.brand = random() < 0.7 ? [BRANDS[randomInt(random, 0, 4)]] : [`✜${BRANDS[randomInt(random, 0, 4)]}`];
    else if (kind === 7) selection[`salesRankDrops${[30, 90, 180, 365][randomInt(random, 0, 3)]}_gte`] = randomInt(random, 0, 6);
    else if (kind === 8) selection.title = WORDS[randomInt(random, 0, WORDS.length - 1)];
    else if (random() < 0.5) selection.rootCategory = [String(ROOTS[randomInt(random, 0, 1)]!.catId)];
    else selection[random() < 0.5 ? 'categories_include' : 'categories_exclude'] = [LEAVES[randomInt(random, 0, 3)]!.catId];
  }
  if (random() < 0.7) {
    const csv = CSV_NAMES[randomInt(random, 0, CSV_NAMES.length - 1)]!;
    const stat = ['current', 'avg30', 'delta7', 'deltaPercent1'][randomInt(random, 0, 3)]!;
    selection.sort = [[`${stat}_${csv}`, random() < 0.5 ? 'asc' : 'desc'], ...(random() < 0.3 ? [['salesRankDrops90', 'desc']] : [])];
  }
  selection.perPage = 50;
  selection.page = randomInt(random, 0, 3);
  return selection;
}

describe.each(testEngines())('discovery against brute force on $name', (engine) => {
  let summarised = 0;
  const db = useSeededStore(engine, async (store) => {
    await writeCatalogue(store, CATALOGUE);
    summarised = await refreshStaleSummaries(store, SEED_NOW);
  }, 900_000);

  it(`stores and summarises ${CATALOGUE.length} seeded products`, () => {
    expect(summarised).toBe(CATALOGUE.length);
  });

  it(`answers ${RUNS} random finder selections exactly as brute force over the engine`, async () => {
    const random = mulberry32(2026);
    let nonEmpty = 0;
    for (let run = 0; run < RUNS; run++) {
      const raw = randomSelection(random);
      const q = parseFinderSelection(raw);
      const got = await findBySelection(db.store, 1, q);
      const want = bruteFinder(q);
      expect(got, JSON.stringify(raw)).toEqual(want);
      if (want.totalResults > 0) nonEmpty++;
    }
    // the generator must produce selections that match something
    expect(nonEmpty).toBeGreaterThan(RUNS / 2);
  }, 600_000);

  it('answers random deal requests exactly as brute force over the engine', async () => {
    const random = mulberry32(7);
    let nonEmpty = 0;
    for (let run = 0; run < 30; run++) {
      const priceType = [0, 1, 3][randomInt(random, 0, 2)]!;
      const dateRange = randomInt(random, 0, 3);
      const request: Record<string, unknown> = {
        page: 0, domainId: 1, priceTypes: [priceType], dateRange, sortType: [0, 1, 2, 3, 4, -2, -4][randomInt(random, 0, 6)],
        isLowest: random() < 0.15, isLowest90: random() < 0.15, isBackInStock: false, isOutOfStock: false, isRangeEnabled: true, isFilterEnabled: true,
        ...(random() < 0.5 && { deltaPercentRange: [randomInt(random, 0, 40), 100] }),
        ...(random() < 0.3 && { currentRange: [0, randomInt(random, 1000, 200_000)] }),
        ...(random() < 0.3 && { includeCategories: [ROOTS[randomInt(random, 0, 1)]!.catId] }),
        ...(random() < 0.2 && { hasReviews: true }),
      };
      const q = parseDealRequest(request, null);
      const got = await findDeals(db.store, q);
      const days = DEAL_INTERVAL_DAYS[dateRange]!;
      const matches = BRUTE.filter((b) => {
        const t = b.types.get(priceType);
        if (!t || t.delta[days] === null || t.delta[days]! <= 0) return false;
        if (q.isLowest && !t.isLowest) return false;
        if (q.isLowest90 && !t.isLowest90) return false;
        if (q.deltaPercentRange && !(t.deltaPercent[days]! >= q.deltaPercentRange[0] && t.deltaPercent[days]! <= q.deltaPercentRange[1])) return false;
        if (q.currentRange && !(t.current! >= q.currentRange[0] && t.current! <= q.currentRange[1])) return false;
        if (q.includeCategories && !q.includeCategories.includes(b.meta.rootCategory) && !q.includeCategories.some((c) => b.meta.categories.includes(c))) return false;
        if (q.hasReviews && !((b.product.review_count ?? 0) > 0)) return false;
        return true;
      });
      const key = (b: Brute): number | null => {
        const t = b.types.get(priceType)!;
        switch (Math.abs(q.sortType)) {
          case 2: return t.delta[days];
          case 3: return b.types.get(3)?.current ?? null;
          case 4: return t.deltaPercent[days];
          default: return t.lastChange;
        }
      };
      const ascending = Math.abs(q.sortType) === 3 ? q.sortType > 0 : Math.abs(q.sortType) <= 1 ? false : q.sortType < 0;
      matches.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        if (x !== y) {
          if (x === null) return 1;
          if (y === null) return -1;
          return ascending ? x - y : y - x;
        }
        return a.asin < b.asin ? -1 : 1;
      });
      const want = matches.slice(0, DEALS_PER_PAGE).map((b) => b.asin);
      expect(got.dr.map((d) => d.asin), JSON.stringify(request)).toEqual(want);
      // The root breakdown counts every match, category filters left out.
      const byRoot = new Map<number, number>();
      const uncategorised = { ...request };
      delete uncategorised.includeCategories;
      const qAll = parseDealRequest(uncategorised, null);
      for (const b of BRUTE) {
        const t = b.types.get(priceType);
        if (!t || t.delta[days] === null || t.delta[days]! <= 0) continue;
        if (qAll.isLowest && !t.isLowest) continue;
        if (qAll.isLowest90 && !t.isLowest90) continue;
        if (qAll.deltaPercentRange && !(t.deltaPercent[days]! >= qAll.deltaPercentRange[0] && t.deltaPercent[days]! <= qAll.deltaPercentRange[1])) continue;
        if (qAll.currentRange && !(t.current! >= qAll.currentRange[0] && t.current! <= qAll.currentRange[1])) continue;
        if (qAll.hasReviews && !((b.product.review_count ?? 0) > 0)) continue;
        byRoot.set(b.meta.rootCategory, (byRoot.get(b.meta.rootCategory) ?? 0) + 1);
      }
      expect(new Map(got.categoryIds.map((id, i) => [Number(id), got.categoryCount[i]!])), JSON.stringify(request)).toEqual(byRoot);
      if (want.length > 0) {
        nonEmpty++;
        const first = got.dr[0]!;
        const t = matches[0]!.types.get(priceType)!;
        expect(first.current[priceType]).toBe(t.current);
        expect(first.deltaPercent[dateRange]![priceType]).toBe(t.deltaPercent[days]);
        expect(first.avg[dateRange]![priceType]).toBe(t.avg[days]);
      }
    }
    expect(nonEmpty).toBeGreaterThan(10);
    void FINDER_CSV;
  }, 600_000);
});
