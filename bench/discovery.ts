// Discovery: on the local PostgreSQL, P products (100,000 at scale 1) with ~1,000 points
// each (AMAZON 300, NEW 300, SALES 400, denser near now) are loaded with COPY, summarised by
// the real summarizer (refreshStaleSummaries: readProducts + the stats engine), then three
// queries run through the store's query layer, interleaved with hand-written SQL of the
// same result over the same tables: a selective finder, a broad finder with sort and
// paging, and deals "dropped ≥ 20% in the last day". p50 of each; target ≤ 50 ms and
// ≤ 3× the hand-written query.
import { parseDealRequest } from '../src/keepa/deal-request.js';
import { parseFinderSelection } from '../src/keepa/finder-selection.js';
import { MINUTES_PER_DAY } from '../src/keepa/time.js';
import { findBySelection, findDeals } from '../src/store/discovery.js';
import { refreshStaleSummaries, type Store } from '../src/store/index.js';
import type { Benchmark, BenchRow } from './bench-types.js';
import { copyLines as copy, median, serverDatabase } from './bench-db.js';
import { mulberry32, randomInt } from './prng.js';

const NOW = 8_000_000;
const BRANDS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'cyberdyne'];
const ROOTS = [1055398, 3760911, 172282, 283155, 165793011];
const RUNS = 21;

function* seriesPoints(random: () => number, count: number, make: () => number): Generator<[number, number]> {
  let t = NOW - 400 * MINUTES_PER_DAY;
  const step = Math.floor((390 * MINUTES_PER_DAY) / count);
  for (let i = 0; i < count; i++) {
    // the history spreads over ~390 days; its last 10 points fall within the last two days,
    // so the day and week windows move
    t = i >= count - 10 ? Math.max(t + 1, NOW - 2 * MINUTES_PER_DAY + (i - count + 10) * 280 + randomInt(random, 0, 200)) : t + randomInt(random, 1, 2 * step);
    yield [Math.min(t, NOW), make()];
  }
}

/** Products, their series and ~1,000 points each, loaded with COPY. */
async function load(store: Store, products: number, log: (line: string) => void): Promise<number> {
  const random = mulberry32(14);
  await copy(store, 'products', 'domain_id, asin, title, tracking_since, last_update, meta', (function* () {
    for (let i = 0; i < products; i++) {
      const brand = BRANDS[i % BRANDS.length]!;
      const root = ROOTS[i % ROOTS.length]!;
      const meta = { brand, rootCategory: root, categories: [root * 10 + (i % 7)], productGroup: `group${i % 5}`, categoryTree: [{ catId: root, name: `Root ${root}` }] };
      yield `1\tB${String(i).padStart(9, '0')}\tBench ${brand} product ${i}\t${NOW - 400 * MINUTES_PER_DAY}\t${NOW}\t${JSON.stringify(meta).replaceAll('\\', '\\\\')}\n`;
    }
  })());
  const { rows: ids } = await store.pool.query<{ id: number }>('SELECT id FROM products ORDER BY id');
  await copy(store, 'series', 'product_id, name', (function* () {
    for (const { id } of ids) for (const name of ['csv:0', 'csv:1', 'csv:3']) yield `${id}\t${name}\n`;
  })());
  const { rows: series } = await store.pool.query<{ id: number; name: string }>('SELECT id, name FROM series ORDER BY id');
  let points = 0;
  await copy(store, 'points', 'series_id, t, value', (function* () {
    for (let k = 0; k < series.length; k++) {
      const s = series[k]!;
      const rank = s.name === 'csv:3';
      let previous = 0;
      const make = () => {
        if (rank) return randomInt(random, 1, 500_000);
        // mostly small moves, sometimes out of stock, sometimes a new price (a big drop or rise)
        previous = random() < 0.03 ? -1 : previous > 0 && random() < 0.85 ? Math.max(100, previous + randomInt(random, -300, 250)) : randomInt(random, 500, 20_000);
        return previous;
      };
      let lastT = -1;
      for (const [t, v] of seriesPoints(random, rank ? 400 : 300, make)) {
        if (t <= lastT) continue;
        lastT = t;
        points++;
        yield `${s.id}\t${t}\t${v}\n`;
      }
      if (k % 30_000 === 0) log(`discovery: loading points, series ${k}/${series.length}`);
    }
  })());
  await store.pool.query(`UPDATE series s SET last_t = l.t, last_value = l.value FROM (
    SELECT DISTINCT ON (series_id) series_id, t, value FROM points ORDER BY series_id, t DESC) l WHERE s.id = l.series_id`);
  await store.pool.query('INSERT INTO product_summary_stale SELECT id FROM products ON CONFLICT DO NOTHING');
  await store.pool.query('ANALYZE');
  return points;
}

