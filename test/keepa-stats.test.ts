import { describe, expect, it } from 'vitest';
import { viewSeries } from '../src/keepa/series.js';
import { STATS_GOLDEN_CASES, compareStats, goldenInput, statsNowOfResponse } from './golden/stats-compare.js';
import { buyBoxStats, float32Json, savingPercentage } from '../src/keepa/stats-buy-box.js';
import { lightningDealInfo, salesRankDrops } from '../src/keepa/stats-events.js';
import { computeStats, parseStatsParam, StatsParamError, truncateCsvAt, type StatsInput } from '../src/keepa/stats.js';
import { extremes, outOfStockCount, outOfStockPercentage, weightedMean } from '../src/keepa/stats-window.js';
import { KEEPA_FULL, KEEPA_LATER, keepaFixture } from './helpers/fixtures.js';

const responses: Record<string, ReturnType<typeof keepaFixture>> = {
  [KEEPA_FULL]: keepaFixture(KEEPA_FULL),
  [KEEPA_LATER]: keepaFixture(KEEPA_LATER),
};
const [FULL_CASE, LATER_CASE] = STATS_GOLDEN_CASES;
const DAY = 1440;

function golden(fixture: string) {
  const response = responses[fixture];
  const goldenCase = STATS_GOLDEN_CASES.find((c) => c.fixture === fixture)!;
  const input = goldenInput(response, goldenCase);
  return { input, expected: response.products[0].stats, stats: computeStats(input) };
}

