// Ingest: change-only recording of P products × S scrapes (4 series each, ~30% of values
// changing per scrape) through recordObservations, against COPY of the resulting points
// into a bare table in the same database. Ratio = COPY time ÷ our time (recording may
// take at most twice as long as COPYing what it wrote). Target: ≥ 0.5×.
import { sql } from 'kysely';
import { recordObservations, type Observation, type Store } from '../src/store/index.js';
import type { Benchmark, BenchOptions, BenchRow } from './bench-types.js';
import { embeddedDatabase, serverDatabase, type BenchDatabase } from './bench-db.js';
import { mulberry32, randomInt } from './prng.js';
import { copyBaseline, readPoints, type PointRow } from './copy-baseline.js';

const T0 = 8_000_000;
const BATCH = 1000;

interface ProductState {
  asin: string;
  price: number;
  rank: number;
  shipping: number;
}

/** Scrape k of every product, in product order (what a tick of the scheduler writes). */
function* scrapes(products: number, perProduct: number, seed: number): Generator<Observation[]> {
  const random = mulberry32(seed);
  const state: ProductState[] = Array.from({ length: products }, (_, i) => ({
    asin: `B${String(i).padStart(9, '0')}`,
    price: randomInt(random, 500, 50_000),
    rank: randomInt(random, 1, 500_000),
    shipping: 0,
  }));
  for (let k = 0; k < perProduct; k++) {
    const tick: Observation[] = [];
    for (const p of state) {
      if (random() < 0.3) p.price = random() < 0.1 ? -1 : randomInt(random, 500, 50_000);
      if (random() < 0.3) p.rank = Math.max(1, p.rank + randomInt(random, -5000, 5000));
      if (random() < 0.05) p.shipping = p.shipping === 0 ? 499 : 0;
      tick.push({
        domainId: 1,
        asin: p.asin,
        at: T0 + k * 60,
        numeric: [
          { name: 'csv:0', value: p.price },
          { name: 'csv:1', value: p.price },
          { name: 'csv:3', value: p.rank },
          { name: 'csv:18', value: p.price, second: p.price < 0 ? -1 : p.shipping },
        ],
      });
    }
    yield tick;
  }
}


/**
 * What no change-only writer can avoid, for scale: the same points inserted in time order,
 * one transaction per `calls`-th of them (as recordObservations commits once per call),
 * into a table with the points' primary key, and nothing else.
 */
async function keyedInsertFloor(store: Store, rows: readonly PointRow[], calls: number): Promise<number> {
  await sql`CREATE TABLE bench_keyed (series_id integer, t integer, value integer, second integer, PRIMARY KEY (series_id, t))`.execute(store.db);
  const per = Math.ceil(rows.length / calls);
  const start = performance.now();
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    await store.pool.query('INSERT INTO bench_keyed SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[])',
      [chunk.map((r) => r.series_id), chunk.map((r) => r.t), chunk.map((r) => r.value), chunk.map((r) => r.second)]);
  }
  return performance.now() - start;
}

/** Seconds to record the whole run (the ingest loop alone). */
async function ingestSeconds(store: Store, products: number, perProduct: number): Promise<number> {
  const start = performance.now();
  for (const tick of scrapes(products, perProduct, 42)) {
    for (let i = 0; i < tick.length; i += BATCH) await recordObservations(store, tick.slice(i, i + BATCH));
  }
  return (performance.now() - start) / 1000;
}

/**
 * What keeping the discovery summary current costs the write path: the same run with the
 * stale-queue insert (markSummariesStale) and with a rule that turns it into a no-op, each
 * on a fresh database; the no-op still pays the statement's round trip.
 */
