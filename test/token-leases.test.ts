// Token leases (src/api/keepa/token-leases.ts): a busy key is charged from tokens this
// process took out of its bucket beforehand. Keepa's rules must hold as if every request
// had been charged in the database: exactly the balance's worth of cost-1 requests run,
// each sees its own balance, the rest get 429 uncharged; the bucket is never overdrawn,
// also with two servers leasing from one bucket; a lease never outlives a refill tick or
// the key's revocation.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenLeasesOf } from '../src/api/keepa/token-leases.js';
import { hashApiKey } from '../src/auth/api-key.js';
import { revokeApiKey } from '../src/store/api-keys.js';
import type { Store } from '../src/store/index.js';
import { apiHarness, createKey, url, type ApiHarness } from './helpers/api-server.js';
import { serverTestUrl, testEngines } from './helpers/engines.js';

const RATE = 5; // capacity 300
const CAPACITY = 300;
const PARAMS = { domain: 1, asin: 'B0LEASE001' }; // cost 1 (unknown ASINs are charged too)

interface Outcome {
  readonly status: number;
  readonly tokensConsumed: number;
  readonly tokensLeft: number;
}

async function bucketRow(store: Store, key: string): Promise<number> {
  const { rows } = await store.pool.query<{ tokens: number }>(
    'SELECT b.tokens FROM token_buckets b JOIN api_keys k ON k.id = b.key_id WHERE k.key_hash = $1',
    [hashApiKey(key)],
  );
  return Number(rows[0]!.tokens);
}

async function feedLive(store: Store): Promise<void> {
  if (store.changes.isLive) return;
  await new Promise<void>((resolve) => {
    const off = store.changes.subscribe({ changed: () => {}, live: () => { queueMicrotask(() => off()); resolve(); }, lost: () => {} });
  });
}

describe.each(testEngines())('token leases on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;

  beforeAll(async () => {
    harness = await apiHarness(engine);
    app = await harness.server();
    await feedLive(harness.store);
  });
  afterAll(async () => harness?.close());

  const product = async (key: string): Promise<Outcome> => {
    const response = await app.inject({ method: 'GET', url: url('/product', { key, ...PARAMS }) });
    return { ...response.json(), status: response.statusCode };
  };

  it('runs exactly the balance\u2019s worth of requests, each seeing its own balance, the rest 429 uncharged', async () => {
    const key = await createKey(harness.store, 'drain', RATE, harness.clock.ms);
    const leases = tokenLeasesOf(app.pricekeep);
    const local = leases.localCharges;
    const outcomes = await Promise.all(Array.from({ length: CAPACITY + 60 }, () => product(key)));
    const admitted = outcomes.filter((o) => o.status === 200);
    const refused = outcomes.filter((o) => o.status === 429);
    expect(admitted).toHaveLength(CAPACITY);
    expect(refused).toHaveLength(60);
    expect(refused.every((o) => o.tokensConsumed === 0 && o.tokensLeft === 0)).toBe(true);
    expect(admitted.map((o) => o.tokensLeft).sort((a, b) => b - a)).toEqual(Array.from({ length: CAPACITY }, (_, k) => CAPACITY - 1 - k));
    expect(leases.localCharges - local).toBeGreaterThan(CAPACITY / 2); // most never reached the database
    expect(await bucketRow(harness.store, key)).toBe(0); // nothing overdrawn, nothing left out on a lease
  });

  it('keeps leased tokens out of the bucket until they are spent or given back, and the envelope counts them', async () => {
    const key = await createKey(harness.store, 'held', RATE, harness.clock.ms);
    const leases = tokenLeasesOf(app.pricekeep);
    const first = await product(key);
    expect(first.tokensLeft).toBe(CAPACITY - 1);
    const held = leases.outstanding(hashApiKey(key));
    expect(held).toBeGreaterThan(0);
    expect(await bucketRow(harness.store, key)).toBe(CAPACITY - 1 - held);
    const second = await product(key);
    expect(second.tokensLeft).toBe(CAPACITY - 2);
    expect(leases.outstanding(hashApiKey(key))).toBe(held - 1);

    harness.clock.advance(1_000); // the lease's lifetime
    await leases.giveBackExpired();
    expect(leases.outstanding(hashApiKey(key))).toBe(0);
    expect(await bucketRow(harness.store, key)).toBe(CAPACITY - 2);
  });

  it('never carries a lease past a refill tick: the next envelope shows the refill', async () => {
    const key = await createKey(harness.store, 'tick', RATE, harness.clock.ms);
    for (let i = 0; i < 10; i++) await product(key);
    harness.clock.advance(60_000);
    const after = await product(key);
    expect(after.tokensLeft).toBe(CAPACITY - 11 + RATE);
    expect(after.status).toBe(200);
  });

  it('refuses a revoked key at once although this process holds its tokens', async () => {
    const key = await createKey(harness.store, 'revoked', RATE, harness.clock.ms);
    await product(key);
    expect(tokenLeasesOf(app.pricekeep).outstanding(hashApiKey(key))).toBeGreaterThan(0);
    expect(await revokeApiKey(harness.store.db, 'revoked')).not.toBeNull();
    const response = await app.inject({ method: 'GET', url: url('/product', { key, ...PARAMS }) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.type).toBe('invalidKey');
  });
});

describe.runIf(serverTestUrl())('token leases of two API servers on one bucket', () => {
  const engine = testEngines().find((e) => e.name === 'server')!;
  let harness: ApiHarness;
  let secondStore: Store;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    harness = await apiHarness(engine);
    secondStore = await harness.database.open();
    for (const store of [harness.store, secondStore]) {
      apps.push(await harness.server({ store }));
      await feedLive(store);
    }
  });
  afterAll(async () => {
    await harness?.close();
    await secondStore?.close();
  });

  it('never overdraws: what ran plus what is left is the balance, and no request ran at zero', async () => {
    const key = await createKey(harness.store, 'shared', RATE, harness.clock.ms);
    const outcomes = await Promise.all(
      Array.from({ length: CAPACITY + 60 }, async (_, i) => {
        const response = await apps[i % 2]!.inject({ method: 'GET', url: url('/product', { key, ...PARAMS }) });
        return { ...response.json(), status: response.statusCode } as Outcome;
      }),
    );
    const admitted = outcomes.filter((o) => o.status === 200);
    expect(admitted.every((o) => o.tokensConsumed === 1 && o.tokensLeft >= 0)).toBe(true);
    expect(outcomes.every((o) => o.status === 200 || o.status === 429)).toBe(true);
    expect(admitted.length).toBeLessThanOrEqual(CAPACITY);
    // every lease spent or given back: the bucket holds exactly what did not run
    harness.clock.advance(1_000);
    for (const app of apps) await tokenLeasesOf(app.pricekeep).giveBackExpired();
    expect(await bucketRow(harness.store, key)).toBe(CAPACITY - admitted.length);
    expect(admitted.length).toBeGreaterThan(CAPACITY / 2);
  });
});
