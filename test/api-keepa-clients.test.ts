// What Keepa's clients (the Java client, the Python `keepa` package and its async variant)
// read without asking: a gzip body on every answer, errors and 404s included; a JSON
// Content-Type; the trailing-slash URL and parameters in any order and spelling; `offers`
// and `buyBoxUsedHistory` present with offers=N.
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { readSavedResponse } from './golden/saved-response.js';
import { importKeepaProduct } from '../src/store/index.js';
import { apiHarness, createKey, url, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture, SHARED_FIXTURES } from './helpers/fixtures.js';

const ASIN = 'B0D8W1YVBX'; // stored without offers (its response had none)
const BOOK = readSavedResponse(`${SHARED_FIXTURES}keepa/more`, '184297291X_us.json')!.product; // 12 offers, buyBoxUsedHistory

describe.each(testEngines())("answers Keepa's clients read on $name", (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;
  let key: string;

  beforeAll(async () => {
    harness = await apiHarness(engine);
    await importKeepaProduct(harness.store, splitKeepaProduct(keepaFixture(KEEPA_FULL).products[0]));
    await importKeepaProduct(harness.store, splitKeepaProduct(BOOK));
    app = await harness.server();
    key = await createKey(harness.store, 'clients', 60, harness.clock.ms);
  });
  afterAll(async () => harness?.close());

  const gzipGet = (path: string) => app.inject({ method: 'GET', url: path, headers: { 'accept-encoding': 'gzip' } });
  const body = (response: { rawPayload: Buffer }) => JSON.parse(gunzipSync(response.rawPayload).toString('utf8'));

  it('gzips a 200, a 400 and a 404 alike, each as application/json', async () => {
    const answers = await Promise.all([
      gzipGet(url('/product', { key, domain: 1, asin: ASIN })),
      gzipGet(url('/product', { key, domain: 1, asin: 'not-an-asin' })),
      gzipGet(url('/no-such-endpoint', { key })),
      gzipGet('/product/?domain=1'), // no key at all
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 400, 404, 400]);
    for (const answer of answers) {
      expect(answer.headers['content-encoding']).toBe('gzip');
      expect(String(answer.headers['content-type'])).toMatch(/^application\/json(;|$)/);
      expect(typeof body(answer).timestamp).toBe('number');
    }
    expect(body(answers[0]).products[0].asin).toBe(ASIN);
    expect(body(answers[2]).error).toBeTruthy();
  });

  it('reads /product/?… with the parameters in any order and spelling', async () => {
    const query = `Stats=180&buyBox=1&asin=${ASIN}&ONLY_LIVE_OFFERS=0&history=0&domain=1&key=${key}`;
    const answer = await gzipGet(`/product/?${query}`);
    expect(answer.statusCode).toBe(200);
    const product = body(answer).products[0];
    expect(product.stats.buyBoxPrice).not.toBe(-2); // buyBox=1 was read as buybox=1
    expect(product.stats.avg).toHaveLength(product.stats.avg180.length); // Stats=180 as stats=180
    expect(product.csv).toBeNull(); // history=0
    expect(body(answer).tokensConsumed).toBe(3);
  });

  it('takes two spellings of one parameter as the parameter given twice', async () => {
    const answer = await gzipGet(`/product?key=${key}&domain=1&asin=${ASIN}&buybox=1&buyBox=0`);
    expect(answer.statusCode).toBe(400);
    expect(body(answer).error.message).toMatch(/buybox.*more than once/);
    expect((await gzipGet(`/product?key=${key}&domain=1&asin=${ASIN}&buyBoxes=1`)).statusCode).toBe(400);
  });

  it('sends offers and buyBoxUsedHistory with offers=N: [] when none is stored', async () => {
    const none = body(await gzipGet(url('/product', { key, domain: 1, asin: ASIN, offers: 20 }))).products[0];
    expect(none.offers).toEqual([]);
    expect(none.buyBoxUsedHistory).toEqual([]);
    const book = body(await gzipGet(url('/product', { key, domain: 1, asin: BOOK.asin, offers: 20 }))).products[0];
    expect(book.offers).toHaveLength(BOOK.offers.length);
    expect(book.buyBoxUsedHistory).toEqual(BOOK.buyBoxUsedHistory);
    const without = body(await gzipGet(url('/product', { key, domain: 1, asin: ASIN }))).products[0];
    expect('offers' in without).toBe(false);
  });
});