describe('golden: stats of real Keepa responses', () => {
  it('derives "now" from the envelope timestamp rounded up to the minute', () => {
    expect(statsNowOfResponse(responses[KEEPA_FULL].timestamp)).toBe(8075780); // the sidecar's server now
    expect(statsNowOfResponse(responses[KEEPA_LATER].timestamp)).toBe(8075867);
  });

  for (const fixture of [FULL_CASE.fixture, LATER_CASE.fixture]) {
    it(`reproduces every field of ${fixture}`, () => {
      const { stats, expected } = golden(fixture);
      const fields = compareStats(stats, expected);
      expect(fields.map((f) => f.field)).toEqual(Object.keys(expected).sort());
      for (const field of fields) expect(field.mismatches, field.field).toEqual([]);
      expect(Object.keys(stats).sort()).toEqual(Object.keys(expected).sort());
    });
  }

  it('reads the 180-day interval, landed buy box price and rating the way Keepa does', () => {
    const { stats, input } = golden(FULL_CASE.fixture);
    expect(input.interval).toEqual({ start: 8075780 - 180 * DAY, end: 8075780 });
    expect(stats.maxInInterval[4]).toEqual([7816580, 2499]); // in force at the start: reported at the start
    expect(stats.current[18]).toBe(1499);
    expect(stats.min[18]).toEqual([8009716, 1499]);
    expect(stats.avg[16]).toBe(44);
    expect(stats.isLowest90[16]).toBe(true);
    expect(stats.isLowest[16]).toBe(false);
    expect(stats.minInInterval[33]).toEqual([-1, -1]); // has data, none in the interval
    expect(stats.min[0]).toBeNull(); // never had a price
  });

  it('keeps EXTRA_INFO_UPDATES out of averages and extremes but reports its current value', () => {
    const { stats } = golden(FULL_CASE.fixture);
    expect([stats.current[15], stats.atIntervalStart[15]]).toEqual([5, 1]);
    expect([stats.avg[15], stats.avg90[15], stats.min[15], stats.maxInInterval[15]]).toEqual([-1, -1, null, null]);
    expect(stats.outOfStockPercentage30[15]).toBe(-1);
  });

  it('gives an empty stats interval -1 averages, [-1,-1] or null extremes and current at its start', () => {
    const { stats, input } = golden(LATER_CASE.fixture);
    expect(input.interval.start).toBe(input.interval.end);
    expect(stats.avg.every((v) => v === -1)).toBe(true);
    expect(stats.outOfStockPercentageInInterval.every((v) => v === -1)).toBe(true);
    expect(stats.atIntervalStart).toEqual(stats.current);
    expect(stats.minInInterval[1]).toEqual([-1, -1]);
    expect(stats.minInInterval[0]).toBeNull();
    expect(stats.avg30[1]).toBe(1741);
  });

  it('leaves buy box fields at Keepa defaults without a buy box observation', () => {
    const { stats } = golden(LATER_CASE.fixture);
    expect([stats.buyBoxPrice, stats.buyBoxShipping, stats.buyBoxSellerId, stats.buyBoxIsFBA, stats.lastBuyBoxUpdate]).toEqual([
      -2, -2, null, null, null,
    ]);
    expect('buyBoxStats' in stats).toBe(false);
    expect('buyBoxSavingBasis' in stats).toBe(false);
  });

  it('computes buy box shares from the seller history, not counting minutes with no buy box price', () => {
    const { stats } = golden(FULL_CASE.fixture);
    expect(stats.buyBoxStats?.AFZNN5H6MIT2Z).toEqual({
      avgNewOfferCount: 2,
      avgPrice: 1855,
      avgUsedOfferCount: -1,
      isFBA: true,
      lastSeen: 8075780,
      percentageWon: 97.46682,
    });
    expect(Object.keys(stats.buyBoxStats ?? {}).sort()).toEqual(['A13ASQDJPF4YGN', 'A2D7JKJIGBZO3G', 'A382YMOFSCAYQE', 'AFZNN5H6MIT2Z']);
  });

  it('counts sales rank drops as of the last update, across -1 gaps', () => {
    const { input, stats } = golden(FULL_CASE.fixture);
    expect([stats.salesRankDrops30, stats.salesRankDrops90, stats.salesRankDrops180, stats.salesRankDrops365]).toEqual([35, 75, 165, 424]);
    // At request time (18 minutes later) the drop at 7946168 has left the 90-day window.
    const rank = viewSeries(3, input.csv[3]!);
    expect(salesRankDrops(rank, input.now - 90 * DAY, input.now)).toBe(74);
    expect(computeStats({ ...input, lastUpdate: null }).salesRankDrops90).toBe(74);
  });

  it('reproduces the earlier response from the later one truncated at the earlier now (--as-of)', () => {
    const earlier = golden(FULL_CASE.fixture);
    const laterProduct = responses[KEEPA_LATER].products[0];
    const replay = computeStats({
      ...earlier.input,
      csv: truncateCsvAt(laterProduct.csv, earlier.input.now),
      buyBox: null,
      buyBoxSellerIdHistory: null,
    });
    for (const field of ['current', 'avg', 'avg30', 'avg365', 'min', 'maxInInterval', 'outOfStockPercentage90', 'isLowest'] as const) {
      for (let i = 0; i < 36; i++) {
        if (i >= 15 && i <= 18) continue; // not requested in the later response
        expect(replay[field][i], `${field}[${i}]`).toEqual(earlier.expected[field][i]);
      }
    }
    expect(replay.salesRankDrops365).toBe(424);
  });
});

describe('weighted mean', () => {
  // 100 on [0,10), out of stock on [10,20), 200 from 20 until now.
  const view = viewSeries(0, [0, 100, 10, -1, 20, 200]);

  it('weights values by minutes, leaves -1 minutes out and clamps the window to now', () => {
    expect(weightedMean(view, 0, 40, 40, 0)).toBe(Math.floor((100 * 10 + 200 * 20) / 30));
    expect(weightedMean(view, 0, 1000, 30, 0)).toBe(Math.floor((100 * 10 + 200 * 10) / 20));
  });

  it('counts the segment in force at the window start from the start', () => {
    expect(weightedMean(view, 5, 40, 40)).toBe(Math.floor((100 * 5 + 200 * 20) / 25));
  });

  it("reads one unit low like Keepa's accumulator when the window opens without a value", () => {
    const deal = viewSeries(8, [0, 1499, 10, -1, 50, 1499, 60, -1]);
    expect(weightedMean(deal, 30, 100, 100, 0)).toBe(1499);
    expect(weightedMean(deal, 30, 100, 100)).toBe(1498);
    expect(weightedMean(deal, 0, 100, 100)).toBe(1499); // opens on a value: exact
  });

  it('is -1 for an empty window or one with only -1', () => {
    expect(weightedMean(view, 40, 40, 40)).toBe(-1);
    expect(weightedMean(view, 12, 18, 40)).toBe(-1);
    expect(weightedMean(viewSeries(0, []), 0, 40, 40)).toBe(-1);
  });
});