interface Case {
  readonly name: string;
  readonly ours: () => Promise<unknown>;
  readonly hand: () => Promise<unknown>;
  /** The two answers, reduced to what must agree. */
  readonly same: (ours: any, hand: any) => boolean;
  readonly note: string;
}

function cases(store: Store): Case[] {
  const selective = { brand: ['initech'], deltaPercent7_AMAZON_gte: 25, current_SALES_lte: 100_000 };
  const broad = { current_AMAZON_gte: 1000, sort: [['avg30_AMAZON', 'desc']], page: 5, perPage: 100 };
  const deal = { domainId: 1, priceTypes: [0], dateRange: 0, deltaPercentRange: [20, 100], sortType: 4, page: 0 };
  // Hand-written: the page and the count of the same result, run at once on two pooled
  // connections, as the query layer runs them.
  const pageAndCount = async (page: string, count: string) => {
    const [rows, total] = await Promise.all([store.pool.query(page), store.pool.query(count)]);
    return { asinList: rows.rows.map((r) => r.asin as string), totalResults: Number(total.rows[0]?.total ?? 0) };
  };
  const handSelective = () => pageAndCount(`
    SELECT s.asin FROM product_summary s
    JOIN product_summary_types a ON a.product_id = s.product_id AND a.csv_type = 0
    JOIN product_summary_types r ON r.product_id = s.product_id AND r.csv_type = 3
    WHERE s.domain_id = 1 AND s.brand = 'initech' AND a.delta_percent7 >= 25 AND r.current <= 100000
    ORDER BY r.current ASC NULLS LAST, s.asin LIMIT 50`, `
    SELECT count(*) AS total FROM product_summary s
    JOIN product_summary_types a ON a.product_id = s.product_id AND a.csv_type = 0
    JOIN product_summary_types r ON r.product_id = s.product_id AND r.csv_type = 3
    WHERE s.domain_id = 1 AND s.brand = 'initech' AND a.delta_percent7 >= 25 AND r.current <= 100000`);
  const handBroad = () => pageAndCount(`
    SELECT s.asin FROM product_summary s
    JOIN product_summary_types a ON a.product_id = s.product_id AND a.csv_type = 0 AND a.domain_id = 1
    WHERE s.domain_id = 1 AND a.current >= 1000
    ORDER BY a.avg30 DESC NULLS LAST, s.asin LIMIT 100 OFFSET 500`, `
    SELECT count(*) AS total FROM product_summary_types a WHERE a.domain_id = 1 AND a.csv_type = 0 AND a.current >= 1000`);
  // The same deal page: ids in order with every per-type row, and the root breakdown.
  const handDeals = async () => {
    const [page, roots] = await Promise.all([store.pool.query(`
      SELECT s.asin, s.title, s.root_category, s.categories, s.image, s.parent_asin, s.last_update,
             (SELECT json_agg(t ORDER BY t.csv_type) FROM product_summary_types t WHERE t.product_id = s.product_id) AS types
      FROM product_summary s JOIN product_summary_types a ON a.product_id = s.product_id AND a.csv_type = 0 AND a.domain_id = 1
      WHERE s.domain_id = 1 AND a.delta1 > 0 AND a.delta_percent1 BETWEEN 20 AND 100
      ORDER BY a.delta_percent1 DESC NULLS LAST, s.asin LIMIT 150`), store.pool.query(`
      SELECT a.root_category, count(*) FROM product_summary_types a
      WHERE a.domain_id = 1 AND a.csv_type = 0 AND a.delta1 > 0 AND a.delta_percent1 BETWEEN 20 AND 100 GROUP BY 1`)]);
    return { asins: page.rows.map((r) => r.asin), roots: roots.rows.length };
  };
  return [
    {
      name: 'selective finder',
      ours: () => findBySelection(store, 1, parseFinderSelection(selective)),
      hand: handSelective,
      same: (a, b) => JSON.stringify(a) === JSON.stringify(b),
      note: JSON.stringify(selective),
    },
    {
      name: 'broad finder, sort + paging',
      ours: () => findBySelection(store, 1, parseFinderSelection(broad)),
      hand: handBroad,
      same: (a, b) => JSON.stringify(a) === JSON.stringify(b),
      note: JSON.stringify(broad),
    },
    {
      name: 'deals dropped ≥ 20% in the last day',
      ours: () => findDeals(store, parseDealRequest(deal, null)),
      hand: handDeals,
      same: (a, b) => JSON.stringify(a.dr.map((d: { asin: string }) => d.asin)) === JSON.stringify(b.asins) && a.categoryIds.length === b.roots,
      note: `${JSON.stringify(deal)}; the hand-written side reads the same page with its per-type rows and the root breakdown`,
    },
  ];
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

export const discoveryBenchmark: Benchmark = {
  name: 'discovery',
  async run({ scale, serverUrl, log }): Promise<BenchRow[]> {
    if (!serverUrl) return [{ name: 'discovery', figure: 'skipped', baseline: '-', ratio: null, target: '-', met: null, note: 'needs the local PostgreSQL' }];
    const products = Math.max(1000, Math.round(100_000 * scale));
    const database = await serverDatabase(serverUrl);
    const { store } = database;
    try {
      const loadStart = performance.now();
      const points = await load(store, products, log);
      log(`discovery: loaded ${products} products, ${points} points in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`);
      const summaryStart = performance.now();
      const summarised = await refreshStaleSummaries(store, NOW);
      const summaryMs = performance.now() - summaryStart;
      // What autovacuum does after a bulk load: statistics, and the visibility map that
      // lets a count be answered from an index alone.
      await store.pool.query('VACUUM ANALYZE product_summary, product_summary_types');
      log(`discovery: summarised ${summarised} products in ${(summaryMs / 1000).toFixed(0)} s`);
      const rows: BenchRow[] = [{
        name: `summarise ${products.toLocaleString('en-US')} products`,
        figure: `${Math.round(summarised / (summaryMs / 1000)).toLocaleString('en-US')} products/s`,
        baseline: '-', ratio: null, target: 'report', met: null,
        note: `refreshStaleSummaries (readProducts + stats engine + summary rows) over ${points.toLocaleString('en-US')} points (${(points / products).toFixed(0)} per product) in ${(summaryMs / 1000).toFixed(1)} s`,
      }];
      for (const c of cases(store)) {
        const [a, b] = [await c.ours(), await c.hand()];
        if (!c.same(a, b)) throw new Error(`${c.name}: the query layer and the hand-written SQL disagree`);
        const ours: number[] = [];
        const hand: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          ours.push(await timed(c.ours));
          hand.push(await timed(c.hand));
        }
        const p50 = median(ours);
        const base = median(hand);
        const ratio = p50 / base;
        const total = (a as { totalResults?: number }).totalResults ?? (a as { dr: unknown[] }).dr?.length;
        rows.push({
          name: `${c.name} (${products.toLocaleString('en-US')} products)`,
          figure: `${p50.toFixed(1)} ms p50`,
          baseline: `${base.toFixed(1)} ms p50 (hand-written SQL)`,
          ratio,
          target: '≤ 50 ms and ≤ 3×',
          met: p50 <= 50 && ratio <= 3,
          note: `${c.note}; ${total} results; ${RUNS} runs each, interleaved; local PostgreSQL, query layer in-process (no HTTP)`,
        });
      }
      return rows;
    } finally {
      await database.dispose();
    }
  },
};
