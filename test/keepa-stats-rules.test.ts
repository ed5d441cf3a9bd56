// Golden tests of the stats rules learnt from real Keepa responses (../shared/fixtures/keepa
// and its more/: 57 saved /product answers). Every rule has a case from a named response;
// the unit cases pin the boundaries the data cannot show.
import { describe, expect, it } from 'vitest';
import { assembleKeepaProduct, lastOffersUpdateOf, splitKeepaProduct } from '../src/keepa/product-object.js';
import { keepaStatsClock, latestRecorded, readSavedResponses, statsClockShown, statsInputOfSaved, statsParamOf, type SavedResponse } from './golden/saved-response.js';
import { valueAt, viewSeries } from '../src/keepa/series.js';
import { buyBoxStats } from '../src/keepa/stats-buy-box.js';
import { salesRankDrops } from '../src/keepa/stats-events.js';
import { deltaPercent90MonthlySold } from '../src/keepa/stats-monthly-sold.js';
import { computeStats } from '../src/keepa/stats.js';
import { offerFulfilment } from '../src/keepa/stats-input.js';
import { extremes, outOfStockCount, outOfStockPercentage } from '../src/keepa/stats-window.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';

const MORE = `${SHARED_FIXTURES}keepa/more`;
const saved = readSavedResponses(MORE);
const byFile = new Map(saved.map((s) => [s.file, s]));
const DAY = 1440;

function response(file: string): SavedResponse {
  const found = byFile.get(file);
  if (!found) throw new Error(`${file} is not in ${MORE}`);
  return found;
}

function statsOf(file: string) {
  const r = response(file);
  return { keepa: r.product.stats, ours: computeStats(statsInputOfSaved(r)), input: statsInputOfSaved(r) };
}

const DROPS = ['salesRankDrops30', 'salesRankDrops90', 'salesRankDrops180', 'salesRankDrops365'] as const;

describe('the saved responses', () => {
  it('are all read, with the request each answered', () => {
    expect(saved).toHaveLength(55);
    expect(response('0135048761_us_lu7555212.json').request).toMatchObject({ statsParam: '365', buyBox: true, offers: 20 });
    expect(response('B0BSL6P6WJ_jp.json').request.statsParam).toBe('1'); // its sidecar: stats=1
    // "some stats value": every interval field of the answer is -1, so the interval was empty.
    expect(response('B09X7MPX8L_us.json').request.statsParam).toBe('0');
    expect(statsParamOf('', { avg: [1, -1], avg365: [1, -1] })).toBe('365');
    expect(statsParamOf('', { avg: [1, -1], avg365: [2, -1] })).toBeNull();
  });

  it("put Keepa's stats clock on the even minute at or before the request, never before lastUpdate", () => {
    // 0135048761_us_lu7555212.json: request 7555225.84, interval start 7029624 = 7555224 − 365 days.
    expect(response('0135048761_us_lu7555212.json').request.now).toBe(7555224);
    expect(response('0135048761_us_lu7555212.json').product.stats.minInInterval[12][0]).toBe(7555224 - 365 * DAY);
    // 0135048761_us_lu7555300.json: request 7555299.25, before its lastUpdate 7555300.
    expect(keepaStatsClock(7555299.25, 7555300)).toBe(7555300);
    expect(keepaStatsClock(null, 7555536)).toBe(7555536);
  });

  it("read Keepa's stats clock off the answer where an interval extreme sits at the interval start", () => {
    // No request time: 1496849574_us_lu7555840.json shows start 7030244 (LISTPRICE minInInterval), so
    // now 7555844, 4 minutes after its lastUpdate; B0BSL6P6WJ_jp.json (stats=1) shows 7816308.
    expect(response('1496849574_us_lu7555840.json').product.stats.minInInterval[4]).toEqual([7030244, 9900]);
    expect(response('1496849574_us_lu7555840.json').request.now).toBe(7555844);
    expect(response('B0BSL6P6WJ_jp.json').request.now).toBe(7816308 + DAY);
    // Request at 7557035.70 (even minute 7557034), yet the answer shows 7557036.
    expect(response('1496849574_us_lu7557000.json').request).toMatchObject({ now: 7557036 });
    expect(statsClockShown(response('1496849574_us_lu7557000.json').product, '365')).toBe(7557036);
  });

  it('never put the clock before the latest moment the answer records (184297291X_us_lu7555828.json: buy box sellers last seen 7555844)', () => {
    const file = '184297291X_us_lu7555828.json';
    // No request time and no interval extreme at the start; lastUpdate is 7555828.
    expect(statsClockShown(response(file).product, '365')).toBeNull();
    expect(response(file).product.lastUpdate).toBe(7555828);
    expect(latestRecorded(response(file).product)).toBe(7555844);
    expect(response(file).request.now).toBe(7555844);
    // It is the only even minute of the hour after lastUpdate that reproduces its averages.
    const at = (now: number) => computeStats(statsInputOfSaved({ ...response(file), request: { ...response(file).request, now } }));
    const keepa = response(file).product.stats;
    const fits = Array.from({ length: 31 }, (_, i) => 7555828 + 2 * i).filter((now) => {
      const ours = at(now);
      return (['avg30', 'avg90', 'avg180', 'avg365'] as const).every((f) => keepa[f].every((v: number, i: number) => ours[f][i] === v));
    });
    expect(fits).toEqual([7555844]);
  });
});