describe('extremes', () => {
  const view = viewSeries(0, [0, 300, 10, -1, 20, 100, 30, 300, 40, 100]);

  it('reports the first occurrence of the lowest and highest value', () => {
    expect(extremes(view, -Infinity, Infinity)).toEqual({ min: [20, 100], max: [0, 300] });
  });

  it('lets the value in force at the window start compete with the start as its time', () => {
    expect(extremes(view, 25, 35)).toEqual({ min: [25, 100], max: [30, 300] });
  });

  it('is null when only -1 lies in the window', () => {
    expect(extremes(view, 12, 18)).toBeNull();
    expect(extremes(view, 30, 30)).toBeNull();
  });
});

describe('out of stock', () => {
  const view = viewSeries(1, [100, 500, 150, -1, 175, 400]);

  it('is the share of the window without an offer, minutes before tracking started left out', () => {
    expect(outOfStockPercentage(view, 100, 200, 200, null)).toBe(25);
    expect(outOfStockPercentage(view, 0, 200, 200, 100)).toBe(25);
    expect(outOfStockPercentage(view, 0, 200, 200, null)).toBe(100 - Math.floor((100 * 75) / 200));
    expect(outOfStockPercentage(view, 200, 200, 200, null)).toBe(-1);
  });

  it('counts each out-of-stock spell once, one already running at the start or ended by the value in force at it included', () => {
    const amazon = viewSeries(0, [0, -1, 10, 500, 20, -1, 25, -1, 30, 450, 40, 440]);
    expect(outOfStockCount(amazon, 0, 100)).toBe(2);
    expect(outOfStockCount(amazon, 22, 100)).toBe(1);
    expect(outOfStockCount(amazon, 31, 100)).toBe(1); // 450 ended the spell from 20
    expect(outOfStockCount(amazon, 41, 100)).toBe(0);
  });
});

describe('lightning deal info', () => {
  it('reports the last deal, a running one ending at its future -1 point', () => {
    expect(lightningDealInfo([100, 1599, 200, -1, 300, 1499, 400, -1], 350)).toEqual([300, 400]);
    expect(lightningDealInfo([100, 1599, 200, -1], 500)).toEqual([100, 200]);
  });

  it('announces an upcoming deal with end -1 and is null when there never was one', () => {
    expect(lightningDealInfo([100, 1599, 200, -1, 900, -1], 500)).toEqual([900, -1]);
    expect(lightningDealInfo(null, 500)).toBeNull();
    expect(lightningDealInfo([100, -1], 500)).toBeNull();
  });
});

describe('buy box statistics', () => {
  const price = viewSeries(18, [0, 1000, 0, 50, -1, -1, 60, 900, 100]);
  const newCount = viewSeries(11, [0, 3, 30, 5]);
  const sources = { price, newCount, usedCount: viewSeries(12, []), isFBA: (id: string) => id === 'B' };

  it('shares the interval by seller, without minutes of a suppressed buy box or a "-2" seller', () => {
    const history = ['0', 'A', '40', 'B', '80', '-2', '90', 'A'];
    expect(buyBoxStats({ ...sources, history }, 0, 100)).toEqual({
      // A: [0,40) at 1000 and [90,100) at 1000 (landed 900+100); counts 3 then 5.
      A: { percentageWon: 50, avgPrice: 1000, avgNewOfferCount: 3, avgUsedOfferCount: -1, isFBA: false, lastSeen: 100 },
      // B: [40,50) at 1000, [50,60) suppressed, [60,80) at 1000.
      // float32 arithmetic as Keepa's: 0.3f × 100 = 30.000002.
      B: { percentageWon: 30.000002, avgPrice: 1000, avgNewOfferCount: 5, avgUsedOfferCount: -1, isFBA: true, lastSeen: 80 },
    });
  });

  it('is null for an empty interval and throws on a history whose times are not ascending integers', () => {
    expect(buyBoxStats({ ...sources, history: ['0', 'A'] }, 50, 50)).toBeNull();
    expect(() => buyBoxStats({ ...sources, history: ['10', 'A', 'x', 'B'] }, 0, 100)).toThrow(/ascending integer/);
  });

  it('prints shares as Java floats and savings as Amazon rounds them', () => {
    expect(float32Json(Math.fround(Math.fround(2420 / 259200) * 100))).toBe(0.9336419);
    expect(float32Json(Math.fround(0.1))).toBe(0.1);
    expect(savingPercentage(1499, 2499)).toBe(40);
    expect(savingPercentage(1499, null)).toBeNull();
    expect(savingPercentage(-1, 2499)).toBeNull();
  });
});

