// Parallel requests on one key never double-spend: with a balance B and a cost c per
// request, exactly ceil(B / c) requests run (each while the balance was still positive),
// the rest get 429 uncharged, and the bucket ends at B - ceil(B / c)·c. On a server
// database the same holds for two API servers with separate connection pools, as two
// processes would have.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/index.js';
import { apiHarness, createKey, url, type ApiHarness } from './helpers/api-server.js';
import { serverTestUrl, testEngines } from './helpers/engines.js';

const RATE = 1; // capacity 60
const CAPACITY = 60;
// two ASINs with buybox and rating: 2 × (1 + 2 + 1)
const PARAMS = { domain: 1, asin: 'B0CONCUR01,B0CONCUR02', buybox: 1, rating: 1 };
const COST = 8;
const REQUESTS = 40;

interface Outcome {
  readonly status: number;
  readonly tokensConsumed: number;
  readonly tokensLeft: number;
}

function expectNoDoubleSpending(outcomes: Outcome[], finalTokens: number) {
  const admitted = outcomes.filter((o) => o.status === 200);
  const refused = outcomes.filter((o) => o.status === 429);
  const expectedAdmitted = Math.ceil(CAPACITY / COST);
  expect(admitted).toHaveLength(expectedAdmitted);
  expect(refused).toHaveLength(REQUESTS - expectedAdmitted);
  expect(admitted.every((o) => o.tokensConsumed === COST)).toBe(true);
  expect(refused.every((o) => o.tokensConsumed === 0)).toBe(true);
  // each admitted request saw a distinct balance: CAPACITY - k·COST for k = 1…n
  const balances = admitted.map((o) => o.tokensLeft).sort((a, b) => b - a);
  expect(balances).toEqual(Array.from({ length: expectedAdmitted }, (_, k) => CAPACITY - (k + 1) * COST));
  expect(finalTokens).toBe(CAPACITY - expectedAdmitted * COST);
}

describe.each(testEngines())('token bucket under concurrency on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;

  beforeAll(async () => {
    harness = await apiHarness(engine);
    app = await harness.server();
  });
  afterAll(async () => harness?.close());

  it(`${REQUESTS} parallel requests on one server charge exactly what ran`, async () => {
    const key = await createKey(harness.store, 'parallel', RATE, harness.clock.ms);
    const outcomes = await Promise.all(
      Array.from({ length: REQUESTS }, async () => {
        const response = await app.inject({ method: 'GET', url: url('/product', { key, ...PARAMS }) });
        return { ...response.json(), status: response.statusCode } as Outcome;
      }),
    );
    const final = (await app.inject({ method: 'GET', url: url('/token', { key }) })).json().tokensLeft;
    expectNoDoubleSpending(outcomes, final);
  });
});

describe.runIf(serverTestUrl())('two API servers on one server database', () => {
  const engine = testEngines().find((e) => e.name === 'server')!;
  let harness: ApiHarness;
  let secondStore: Store;
  const bases: string[] = [];

  beforeAll(async () => {
    harness = await apiHarness(engine);
    // a second pool of its own, as a second process would open
    secondStore = await harness.database.open();
    for (const store of [harness.store, secondStore]) {
      const app = await harness.server({ store });
      bases.push(await app.listen({ port: 0, host: '127.0.0.1' }));
    }
  });
  afterAll(async () => {
    await harness?.close();
    await secondStore?.close();
  });

  it(`share one bucket per key: ${REQUESTS} parallel HTTP requests split across them never double-spend`, async () => {
    const key = await createKey(harness.store, 'two-servers', RATE, harness.clock.ms);
    const outcomes = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const response = await fetch(`${bases[i % 2]}${url('/product', { key, ...PARAMS })}`, { signal: AbortSignal.timeout(20_000) });
        return { ...(await response.json()), status: response.status } as Outcome;
      }),
    );
    const final = (await (await fetch(`${bases[1]}${url('/token', { key })}`)).json()).tokensLeft;
    expectNoDoubleSpending(outcomes, final);
  });
});
