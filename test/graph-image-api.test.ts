// GET /graphimage over HTTP: a valid PNG as Keepa's Python client saves it, one token per
// image drawn, the cache (same user, same parameters, unchanged product) free, and every
// bad parameter a Keepa error that costs nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { importKeepaProduct } from '../src/store/index.js';
import { apiHarness, createKey, url, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';
import { decodePng } from './helpers/png-diff.js';

const ASIN = '1496849574';
const PNG_SIGNATURE = Buffer.from('\x89PNG\r\n\x1a\n', 'latin1');
const raw = () => JSON.parse(readFileSync(`${SHARED_FIXTURES}keepa/more/${ASIN}_us.json`, 'utf8'));
// What the Python client's own test asks for (keepa-api-more.md §5).
const PYTHON_TEST = { amazon: 1, new: 1, used: 1, bb: 1, fba: 1, range: 365, width: 800, height: 400, cAmazon: 'FFA500', cNew: '8888dd', cUsed: '444444', cBB: 'ff00b4', cFBA: 'ff5722' };

describe.each(testEngines())('GET /graphimage on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;
  let base: string;
  let key: string;
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-graph-'));

  beforeAll(async () => {
    harness = await apiHarness(engine);
    await importKeepaProduct(harness.store, splitKeepaProduct(raw()));
    app = await harness.server();
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    key = await createKey(harness.store, 'graphs', 5, harness.clock.ms);
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await harness?.close();
  });

  const tokensLeft = async () => (await (await fetch(`${base}${url('/token', { key })}`)).json()).tokensLeft as number;

  it('answers a PNG that the Python client\'s download_graph_image would save', async () => {
    const before = await tokensLeft();
    // download_graph_image: GET with key, asin, domain id and its keyword arguments, streamed,
    // the first chunk checked for the PNG signature, then written to the file.
    const response = await fetch(`${base}${url('/graphimage', { key, asin: ASIN, domain: 1, ...PYTHON_TEST })}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const file = join(scratch, 'graph.png');
    writeFileSync(file, body);
    const png = decodePng(readFileSync(file));
    expect([png.width, png.height]).toEqual([800, 400]);
    expect(await tokensLeft()).toBe(before - 1);
  });

  it('serves the same image again from the cache for no token, until the product changes', async () => {
    const get = (extra: Record<string, string | number> = {}) =>
      app.inject({ method: 'GET', url: url('/graphimage', { key, asin: ASIN, domain: 1, ...PYTHON_TEST, ...extra }) });
    const first = await get();
    const before = await tokensLeft();
    const again = await get();
    expect(again.headers['x-keepa-tokens-consumed']).toBe('0');
    expect(again.rawPayload).toEqual(first.rawPayload);
    expect(await tokensLeft()).toBe(before);
    // Other parameters: another image, one token.
    expect((await get({ range: 90 })).headers['x-keepa-tokens-consumed']).toBe('1');
    expect(await tokensLeft()).toBe(before - 1);
    // A new point in the product: drawn again.
    const later = raw();
    later.csv[1].push(later.csv[1].at(-2) + 30, 1999);
    await importKeepaProduct(harness.store, splitKeepaProduct(later));
    const redrawn = await get();
    expect(redrawn.headers['x-keepa-tokens-consumed']).toBe('1');
    expect(redrawn.rawPayload).not.toEqual(first.rawPayload);
    // After Keepa's 90 minutes the same request is drawn (and charged) again.
    harness.clock.advance(91 * 60_000);
    expect((await get()).headers['x-keepa-tokens-consumed']).toBe('1');
  });

  it('answers a bad parameter with a Keepa error and charges nothing', async () => {
    const before = await tokensLeft();
    const cases: Array<[Record<string, string | number>, number, string]> = [
      [{ width: 200 }, 405, 'parameterOutOfRange'],
      [{ height: 1001 }, 405, 'parameterOutOfRange'],
      [{ range: 'week' }, 400, 'invalidParameter'],
      [{ cNew: 'blue' }, 400, 'invalidParameter'],
      [{ amazon: 2 }, 400, 'invalidParameter'],
      [{ colour: 'red' }, 400, 'unknownParameter'],
      [{ domain: 99 }, 400, 'invalidParameter'],
      [{ asin: 'nope' }, 400, 'invalidParameter'],
      [{ asin: 'B000000000' }, 404, 'notFound'],
    ];
    for (const [extra, status, type] of cases) {
      const response = await app.inject({ method: 'GET', url: url('/graphimage', { key, asin: ASIN, domain: 1, ...extra }) });
      expect(response.statusCode, JSON.stringify(extra)).toBe(status);
      expect(response.json().error.type, JSON.stringify(extra)).toBe(type);
      expect(response.json().tokensConsumed).toBe(0);
    }
    const noKey = await app.inject({ method: 'GET', url: url('/graphimage', { key: 'x'.repeat(64), asin: ASIN, domain: 1 }) });
    expect(noKey.json().error.type).toBe('invalidKey');
    const missing = await app.inject({ method: 'GET', url: url('/graphimage', { key, domain: 1 }) });
    expect(missing.json().error.type).toBe('missingParameter');
    expect(await tokensLeft()).toBe(before);
  });
});