describe('computeStats on a series that continues past now', () => {
  it('reports the value in force at now, not a later point', () => {
    const csv: StatsInput['csv'] = [null, null, null, null, null, null, null, null, [100, 1499, 200, -1]];
    const stats = computeStats({ csv, now: 150, interval: { start: 0, end: 150 }, trackingSince: 100 });
    expect(stats.current[8]).toBe(1499);
    expect(stats.lightningDealInfo).toEqual([100, 200]);
    expect(stats.current).toHaveLength(36);
    expect(stats.outOfStockCountAmazon30).toBeNull();
    expect(stats.totalOfferCount).toBe(-2);
  });

  it('ignores a product refresh later than now (as-of replay) for rank drops and lastOffersUpdate', () => {
    const csv: Array<number[] | null> = [];
    csv[3] = [100, 50, 200, 40, 300, 30];
    csv[15] = [150, 4, 250, 5];
    const base = { csv, now: 260, interval: { start: 0, end: 260 }, trackingSince: 100 };
    const replay = computeStats({ ...base, lastUpdate: 900 });
    expect(replay.lastOffersUpdate).toBe(250);
    expect(replay.salesRankDrops30).toBe(1);
    const live = computeStats({ ...base, lastUpdate: 210 });
    expect(live.lastOffersUpdate).toBe(210);
    expect(live.salesRankDrops30).toBe(1);
    expect(computeStats({ ...base, now: 400, lastUpdate: 350 }).salesRankDrops30).toBe(2);
  });
});

describe('parseStatsParam', () => {
  const now = 8075780;

  it('reads a day count as the last N days up to now, 0 as an empty interval', () => {
    expect(parseStatsParam('180', now)).toEqual({ start: now - 180 * DAY, end: now });
    expect(parseStatsParam(' 30 ', now)).toEqual({ start: now - 30 * DAY, end: now });
    expect(parseStatsParam('0', now)).toEqual({ start: now, end: now });
  });

  it('reads UTC dates with the end date included', () => {
    // 2025-01-01T00:00Z is Keepa minute 7364160.
    expect(parseStatsParam('2025-01-01,2025-01-31', now)).toEqual({ start: 7364160, end: 7364160 + 31 * DAY });
    expect(parseStatsParam('2025-01-01,2025-01-01', now)).toEqual({ start: 7364160, end: 7364160 + DAY });
  });

  it('reads epoch milliseconds as the Java client sends them, and mixed forms', () => {
    expect(parseStatsParam('1735689600000,1738368000000', now)).toEqual({ start: 7364160, end: 7364160 + 31 * DAY });
    expect(parseStatsParam('1735689600000,2025-01-31', now)).toEqual({ start: 7364160, end: 7364160 + 31 * DAY });
  });

  it('rejects garbage with a StatsParamError', () => {
    for (const bad of ['', 'abc', '-5', '1.5', '1,2,3', '2025-02-30,2025-03-01', '2025-1-1,2025-02-01', '180,200', '2025-03-01,2025-02-01', '99999', '1e3']) {
      const result = parseStatsParam(bad, now);
      expect(result, bad).toBeInstanceOf(StatsParamError);
      expect((result as StatsParamError).code).toBe('INVALID_STATS_PARAMETER');
    }
  });
});
