// Stats through GET /product against the Statistics Object of real Keepa responses: the
// product is imported, the server's clock set to the moment Keepa computed the stats, and
// the request sent with the parameters that response answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { compareStats, statsNowOfResponse, type FieldMatch } from './golden/stats-compare.js';
import { importKeepaProduct } from '../src/store/index.js';
import { apiHarness, createKey, SimClock, url, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { KEEPA_FULL, KEEPA_LATER, keepaFixture } from './helpers/fixtures.js';

const CASES: Array<{ fixture: string; params: Record<string, string> }> = [
  { fixture: KEEPA_FULL, params: { stats: '180', buybox: '1', rating: '1', history: '1', videos: '1', aplus: '1' } },
  { fixture: KEEPA_LATER, params: { stats: '0', history: '1', videos: '1', aplus: '1' } },
];

const EXACT = [
  'current', 'min', 'max', 'atIntervalStart', 'minInInterval', 'maxInInterval', 'isLowest', 'isLowest90',
  'outOfStockPercentageInInterval', 'outOfStockPercentage30', 'outOfStockPercentage90', 'outOfStockPercentage180',
  'outOfStockPercentage365', 'outOfStockCountAmazon30', 'outOfStockCountAmazon90', 'salesRankDrops30', 'salesRankDrops90',
  'salesRankDrops180', 'salesRankDrops365', 'lightningDealInfo', 'totalOfferCount', 'lastOffersUpdate',
  'buyBoxPrice', 'buyBoxShipping', 'buyBoxSellerId', 'buyBoxIsAmazon', 'lastBuyBoxUpdate',
];
const AVERAGES = ['avg', 'avg30', 'avg90', 'avg180', 'avg365'];
/**
 * What Keepa saw on the offer listing and our stored histories do not record: the buy box
 * flags, its saving basis and shipping time, and which sellers ship FBA.
 */
const NOT_IN_STORED_DATA = new Set([
  'buyBoxAvailabilityMessage', 'buyBoxCondition', 'buyBoxIsBackorder', 'buyBoxIsFBA', 'buyBoxIsFreeShippingEligible',
  'buyBoxIsMAP', 'buyBoxIsPreorder', 'buyBoxIsPrimeEligible', 'buyBoxIsShippable', 'buyBoxIsUnqualified', 'buyBoxIsUsed',
  'buyBoxIsWarehouseDeal', 'buyBoxSavingBasis', 'buyBoxSavingBasisType', 'buyBoxSavingPercentage', 'buyBoxShippingTime',
  'buyBoxStats',
]);

describe.each(testEngines())('stats through GET /product on $name', (engine) => {
  describe.each(CASES)('$fixture', ({ fixture, params }) => {
    const response = keepaFixture(fixture);
    const product = response.products[0]!;
    let harness: ApiHarness;
    let matches: Map<string, FieldMatch>;
    let body: Record<string, any>;

    beforeAll(async () => {
      harness = await apiHarness(engine, SimClock.atKeepaMinute(statsNowOfResponse(response.timestamp)));
      await importKeepaProduct(harness.store, splitKeepaProduct(product));
      const app = await harness.server();
      const key = await createKey(harness.store, 'stats', 60, harness.clock.ms);
      const answer = await app.inject({ method: 'GET', url: url('/product', { key, domain: 1, asin: product.asin, ...params }) });
      expect(answer.statusCode).toBe(200);
      body = answer.json();
      matches = new Map(compareStats(body.products[0].stats, product.stats).map((m) => [m.field, m]));
    });
    afterAll(async () => harness?.close());

    it('reproduces current, min, max, atIntervalStart and every other series-derived field exactly', () => {
      for (const field of EXACT) {
        const m = matches.get(field)!;
        expect(m, field).toBeDefined();
        expect(m.mismatches, field).toEqual([]);
      }
    });

    it('reproduces the weighted averages within one unit', () => {
      for (const field of AVERAGES) {
        const m = matches.get(field)!;
        expect(m.withinOne, field).toBe(m.total);
      }
    });

    it('differs from Keepa only in what the stored histories cannot know', () => {
      const differing = [...matches.values()].filter((m) => m.mismatches.length > 0).map((m) => m.field);
      for (const field of differing) expect(NOT_IN_STORED_DATA, field).toContain(field);
      const counts = [...matches.values()].map((m) => `${m.field} ${m.matched}/${m.total}`);
      console.log(`${engine.name} ${fixture}: ${counts.join(', ')}`);
    });

    it('charges what Keepa charged for the same request', () => {
      expect(body.tokensConsumed).toBe(response.tokensConsumed);
    });
  });
});
