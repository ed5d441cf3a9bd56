import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { revokeApiKey } from '../src/store/api-keys.js';
import { importKeepaProduct, type Store } from '../src/store/index.js';
import { apiHarness, createKey, url, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';

const ASIN = 'B0D8W1YVBX';
const ENVELOPE_FIELDS = ['timestamp', 'tokensLeft', 'refillIn', 'refillRate', 'tokenFlowReduction', 'tokensConsumed', 'processingTimeInMs'];
const asins = (n: number) => Array.from({ length: n }, (_, i) => `B0${String(i).padStart(8, '0')}`).join(',');

/** A store whose reads of product histories fail, to provoke a 500 after the charge. */
function failingReads(store: Store): Store {
  const pool = new Proxy(store.pool, {
    get(target, property) {
      if (property === 'query') {
        return (config: unknown, ...rest: unknown[]) =>
          String((config as { text?: string })?.text ?? config).includes('JOIN LATERAL')
            ? Promise.reject(new Error('disk on fire'))
            : (target.query as (...args: unknown[]) => unknown)(config, ...rest);
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...store, pool, close: () => store.close() };
}

describe.each(testEngines())('documented API errors on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;
  let key: string;
  const CAPACITY = 600; // refill 10/min

  beforeAll(async () => {
    harness = await apiHarness(engine);
    await importKeepaProduct(harness.store, splitKeepaProduct(keepaFixture(KEEPA_FULL).products[0]));
    app = await harness.server();
    key = await createKey(harness.store, 'errors', 10, harness.clock.ms);
  });
  afterAll(async () => harness?.close());

  async function get(path: string, headers: Record<string, string> = {}) {
    const response = await app.inject({ method: 'GET', url: path, headers });
    return { status: response.statusCode, body: response.json(), headers: response.headers };
  }

  function expectZeroedEnvelope(body: Record<string, unknown>) {
    for (const field of ENVELOPE_FIELDS) expect(body, field).toHaveProperty(field);
    expect([body.tokensLeft, body.refillIn, body.refillRate, body.tokensConsumed]).toEqual([0, 0, 0, 0]);
    expect(body.timestamp).toBe(harness.clock.ms);
  }

  /** An error with the key's untouched bucket in its envelope. */
  async function expectError(path: string, status: number, type: string, message?: RegExp) {
    const { status: got, body } = await get(path);
    expect(got, path).toBe(status);
    expect(body.error.type, path).toBe(type);
    if (message) expect(body.error.message, path).toMatch(message);
    expect(Object.keys(body.error).sort()).toEqual(['details', 'message', 'type']);
    for (const field of ENVELOPE_FIELDS) expect(body, field).toHaveProperty(field);
    expect(body.tokensConsumed, path).toBe(0);
    expect(body.tokensLeft, `${path} must not be charged`).toBe(CAPACITY);
    expect(body.refillRate).toBe(10);
    expect(body).not.toHaveProperty('products');
    return body;
  }

  describe('a bad key is 400 invalidKey with zeroed token fields', () => {
    it.each([
      ['missing', url('/product', { domain: 1, asin: ASIN })],
      ['too short', url('/product', { key: 'abc', domain: 1, asin: ASIN })],
      ['not alphanumeric', url('/product', { key: '-'.repeat(64), domain: 1, asin: ASIN })],
      ['well formed but unknown', url('/product', { key: 'a'.repeat(64), domain: 1, asin: ASIN })],
      ['unknown, with bad parameters too', url('/product', { key: 'a'.repeat(64), domain: 'x', asin: 'nope' })],
      ['on /token', url('/token', { key: 'a'.repeat(64) })],
    ])('%s', async (_, path) => {
      const { status, body } = await get(path);
      expect(status).toBe(400);
      expect(body.error).toEqual({ type: 'invalidKey', message: 'Invalid API key.', details: expect.any(String) });
      expectZeroedEnvelope(body);
    });

    it('a revoked key', async () => {
      const revoked = await createKey(harness.store, 'revoked', 10, harness.clock.ms);
      expect((await get(url('/token', { key: revoked }))).status).toBe(200);
      await revokeApiKey(harness.store.db, 'revoked');
      const { status, body } = await get(url('/product', { key: revoked, domain: 1, asin: ASIN }));
      expect(status).toBe(400);
      expect(body.error.type).toBe('invalidKey');
      expectZeroedEnvelope(body);
    });
  });

  it('400 missingParameter for a missing domain, asin/code, or an empty asin list', async () => {
    await expectError(url('/product', { key, asin: ASIN }), 400, 'missingParameter', /"domain"/);
    await expectError(url('/product', { key, domain: 1 }), 400, 'missingParameter', /"asin" or "code"/);
    await expectError(url('/product', { key, domain: 1, asin: ' , ,' }), 400, 'missingParameter');
  });

  it('400 invalidParameter for a malformed domain, ASIN, code or flag', async () => {
    await expectError(url('/product', { key, domain: 'com', asin: ASIN }), 400, 'invalidParameter', /domain/);
    await expectError(url('/product', { key, domain: 1, asin: 'B0D8W1YVB' }), 400, 'invalidParameter', /Invalid ASIN: B0D8W1YVB/);
    await expectError(url('/product', { key, domain: 1, asin: `${ASIN},B0D8W1YV-X` }), 400, 'invalidParameter', /B0D8W1YV-X/);
    await expectError(url('/product', { key, domain: 1, code: '88098754x6477' }), 400, 'invalidParameter', /code/);
    await expectError(url('/product', { key, domain: 1, asin: ASIN, code: '8809875456477' }), 400, 'invalidParameter', /either/);
    await expectError(url('/product', { key, domain: 1, asin: ASIN, history: 2 }), 400, 'invalidParameter', /"history" must be 0 or 1/);
    await expectError(url('/product', { key, domain: 1, asin: ASIN, offers: 'lots' }), 400, 'invalidParameter', /integer/);
    await expectError(`/product?key=${key}&domain=1&asin=${ASIN}&asin=${ASIN}`, 400, 'invalidParameter', /more than once/);
  });

  it.each(['abc', '180days', '-5', '2025-13-01,2025-12-31', '2025-02-30,2025-03-01', '2025-03-01,2025-02-01', '1,2,3', '2025-01-01,'])(
    '400 invalidParameter for garbage stats=%s',
    async (stats) => {
      await expectError(url('/product', { key, domain: 1, asin: ASIN, stats }), 400, 'invalidParameter', /stats/);
    },
  );

  it('400 unknownParameter for a parameter Keepa does not have', async () => {
    await expectError(url('/product', { key, domain: 1, asin: ASIN, stat: 180 }), 400, 'unknownParameter', /"stat"/);
    await expectError(url('/token', { key, domain: 1 }), 400, 'unknownParameter', /"domain"/);
  });

  it('405 parameterOutOfRange for values outside Keepa’s ranges', async () => {
    await expectError(url('/product', { key, domain: 99, asin: ASIN }), 405, 'parameterOutOfRange', /domain 99/);
    await expectError(url('/product', { key, domain: 7, asin: ASIN }), 405, 'parameterOutOfRange', /domain 7/);
    await expectError(url('/product', { key, domain: 1, asin: asins(101) }), 405, 'parameterOutOfRange', /At most 100 asins.*got 101/);
    await expectError(url('/product', { key, domain: 1, code: Array.from({ length: 101 }, (_, i) => String(10_000_000 + i)).join(',') }), 405, 'parameterOutOfRange', /100 codes/);
    await expectError(url('/product', { key, domain: 1, asin: ASIN, offers: 10 }), 405, 'parameterOutOfRange', /offers/);
    await expectError(url('/product', { key, domain: 1, asin: ASIN, offers: 101 }), 405, 'parameterOutOfRange', /offers/);
    await expectError(url('/product', { key, domain: 1, asin: asins(21), offers: 20 }), 405, 'parameterOutOfRange', /20 ASINs/);
    await expectError(url('/product', { key, domain: 1, asin: ASIN, days: 0 }), 405, 'parameterOutOfRange', /days/);
    await expectError(url('/product', { key, domain: 1, asin: ASIN, update: -2 }), 405, 'parameterOutOfRange', /update/);
  });

  it('404 notFound with the envelope for an unknown route, answered without a key lookup', async () => {
    const withKey = (await get(url('/products', { key, domain: 1 }))).body;
    expect(withKey.error.type).toBe('notFound');
    expect(withKey.error.message).toMatch(/GET \/products/);
    // An unknown route is answered before (and without) looking at the key: no database
    // round trip for a 404, whatever the key.
    expectZeroedEnvelope(withKey);
    const { status, body } = await get('/nothing/here');
    expect(status).toBe(404);
    expect(body.error.type).toBe('notFound');
    expectZeroedEnvelope(body);
  });

  it('404 for methods other than GET: Keepa’s API is GET only, and HEAD must not charge', async () => {
    for (const method of ['HEAD', 'POST'] as const) {
      const response = await app.inject({ method, url: url('/product', { key, domain: 1, asin: ASIN }) });
      expect(response.statusCode, method).toBe(404);
    }
    expect((await get(url('/token', { key }))).body.tokensLeft).toBe(CAPACITY);
  });

  it('500 internalError refunds what the request was charged', async () => {
    const broken = await harness.server({ store: failingReads(harness.store) });
    const response = await broken.inject({ method: 'GET', url: url('/product', { key, domain: 1, asin: ASIN, buybox: 1 }) });
    expect(response.statusCode).toBe(500);
    const body = response.json();
    expect(body.error).toEqual({ type: 'internalError', message: 'Internal server error.', details: null });
    expect(body.tokensConsumed).toBe(0);
    expect(body.tokensLeft).toBe(CAPACITY);
    expect((await get(url('/token', { key }))).body.tokensLeft).toBe(CAPACITY);
  });

  it('gzips error answers too when the client accepts gzip (Keepa’s Java client always gunzips)', async () => {
    const response = await app.inject({
      method: 'GET',
      url: url('/product', { key, domain: 1, asin: 'bad' }),
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(response.rawPayload).toString('utf8'));
    expect(body.error.type).toBe('invalidParameter');
    expect(body.tokensLeft).toBe(CAPACITY);
  });

  it('keeps serving after all of the above, having charged none of it', async () => {
    const { status, body } = await get(url('/product', { key, domain: 1, asin: ASIN }));
    expect(status).toBe(200);
    expect(body.products[0].asin).toBe(ASIN);
    expect(body.tokensConsumed).toBe(1);
    expect(body.tokensLeft).toBe(CAPACITY - 1);
  });
});