describe('salesRankDrops', () => {
  it('equal Keepa in every saved response (books ranked 400k–1.1M, a JP product ranked ~2,000, no rank)', () => {
    for (const r of saved) {
      const stats = computeStats(statsInputOfSaved(r));
      expect(DROPS.map((f) => stats[f]), r.file).toEqual(DROPS.map((f) => r.product.stats[f]));
    }
  });

  it('count a fall of a rank of 10,000 or more only when it is more than 5% (0135048761_us.json)', () => {
    const { keepa, ours, input } = statsOf('0135048761_us.json');
    expect(DROPS.map((f) => ours[f])).toEqual([2, 4, 5, 17]);
    expect(DROPS.map((f) => keepa[f])).toEqual([2, 4, 5, 17]);
    // Counting every fall, as before, gives 44 for 90 days where Keepa says 4.
    const view = viewSeries(3, input.csv[3]!);
    let everyFall = 0;
    let previous = -1;
    for (let k = 0; k < view.length; k++) {
      const rank = view.values[k];
      if (rank <= 0) continue;
      if (view.times[k] >= input.lastUpdate! - 90 * DAY && view.times[k] < input.lastUpdate! && previous > 0 && rank < previous) everyFall++;
      previous = rank;
    }
    expect(everyFall).toBeGreaterThan(40);
  });

  it('are counted up to lastUpdate, not the request time (1496849574_us_lu7557892.json)', () => {
    const { keepa, ours, input } = statsOf('1496849574_us_lu7557892.json');
    expect(input.now - input.lastUpdate!).toBe(16);
    expect(DROPS.map((f) => ours[f])).toEqual(DROPS.map((f) => keepa[f]));
    // A drop in [lastUpdate, now) would count at request time: 3 instead of Keepa's 2.
    const view = viewSeries(3, input.csv[3]!);
    expect(salesRankDrops(view, input.now - 30 * DAY, input.now)).toBe(keepa.salesRankDrops30 + 1);
  });

  it('follow the rule at its boundaries and over -1 gaps', () => {
    // 9,999 → 9,998 counts (below 10,000 every fall does); 10,500 → 10,000 is exactly 5%: no;
    // 10,501 → 10,000 is more: yes; the last valid rank carries across the -1 gap.
    const view = viewSeries(3, [100, 9999, 110, 9998, 120, 10500, 130, 10000, 140, 10501, 150, -1, 160, 10000]);
    expect(salesRankDrops(view, 100, 200)).toBe(2);
    // Window lastUpdate − N days ≤ t < lastUpdate: a drop at the start counts, one at the end does not.
    expect(salesRankDrops(view, 110, 160)).toBe(1);
    expect(salesRankDrops(view, 111, 161)).toBe(1);
    expect(salesRankDrops(view, 100, 160)).toBe(1);
  });
});

