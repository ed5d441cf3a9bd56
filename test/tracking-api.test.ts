import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testEngines } from './helpers/engines.js';
import { apiHarness, createKey, type ApiHarness } from './helpers/api-server.js';

describe.each(testEngines())('tracking API on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;
  let key: string;
  beforeAll(async () => {
    harness = await apiHarness(engine);
    app = await harness.server();
    key = await createKey(harness.store, 'tracker', 20, harness.clock.now());
  });
  afterAll(async () => harness?.close());

  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() };
  };

  it('adds, gets, lists and removes trackings, charging a token per added ASIN', async () => {
    const before = (await get(`/token?key=${key}`)).body.tokensLeft;
    const added = await get(`/tracking/add?key=${key}&domain=de&asin=B07TXRHFYS,b08wc37lyb&interval=6h`);
    expect(added.status).toBe(200);
    expect(added.body.tokensConsumed).toBe(2);
    expect(added.body.tokensLeft).toBe(before - 2);
    expect(added.body.trackings).toHaveLength(2);
    expect(added.body.trackings[0]).toMatchObject({ asin: 'B07TXRHFYS', mainDomainId: 3, updateInterval: 6, isActive: true, lastScrape: null });

    const got = await get(`/tracking/get?key=${key}&domain=3&asin=B08WC37LYB`);
    expect(got.body.trackings.map((t: { asin: string }) => t.asin)).toEqual(['B08WC37LYB']);
    expect(got.body.tokensConsumed).toBe(0);

    expect((await get(`/tracking/list?key=${key}&asins-only=1`)).body.asinList).toEqual(['B07TXRHFYS', 'B08WC37LYB']);
    const removed = await get(`/tracking/remove?key=${key}&domain=de&asin=B07TXRHFYS`);
    expect(removed.body.removed).toEqual(['B07TXRHFYS']);
    expect((await get(`/tracking/list?key=${key}`)).body.trackings.map((t: { asin: string }) => t.asin)).toEqual(['B08WC37LYB']);
  });

  it('answers bad input with Keepa errors in the envelope, and charges nothing', async () => {
    const before = (await get(`/token?key=${key}`)).body.tokensLeft;
    const badKey = await get('/tracking/list?key=nope');
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.type).toBe('invalidKey');
    const badAsin = await get(`/tracking/add?key=${key}&asin=NOT-AN-ASIN`);
    expect([badAsin.status, badAsin.body.error.type]).toEqual([400, 'invalidParameter']);
    const badDomain = await get(`/tracking/add?key=${key}&domain=7&asin=B07TXRHFYS`);
    expect([badDomain.status, badDomain.body.error.type]).toEqual([405, 'parameterOutOfRange']);
    const badInterval = await get(`/tracking/add?key=${key}&asin=B07TXRHFYS&interval=sometimes`);
    expect(badInterval.status).toBe(400);
    expect(badInterval.body).toHaveProperty('tokensLeft');
    expect((await get(`/token?key=${key}`)).body.tokensLeft).toBe(before);
  });

  it('reports queue depth, success rate and errors by code on /status', async () => {
    const status = await get('/status');
    expect(status.status).toBe(200);
    expect(status.body.queue).toMatchObject({ tracked: 1, active: 1, due: 1 });
    expect(status.body.lastDay).toMatchObject({ scrapes: 0, successRate: null });
    expect(status.body.errorsByCode).toEqual({});
  });
});
