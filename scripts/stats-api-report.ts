// `node bin/run-ts.js scripts/stats-api-report.ts [-v]`: the stats golden report through the
// API path. For each real Keepa response in ../shared/fixtures/keepa: import the product
// into a fresh embedded database, ask GET /product with the parameters that response
// answered, on a clock set to the moment Keepa computed it, and count per Statistics Object
// field how many entries match Keepa exactly and within one unit. -v lists mismatches.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../src/auth/api-key.js';
import { buildServer } from '../src/api/server.js';
import { loadConfig } from '../src/config.js';
import { newBucket } from '../src/keepa/envelope.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { STATS_GOLDEN_CASES, compareStats, statsNowOfResponse, type FieldMatch } from '../test/golden/stats-compare.js';
import type { KeepaStats } from '../src/keepa/stats.js';
import { KEEPA_EPOCH_MINUTES } from '../src/keepa/time.js';
import { insertApiKey } from '../src/store/api-keys.js';
import { importKeepaProduct, openStore } from '../src/store/index.js';

const fixtures = resolve(import.meta.dirname, '../../shared/fixtures/keepa');
const verbose = process.argv.includes('-v');

/** The request each fixture answered (its sidecar's `request_inferred`). */
const REQUESTS: Record<string, Record<string, string>> = {
  'product_B0D8W1YVBX_us_stats180_buybox_rating.json': { stats: '180', buybox: '1', rating: '1', history: '1', videos: '1', aplus: '1' },
  'product_B0D8W1YVBX_us_empty_stats_interval_aplus.json': { stats: '0', history: '1', videos: '1', aplus: '1' },
};

export interface ApiStatsResult {
  readonly fixture: string;
  readonly matches: FieldMatch[];
  readonly status: number;
}

/** Runs every golden case through GET /product on a fresh embedded database. */
export async function statsThroughApi(): Promise<ApiStatsResult[]> {
  const results: ApiStatsResult[] = [];
  for (const golden of STATS_GOLDEN_CASES) {
    const response = JSON.parse(readFileSync(join(fixtures, golden.fixture), 'utf8'));
    const product = response.products[0];
    const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-stats-api-'));
    const store = await openStore({ databaseUrl: undefined, dataDir });
    try {
      await importKeepaProduct(store, splitKeepaProduct(product));
      const nowMs = (statsNowOfResponse(response.timestamp) + KEEPA_EPOCH_MINUTES) * 60_000;
      const key = generateApiKey();
      const bucket = newBucket(60, nowMs);
      await insertApiKey(store.db, { name: 'report', keyHash: hashApiKey(key), keyPrefix: apiKeyPrefix(key), refillRate: 60, ...bucket });
      const app = await buildServer({ store, config: loadConfig({}), clock: () => nowMs, logger: pino({ level: 'silent' }) });
      const query = new URLSearchParams({ key, domain: String(product.domainId), asin: product.asin, ...REQUESTS[golden.fixture] });
      const answer = await app.inject({ method: 'GET', url: `/product?${query}` });
      await app.close();
      const stats = answer.json().products?.[0]?.stats as KeepaStats | undefined;
      results.push({ fixture: golden.fixture, status: answer.statusCode, matches: stats ? compareStats(stats, product.stats) : [] });
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return results;
}

async function main() {
  const results = await statsThroughApi();
  const fields = [...new Set(results.flatMap((r) => r.matches.map((m) => m.field)))];
  const width = Math.max(...fields.map((f) => f.length));
  const labels = results.map((r) => r.fixture.replace(/^product_B0D8W1YVBX_us_|\.json$/g, ''));
  console.log(`${'field'.padEnd(width)}  ${labels.map((l) => l.padEnd(34)).join('')}`);
  let exact = 0;
  let total = 0;
  for (const field of fields) {
    const cells = results.map((r) => {
      const m = r.matches.find((x) => x.field === field);
      if (!m) return '—'.padEnd(34);
      exact += m.matched;
      total += m.total;
      return `${m.matched}/${m.total}${m.withinOne !== m.matched ? ` (±1: ${m.withinOne})` : ''}`.padEnd(34);
    });
    console.log(`${field.padEnd(width)}  ${cells.join('')}`);
    if (verbose) {
      for (const [i, r] of results.entries()) {
        for (const line of r.matches.find((x) => x.field === field)?.mismatches ?? []) console.log(`    ${labels[i]}: ${line}`);
      }
    }
  }
  console.log(`\n${exact}/${total} entries match exactly (HTTP ${results.map((r) => r.status).join(', ')})`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