describe('minInInterval / maxInInterval', () => {
  it('put the value in force at the interval start at the start (0135048761_us_lu7555212.json, COUNT_USED)', () => {
    const { keepa, ours } = statsOf('0135048761_us_lu7555212.json');
    expect(ours.minInInterval[12]).toEqual(keepa.minInInterval[12]);
    expect(keepa.minInInterval[12][0]).toBe(7555224 - 365 * DAY);
  });

  it('keep the own time of the only point of a one-point series (1496849574_us.json, RATING and COUNT_REVIEWS)', () => {
    const { keepa, ours, input } = statsOf('1496849574_us.json');
    expect(input.csv[16]).toEqual([7026528, 50]);
    expect(input.interval.start).toBeGreaterThan(7026528);
    for (const i of [16, 17]) {
      expect(ours.minInInterval[i]).toEqual(keepa.minInInterval[i]);
      expect(ours.maxInInterval[i]).toEqual(keepa.maxInInterval[i]);
    }
    expect(ours.minInInterval[16]).toEqual([7026528, 50]);
    const two = viewSeries(16, [10, 40, 20, 45]);
    expect(extremes(two, 15, 30)?.min).toEqual([15, 40]);
    expect(extremes(viewSeries(16, [10, 40]), 15, 30)?.min).toEqual([10, 40]);
  });
});

describe('EXTRA_INFO_UPDATES (csv 15)', () => {
  it('has avg* -1 and null extremes in Keepa and in ours (0135048761_us.json, 5,780 points)', () => {
    const { keepa, ours } = statsOf('0135048761_us.json');
    for (const field of ['avg', 'avg30', 'avg90', 'avg180', 'avg365'] as const) {
      expect(keepa[field][15]).toBe(-1);
      expect(ours[field][15]).toBe(-1);
    }
    for (const field of ['min', 'max', 'minInInterval', 'maxInInterval'] as const) {
      expect(keepa[field][15]).toBeNull();
      expect(ours[field][15]).toBeNull();
    }
    expect(ours.current[15]).toBe(keepa.current[15]);
  });
});

describe('lastOffersUpdate', () => {
  it("is Keepa's own value after an import, not lastUpdate (0135048761_us_lu7555212.json)", () => {
    const r = response('0135048761_us_lu7555212.json');
    const parts = splitKeepaProduct(r.product);
    expect([r.product.lastUpdate, r.product.stats.lastOffersUpdate]).toEqual([7555212, 7555172]);
    expect(lastOffersUpdateOf(parts)).toBe(7555172);
    // Kept for the stats, not served as a product field Keepa does not have.
    expect('lastOffersUpdate' in assembleKeepaProduct(parts)).toBe(false);
    expect(computeStats(statsInputOfSaved(r)).lastOffersUpdate).toBe(7555172);
  });

  it('falls back to lastUpdate when the store does not know, and ignores a later one in a replay', () => {
    const input = statsInputOfSaved(response('0135048761_us_lu7555212.json'));
    expect(computeStats({ ...input, lastOffersUpdate: null }).lastOffersUpdate).toBe(7555212);
    expect(computeStats({ ...input, lastOffersUpdate: input.now + 10 }).lastOffersUpdate).toBe(7555212);
  });
});

