// Keepa's token-flow reduction (keepa-api-more.md §1.9): trackings take a cut of the key's
// refill rate, refreshed every 5 minutes, and a key whose trackings take all of it cannot
// run token-consuming requests.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costPerUpdate, effectiveRefillRate } from '../src/alerts/token-flow.js';
import { apiHarness, createKey, url, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';

const MINUTE = 60_000;
const asins = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(10 - prefix.length, '0')}`);
const tracking = (asin: string, csvType: number, updateInterval: number, domains: number[] = [1]) => ({
  asin, ttl: 0, expireNotify: false, desiredPricesInMainCurrency: true, mainDomainId: domains[0],
  thresholdValues: domains.map((domain) => ({ thresholdValue: 1000, domain, csvType, isDrop: true })),
  notifyIf: [], notificationType: [true, false, false, false, false, false, false, false],
  individualNotificationInterval: -1, updateInterval,
});

describe('cost of one tracking update', () => {
  it('is 0.9 per locale for a regular tracking and 9 per locale once a rule watches offer data', () => {
    const rule = (csvType: number, domain = 1) => ({ domain, csvType, thresholdValue: 1, isDrop: true, minDeltaAbsolute: null, minDeltaPercentage: null, deltasAreBetweenNotifications: false, thresholdValueCSV: [] });
    expect(costPerUpdate({ mainDomainId: 1, thresholdValues: [rule(0)], notifyIf: [] })).toBe(0.9);
    expect(costPerUpdate({ mainDomainId: 1, thresholdValues: [rule(0), rule(1, 3)], notifyIf: [] })).toBeCloseTo(1.8);
    // BUY_BOX_SHIPPING (18) and RATING (16) are offer data; SALES (3) is not
    expect(costPerUpdate({ mainDomainId: 1, thresholdValues: [rule(18)], notifyIf: [] })).toBe(9);
    expect(costPerUpdate({ mainDomainId: 1, thresholdValues: [rule(3)], notifyIf: [{ domain: 1, csvType: 16, notifyIfType: 0 }] })).toBe(9);
    expect(costPerUpdate({ mainDomainId: 1, thresholdValues: [rule(3)], notifyIf: [] })).toBe(0.9);
  });

  it('reduces the refill rate by the rounded flow, never below zero', () => {
    expect(effectiveRefillRate(20, 1.5)).toBe(18);
    expect(effectiveRefillRate(20, 8.75)).toBe(11);
    expect(effectiveRefillRate(1, 3)).toBe(0);
  });
});

describe.each(testEngines())('token-flow reduction over HTTP on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;

  beforeAll(async () => {
    harness = await apiHarness(engine);
    app = await harness.server();
  });
  afterAll(async () => harness?.close());

  async function call(method: 'GET' | 'POST', path: string, payload?: unknown) {
    const response = await app.inject({ method, url: path, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, body: response.json(), headers: response.headers };
  }

  it('reports Σ cost / (updateInterval × 60) after the 5-minute refresh and refills at the reduced rate', async () => {
    const RATE = 20;
    const key = await createKey(harness.store, 'flow', RATE, harness.clock.ms);
    // 100 regular trackings hourly on one locale: 100 × 0.9 / 60 = 1.5 a minute;
    // 10 buy-box (marketplace) trackings every 12 h: 10 × 9 / 720 = 0.125.
    const regular = asins('B0R', 100).map((a) => tracking(a, 0, 1));
    const market = asins('B0M', 10).map((a) => tracking(a, 18, 12));
    const added = await call('POST', url('/tracking', { key, type: 'add' }), [...regular, ...market]);
    expect(added.status).toBe(200);
    expect(added.body.tokensConsumed).toBe(110);
    // Keepa refreshes the figure every 5 minutes, not on add
    expect(added.body.tokenFlowReduction).toBe(0);
    harness.clock.advance(4 * MINUTE);
    expect((await call('GET', url('/token', { key }))).body.tokenFlowReduction).toBe(0);
    harness.clock.advance(MINUTE);
    const refreshed = (await call('GET', url('/token', { key }))).body;
    expect(refreshed.tokenFlowReduction).toBeCloseTo(1.625, 10);
    expect(refreshed.refillRate).toBe(RATE);
    // the bucket holds 60 minutes of the reduced rate (20 − round(1.625) = 18) …
    expect(refreshed.tokensLeft).toBe(18 * 60);
    // … and gains 18 a minute
    const spent = (await call('GET', url('/product', { key, domain: 1, asin: asins('B0X', 100).join(',') }))).body;
    expect(spent.tokensLeft).toBe(18 * 60 - 100);
    harness.clock.advance(spent.refillIn);
    expect((await call('GET', url('/token', { key }))).body.tokensLeft).toBe(18 * 60 - 100 + 18);

    // removing the trackings gives the rate back at the next refresh
    expect((await call('GET', url('/tracking', { key, type: 'removeAll' }))).status).toBe(200);
    expect((await call('GET', url('/token', { key }))).body.tokenFlowReduction).toBeCloseTo(1.625, 10);
    harness.clock.advance(5 * MINUTE);
    expect((await call('GET', url('/token', { key }))).body.tokenFlowReduction).toBe(0);
  });

  it('refuses token-consuming requests once the trackings take the whole refill rate', async () => {
    const key = await createKey(harness.store, 'starved', 1, harness.clock.ms);
    // 40 hourly trackings: 40 × 0.9 / 60 = 0.6 → the whole rate of 1 a minute
    expect((await call('POST', url('/tracking', { key, type: 'add' }), asins('B0S', 40).map((a) => tracking(a, 0, 1)))).status).toBe(200);
    harness.clock.advance(5 * MINUTE);
    const refused = await call('GET', url('/product', { key, domain: 1, asin: 'B0S0000001' }));
    expect(refused.status).toBe(429);
    expect(refused.body.tokenFlowReduction).toBeCloseTo(0.6, 10);
    expect(refused.body.error.details).toMatch(/trackings take its whole refill rate/);
    // waiting a minute would not help: the client is told to come back after the next refresh
    expect(refused.headers['retry-after']).toBe('300');
    // /token stays free and answers
    expect((await call('GET', url('/token', { key }))).status).toBe(200);
  });
});