async function summaryUpkeep(serverUrl: string, products: number, perProduct: number, log: BenchOptions['log']): Promise<BenchRow> {
  const seconds: number[] = [];
  for (const queue of [true, false]) {
    const database = await serverDatabase(serverUrl);
    try {
      if (!queue) await sql`CREATE RULE bench_no_summary AS ON INSERT TO product_summary_stale DO INSTEAD NOTHING`.execute(database.store.db);
      seconds.push(await ingestSeconds(database.store, products, perProduct));
      log(`ingest summary upkeep: ${queue ? 'with' : 'without'} the stale queue in ${seconds.at(-1)!.toFixed(1)} s`);
    } finally {
      await database.dispose();
    }
  }
  const [withQueue, without] = seconds as [number, number];
  const observations = products * perProduct;
  const ratio = withQueue / without;
  return {
    name: `ingest summary upkeep PostgreSQL (${(observations / 1e6).toFixed(2)}M obs)`,
    figure: `${Math.round(observations / withQueue).toLocaleString('en-US')} obs/s with the stale queue`,
    baseline: `${Math.round(observations / without).toLocaleString('en-US')} obs/s without`,
    ratio,
    target: '≤ 1.2×',
    met: ratio <= 1.2,
    note: `the same ingest run twice on fresh databases, ${withQueue.toFixed(1)} s vs ${without.toFixed(1)} s; ratio = time with ÷ time without; recomputing the summaries themselves is the summary job's work (see the discovery rows)`,
  };
}

async function measure(database: BenchDatabase, products: number, perProduct: number, log: BenchOptions['log']): Promise<BenchRow> {
  const { store } = database;
  let observations = 0;
  let written = 0;
  const start = performance.now();
  let k = 0;
  for (const tick of scrapes(products, perProduct, 42)) {
    for (let i = 0; i < tick.length; i += BATCH) {
      const result = await recordObservations(store, tick.slice(i, i + BATCH));
      observations += result.observations;
      written += result.pointsWritten;
    }
    if (++k % 10 === 0) log(`ingest ${database.label}: ${k}/${perProduct} scrapes of ${products} products`);
  }
  const ours = performance.now() - start;
  const points = await readPoints(store, 't, series_id');
  const copy = { rows: points.length, ms: await copyBaseline(store, points), how: 'COPY FROM STDIN' };
  const calls = Math.ceil(observations / BATCH);
  const floor = await keyedInsertFloor(store, points, calls);
  if (copy.rows !== written) throw new Error(`points table holds ${copy.rows} rows, recordObservations reported ${written}`);
  const ratio = copy.ms / ours;
  return {
    name: `ingest ${database.label} (${(observations / 1e6).toFixed(2)}M obs)`,
    figure: `${Math.round(observations / (ours / 1000)).toLocaleString('en-US')} obs/s (${Math.round(written / (ours / 1000)).toLocaleString('en-US')} points/s)`,
    baseline: `${Math.round(copy.rows / (copy.ms / 1000)).toLocaleString('en-US')} rows/s`,
    ratio,
    // Issue 16: scheduled ingest is far beyond what a scrape fleet feeds; measured, no longer a target.
    target: 'report',
    met: null,
    note: `${written.toLocaleString('en-US')} points written (${((100 * written) / (observations * 4)).toFixed(0)}% of values changed) in ${(ours / 1000).toFixed(1)} s; baseline ${copy.how} of the same ${copy.rows.toLocaleString('en-US')} rows into a bare table in ${(copy.ms / 1000).toFixed(2)} s; ratio = baseline time ÷ our time. For scale, the same points alone INSERTed in ${calls.toLocaleString('en-US')} transactions into a table with the points' primary key took ${(floor / 1000).toFixed(2)} s (${(copy.ms / floor).toFixed(2)}× of the baseline): the most any change-only writer committing per call could reach`,
  };
}

export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  async run({ scale, serverUrl, log }): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const products = Math.max(100, Math.round(10_000 * scale));
    const perProduct = 100;
    const engines: Array<() => Promise<BenchDatabase>> = [embeddedDatabase];
    if (serverUrl) engines.push(() => serverDatabase(serverUrl));
    for (const open of engines) {
      const database = await open();
      try {
        rows.push(await measure(database, products, perProduct, log));
      } finally {
        await database.dispose();
      }
    }
    if (serverUrl) rows.push(await summaryUpkeep(serverUrl, products, perProduct, log));
    return rows;
  },
};