describe('deltaPercent90_monthlySold', () => {
  it('is the 90-day average of monthlySold over the current one, in percent (B09X7MPX8L_us.json: 4)', () => {
    const { keepa, ours } = statsOf('B09X7MPX8L_us.json');
    expect(keepa.deltaPercent90_monthlySold).toBe(4);
    expect(ours.deltaPercent90_monthlySold).toBe(4);
  });

  it('is 0 for a constant figure (B0BSL6P6WJ_jp.json) and null without a history (0135048761_us.json)', () => {
    expect(statsOf('B0BSL6P6WJ_jp.json').ours.deltaPercent90_monthlySold).toBe(0);
    const book = statsOf('0135048761_us.json');
    expect(book.keepa.deltaPercent90_monthlySold).toBeNull();
    expect(book.ours.deltaPercent90_monthlySold).toBeNull();
  });

  it('reads negative when the figure rose above its average and -1 without a current figure', () => {
    const now = 200 * DAY;
    expect(deltaPercent90MonthlySold([now - 100 * DAY, 900, now - 45 * DAY, 1100], now)).toBe(-10);
    expect(deltaPercent90MonthlySold([now - 100 * DAY, 900, now - 45 * DAY, -1], now)).toBe(-1);
  });
});

describe('out of stock', () => {
  it('counts -2 (RENTAL: no data) as no offer (0135048761_us.json, csv 31)', () => {
    const { keepa, ours } = statsOf('0135048761_us.json');
    expect(keepa.outOfStockPercentage365[31]).toBe(100);
    expect(ours.outOfStockPercentage365[31]).toBe(100);
    expect(ours.outOfStockPercentageInInterval[31]).toBe(keepa.outOfStockPercentageInInterval[31]);
  });

  it('reads a one-point series from its point (184297291X_us.json, BUY_BOX_USED_SHIPPING: 0%)', () => {
    const { keepa, ours, input } = statsOf('184297291X_us.json');
    expect(input.csv[32]).toEqual([7549184, 2495, 443]);
    for (const f of ['outOfStockPercentage30', 'outOfStockPercentage365', 'outOfStockPercentageInInterval'] as const) {
      expect(ours[f][32]).toBe(keepa[f][32]);
    }
    expect(outOfStockPercentage(viewSeries(1, [150, 500]), 100, 200, 200, null)).toBe(0);
  });

  it('counts the Amazon spell that the value in force at the window start ended (B0BSL6P6WJ_jp.json)', () => {
    const { keepa, ours, input } = statsOf('B0BSL6P6WJ_jp.json');
    expect(input.csv[0]!.slice(-4)).toEqual([7057628, -1, 7057800, 770]);
    expect([ours.outOfStockCountAmazon30, ours.outOfStockCountAmazon90]).toEqual([keepa.outOfStockCountAmazon30, keepa.outOfStockCountAmazon90]);
    expect(outOfStockCount(viewSeries(0, [0, 100, 10, 200]), 20, 30)).toBe(0);
  });
});

describe('buyBoxStats', () => {
  it('is left out when no seller won a minute (1580626130_us.json) or the interval is empty (B09X7MPX8L_us.json)', () => {
    for (const file of ['1580626130_us.json', 'B09X7MPX8L_us.json']) {
      const { keepa, ours } = statsOf(file);
      expect('buyBoxStats' in keepa, file).toBe(false);
      expect('buyBoxStats' in ours, file).toBe(false);
    }
  });

  it('shares out the minutes since the first buy box price point (184297291X_us.json: BUY_BOX_SHIPPING from 7243990)', () => {
    const { keepa, ours, input } = statsOf('184297291X_us.json');
    expect(input.csv[18]?.[0]).toBe(7243990);
    expect(input.interval.start).toBeLessThan(7243990);
    const sellers = Object.keys(keepa.buyBoxStats);
    expect(sellers).toHaveLength(4);
    for (const id of sellers) expect(ours.buyBoxStats?.[id].percentageWon, id).toBe(keepa.buyBoxStats[id].percentageWon);
    expect(keepa.buyBoxStats.A1SVAUAYKYZZD3.percentageWon).toBe(38.622482); // 23.004187 over the whole 365 days
  });

  it("takes each seller's isFBA from the product's offers (184297291X_us.json: three past winners fulfilled by Amazon)", () => {
    const r = response('184297291X_us.json');
    const keepa = r.product.stats.buyBoxStats;
    // Without Keepa's own answer as a source: only the offers and the latest buy box.
    const ours = computeStats({ ...statsInputOfSaved(r), fbaSellerIds: null }).buyBoxStats ?? {};
    expect(Object.fromEntries(Object.keys(keepa).map((id) => [id, ours[id]?.isFBA]))).toEqual(
      Object.fromEntries(Object.keys(keepa).map((id) => [id, keepa[id].isFBA])),
    );
    expect(Object.values(keepa).filter((s: any) => s.isFBA)).toHaveLength(3);
    const fulfilment = offerFulfilment([
      { sellerId: 'A', isFBA: true },
      { sellerId: 'B', isFBA: false },
      { sellerId: 'C', isFBA: true },
      { sellerId: 'C', isFBA: false },
    ]);
    expect(fulfilment && [...fulfilment]).toEqual([['A', true], ['B', false]]); // C disagrees: unknown
    expect(offerFulfilment(undefined)).toBeNull();
  });
});

