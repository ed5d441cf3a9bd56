// Golden comparison of computed stats with the Statistics Object of a real Keepa response:
// which request each fixture answered, the snapshot of the buy box Keepa had, and a
// per-field match count. Shared by test/keepa-stats.test.ts and scripts/stats-report.ts.
import { parseStatsParam, StatsParamError } from '../../src/keepa/stats-interval.js';
import { buyBoxSnapshotFromKeepaStats } from '../../src/keepa/buy-box-observation.js';
import { statsInputFromProduct } from '../../src/keepa/stats-input.js';
import type { KeepaStats, StatsInput } from '../../src/keepa/stats-types.js';
import { KEEPA_EPOCH_MINUTES, type KeepaMinute } from '../../src/keepa/time.js';

export interface GoldenCase {
  readonly fixture: string;
  /** The `stats` parameter the request sent. */
  readonly statsParam: string;
  /** Whether the request asked for the buy box (buybox=1). */
  readonly buyBox: boolean;
  readonly note: string;
}

export const STATS_GOLDEN_CASES: readonly GoldenCase[] = [
  {
    fixture: 'product_B0D8W1YVBX_us_stats180_buybox_rating.json',
    statsParam: '180',
    buyBox: true,
    note: 'stats=180, buybox=1; now 8075780 (its sidecar; = lastSeen of the current buy box holder)',
  },
  {
    fixture: 'product_B0D8W1YVBX_us_empty_stats_interval_aplus.json',
    statsParam: '0',
    buyBox: false,
    note: "stats=0 (Keepa-cli's --full preset): an empty interval [now, now); any now in 8075852..8075924 fits",
  },
];

/**
 * The "now" Keepa computed stats at: the envelope's timestamp rounded up to a whole minute.
 * This gives 8075780 for the stats180 fixture (its sidecar's value, 1778386768884 ms being
 * minute 8075779.46) and 8075867 for the later one.
 */
export function statsNowOfResponse(timestampMs: number): KeepaMinute {
  return Math.ceil(timestampMs / 60_000) - KEEPA_EPOCH_MINUTES;
}

export { buyBoxSnapshotFromKeepaStats };

/** The stats input that reproduces the response's Statistics Object. */
export function goldenInput(response: Readonly<Record<string, any>>, golden: GoldenCase): StatsInput {
  const product = response.products[0];
  const now = statsNowOfResponse(response.timestamp);
  const interval = parseStatsParam(golden.statsParam, now);
  if (interval instanceof StatsParamError) throw interval;
  const expectedBuyBoxStats: Record<string, { isFBA: boolean }> = product.stats.buyBoxStats ?? {};
  return statsInputFromProduct(product, {
    now,
    interval,
    buyBox: golden.buyBox ? buyBoxSnapshotFromKeepaStats(product.stats) : null,
    // Fulfilment per seller comes from offer data, an input to the engine, not a result.
    fbaSellerIds: new Set(Object.keys(expectedBuyBoxStats).filter((id) => expectedBuyBoxStats[id].isFBA)),
  });
}

export interface FieldMatch {
  readonly field: string;
  readonly matched: number;
  readonly total: number;
  /** Entries equal or off by one unit (averages: Keepa's accumulator may read one low). */
  readonly withinOne: number;
  readonly mismatches: string[];
}

const json = (value: unknown) => JSON.stringify(value) ?? 'undefined';

function offByAtMostOne(a: unknown, b: unknown): boolean {
  return typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1;
}

/** Per field of the expected Statistics Object: how many entries `got` reproduces. */
export function compareStats(got: Readonly<KeepaStats>, expected: Readonly<Record<string, unknown>>): FieldMatch[] {
  const actual = got as unknown as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return fields.map((field) => {
    const e = expected[field];
    const g = actual[field];
    const pairs: Array<[string, unknown, unknown]> = [];
    if (Array.isArray(e) && e.length > 2) {
      e.forEach((value, i) => pairs.push([String(i), Array.isArray(g) ? g[i] : undefined, value]));
    } else if (field === 'buyBoxStats' && e && typeof e === 'object') {
      const gs = (g ?? {}) as Record<string, Record<string, unknown>>;
      for (const [seller, stats] of Object.entries(e as Record<string, Record<string, unknown>>)) {
        for (const [key, value] of Object.entries(stats)) pairs.push([`${seller}.${key}`, gs[seller]?.[key], value]);
      }
      for (const seller of Object.keys(gs)) if (!(seller in (e as object))) pairs.push([seller, gs[seller], undefined]);
    } else {
      pairs.push(['', g, e]);
    }
    let matched = 0;
    let withinOne = 0;
    const mismatches: string[] = [];
    for (const [where, a, b] of pairs) {
      if (json(a) === json(b)) {
        matched++;
        withinOne++;
        continue;
      }
      if (offByAtMostOne(a, b)) withinOne++;
      mismatches.push(`${where ? `[${where}] ` : ''}got ${json(a)}, Keepa ${json(b)}`);
    }
    return { field, matched, total: pairs.length, withinOne, mismatches };
  });
}
