import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { importKeepaProduct } from '../src/store/index.js';
import { apiHarness, createKey, url, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';

const ASIN = 'B0D8W1YVBX';
const MINUTE = 60_000;
const unknownAsins = (n: number) => Array.from({ length: n }, (_, i) => `B1${String(i).padStart(8, '0')}`);

describe.each(testEngines())('Keepa envelope and token bucket over HTTP on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;
  let key: string;
  const RATE = 5;

  beforeAll(async () => {
    harness = await apiHarness(engine);
    await importKeepaProduct(harness.store, splitKeepaProduct(keepaFixture(KEEPA_FULL).products[0]));
    app = await harness.server();
    key = await createKey(harness.store, 'tokens', RATE, harness.clock.ms);
  });
  afterAll(async () => harness?.close());

  async function get(path: string) {
    const response = await app.inject({ method: 'GET', url: path });
    return { status: response.statusCode, body: response.json(), headers: response.headers };
  }
  const token = () => get(url('/token', { key }));

  it('/token is the envelope alone, free, with the full bucket of a new key', async () => {
    harness.clock.advance(15_000);
    const { status, body } = await token();
    expect(status).toBe(200);
    expect(body).toEqual({
      timestamp: harness.clock.ms,
      tokensLeft: 60 * RATE,
      refillIn: 45_000,
      refillRate: RATE,
      tokenFlowReduction: 0,
      tokensConsumed: 0,
      processingTimeInMs: expect.any(Number),
    });
  });

  it('charges 1 per requested ASIN found or not, +2 with buybox, +1 with rating; stats are free', async () => {
    const before = (await token()).body.tokensLeft;
    const plain = await get(url('/product', { key, domain: 1, asin: `${ASIN},${unknownAsins(1)[0]}`, stats: 180 }));
    expect(plain.status).toBe(200);
    expect(plain.body.tokensConsumed).toBe(2);
    expect(plain.body.tokensLeft).toBe(before - 2);
    const full = await get(url('/product', { key, domain: 1, asin: ASIN, buybox: 1, rating: 1, stats: 90 }));
    expect(full.body.tokensConsumed).toBe(4);
    expect(full.body.tokensLeft).toBe(before - 6);
    expect((await token()).body.tokensLeft).toBe(before - 6);
  });

  it('refills refillRate tokens once per minute on the simulated clock, never above 60 minutes’ worth', async () => {
    const { body: now } = await token();
    expect(now.tokensLeft).toBe(60 * RATE - 6);
    harness.clock.advance(now.refillIn - 1);
    expect((await token()).body).toMatchObject({ tokensLeft: 60 * RATE - 6, refillIn: 1 });
    harness.clock.advance(1);
    expect((await token()).body).toMatchObject({ tokensLeft: 60 * RATE - 1, refillIn: MINUTE });
    harness.clock.advance(2 * 60 * MINUTE);
    expect((await token()).body).toMatchObject({ tokensLeft: 60 * RATE, refillIn: MINUTE });
  });

  it('runs a request while the balance is positive and charges it in full, into the negative', async () => {
    // 100 unknown ASINs with buybox and rating: 400 tokens against 300 left
    const { status, body } = await get(url('/product', { key, domain: 1, asin: unknownAsins(100).join(','), buybox: 1, rating: 1 }));
    expect(status).toBe(200);
    expect(body.products).toHaveLength(100);
    expect(body.tokensConsumed).toBe(400);
    expect(body.tokensLeft).toBe(60 * RATE - 400);
  });

  it('answers 429 with nothing charged while the balance is not positive, until refills lift it above zero', async () => {
    const refused = await get(url('/product', { key, domain: 1, asin: ASIN }));
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ tokensLeft: -100, tokensConsumed: 0, refillRate: RATE });
    expect(refused.body.error.type).toBe('notEnoughToken');
    // next tick + 20 more minutes to climb from -100 to 0, + 1 to get above it
    expect(Number(refused.headers['retry-after'])).toBe(Math.ceil((refused.body.refillIn + 20 * MINUTE) / 1000));
    // /token still answers, with the negative balance
    expect((await token()).body).toMatchObject({ tokensLeft: -100 });

    harness.clock.advance(refused.body.refillIn + 19 * MINUTE); // 20 ticks: -100 + 100 = 0
    const atZero = await get(url('/product', { key, domain: 1, asin: ASIN }));
    expect(atZero.status).toBe(429);
    expect(atZero.body.tokensLeft).toBe(0);

    harness.clock.advance(MINUTE);
    const admitted = await get(url('/product', { key, domain: 1, asin: ASIN, buybox: 1 }));
    expect(admitted.status).toBe(200);
    expect(admitted.body).toMatchObject({ tokensLeft: RATE - 3, tokensConsumed: 3 });
  });

  it('keeps one bucket per key', async () => {
    const other = await createKey(harness.store, 'other', 1, harness.clock.ms);
    const { body } = await get(url('/product', { key: other, domain: 1, asin: ASIN }));
    expect(body).toMatchObject({ tokensLeft: 59, refillRate: 1, tokensConsumed: 1 });
    expect((await token()).body.tokensLeft).toBe(RATE - 3);
  });
});