describe('buyBoxStats offer counts', () => {
  const countsOf = (sellers: Record<string, any> | null | undefined) =>
    Object.fromEntries(Object.entries(sellers ?? {}).map(([id, s]) => [id, [s.avgNewOfferCount, s.avgUsedOfferCount]]));

  it('are the counts at the window start for an entry begun before it, not their average over the win (1496849574_us.json)', () => {
    const { keepa, ours, input } = statsOf('1496849574_us.json');
    expect(countsOf(keepa.buyBoxStats)).toEqual({ ATVPDKIKX0DER: [10, 2] });
    expect(countsOf(ours.buyBoxStats)).toEqual({ ATVPDKIKX0DER: [10, 2] });
    // Amazon won all 365 days under one entry from 6498276; COUNT_NEW changed 46 times in them,
    // between 4 and 14 (7.78 time-weighted), yet Keepa reports the 10 in force at the start.
    expect(input.buyBoxSellerIdHistory?.slice(-2)).toEqual(['6498276', 'ATVPDKIKX0DER']);
    expect(6498276).toBeLessThan(input.interval.start);
    const newCount = viewSeries(11, input.csv[11]!);
    expect(valueAt(newCount, input.interval.start)).toBe(10);
    const inWindow = Array.from(newCount.times).filter((t) => t > input.interval.start && t < input.now);
    expect(inWindow).toHaveLength(46);
  });

  it('read the count in force just before the entry: a count point at its minute came after it (0470820942_us.json)', () => {
    const { keepa, ours, input } = statsOf('0470820942_us.json');
    const history = input.buyBoxSellerIdHistory!;
    const entry = history.indexOf('A38KRETCM2EV54');
    expect(history.slice(entry - 1, entry + 3)).toEqual(['7334504', 'A38KRETCM2EV54', '7336764', '-1']);
    const newFlat = input.csv[11]!;
    const point = newFlat.indexOf(7334504);
    expect(newFlat.slice(point - 2, point + 2)).toEqual([7166482, -1, 7334504, 1]); // -1 → 1 at the entry's minute
    expect(countsOf(keepa.buyBoxStats)).toEqual({ A38KRETCM2EV54: [-1, 3] });
    expect(countsOf(ours.buyBoxStats)).toEqual({ A38KRETCM2EV54: [-1, 3] });
  });

  it('weigh each entry by its won minutes, a recorded -1 as -1, floored; -1 before a count series starts (184297291X_us.json)', () => {
    const { keepa, ours } = statsOf('184297291X_us.json');
    expect(countsOf(keepa.buyBoxStats)).toEqual({
      A1SVAUAYKYZZD3: [2, 0], // new: 29146 minutes at a recorded -1 among 91764 at ≥ 0 (mean 2.49; 3.6 without them)
      AS3CE0PSURM1L: [2, -1], // used: 38810 minutes before COUNT_USED starts, 18432 at 1 or 2 (mean -0.36)
      AEY8Y1M2ZEQUD: [4, 0], // used: its entry from 7435420 reads 1 once COUNT_USED starts at 7436944
      A18EUS37O1KGIP: [2, -1],
    });
    expect(countsOf(ours.buyBoxStats)).toEqual(countsOf(keepa.buyBoxStats));
  });

  it('equal Keepa\'s for every seller of every saved response', () => {
    let sellers = 0;
    for (const r of saved) {
      const keepa = r.product.stats.buyBoxStats;
      if (!keepa) continue;
      sellers += Object.keys(keepa).length;
      expect(countsOf(computeStats(statsInputOfSaved(r)).buyBoxStats), r.file).toEqual(countsOf(keepa));
    }
    expect(sellers).toBe(90);
  });

  it('pin the boundaries: entry minute, window start, a series that starts inside an entry', () => {
    const price = viewSeries(18, [0, 1000, 0]);
    const at = (history: string[], newFlat: number[], from = 0, to = 100) =>
      buyBoxStats({ history, price, newCount: viewSeries(11, newFlat), usedCount: viewSeries(12, []), isFBA: () => false }, from, to) ?? {};
    // B's entry at 50 reads 2, not the 7 written at its own minute.
    expect(at(['0', 'A', '50', 'B'], [0, 2, 50, 7]).B.avgNewOfferCount).toBe(2);
    // An entry begun before the window reads the count at the window start.
    expect(at(['0', 'A'], [0, 2, 20, 9, 40, 1], 30).A.avgNewOfferCount).toBe(9);
    // COUNT_NEW starts at 60 inside A's entry: -1 for 60 minutes, then 5 for 40 → floor(140 / 100).
    expect(at(['0', 'A'], [60, 5, 80, 50]).A.avgNewOfferCount).toBe(1);
    // No count series at all: -1.
    expect(at(['0', 'A'], []).A).toMatchObject({ avgNewOfferCount: -1, avgUsedOfferCount: -1 });
  });
});

describe('averages', () => {
  it('read one unit low when the window opens before the first point (184297291X_us.json, LISTPRICE avg365)', () => {
    const { keepa, ours, input } = statsOf('184297291X_us.json');
    expect(input.csv[4]![0]).toBeGreaterThan(input.now - 365 * DAY);
    expect(keepa.avg365[4]).toBe(11998); // a constant 11999 whenever listed
    expect(ours.avg365[4]).toBe(11998);
    // …but not for a one-point series, which covers its window (RATING 50 since one point).
    expect(input.csv[16]).toHaveLength(2);
    expect([ours.avg365[16], keepa.avg365[16]]).toEqual([50, 50]);
  });
});

describe('tradeInPrice', () => {
  it('is -1 without a TRADE_IN series when the offer listing was read, else -2', () => {
    const book = statsOf('0135048761_us.json'); // offers=20
    expect([book.keepa.tradeInPrice, book.ours.tradeInPrice]).toEqual([-1, -1]);
    const jp = statsOf('B0BSL6P6WJ_jp.json'); // no offers parameter
    expect([jp.keepa.tradeInPrice, jp.ours.tradeInPrice]).toEqual([-2, -2]);
  });
});

describe('buy box saving basis and shipping time', () => {
  it('are left out when the offer fetch did not read them (0135048761_us.json; kept in the stats180 fixture)', () => {
    const { keepa, ours } = statsOf('0135048761_us.json');
    for (const field of ['buyBoxSavingBasis', 'buyBoxSavingBasisType', 'buyBoxSavingPercentage', 'buyBoxShippingTime']) {
      expect(field in keepa, field).toBe(false);
      expect(field in ours, field).toBe(false);
    }
    expect(ours.buyBoxIsFBA).toBe(keepa.buyBoxIsFBA);
  });
});
