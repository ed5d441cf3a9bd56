// Token leases (src/api/keepa/token-leases.ts): a busy key is charged from tokens this
// process took out of its bucket beforehand. Keepa's rules must hold as if every request
// had been charged in the database: exactly the balance's worth of cost-1 requests run,
// each sees its own balance, the rest get 429 uncharged; the bucket is never overdrawn,
// also with two servers leasing from one bucket; a lease never outlives a refill tick or
// the key's revocation. Faults are injected by wrapping the store's pool.query (both
// engines go through pg.Pool).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenLeasesOf } from '../src/api/keepa/token-leases.js';
import { hashApiKey } from '../src/auth/api-key.js';
import { revokeApiKey } from '../src/store/api-keys.js';
import type { Store } from '../src/store/index.js';
import { apiHarness, createKey, silentLogger, url, type ApiHarness } from './helpers/api-server.js';
import { serverTestUrl, testEngines } from './helpers/engines.js';
import { feedState } from './helpers/feed-events.js';

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

type Run = () => Promise<unknown>;

/** Routes the store's statements named `name` through `around` until the returned undo. */
function intercept(store: Store, name: string, around: (run: Run) => Promise<unknown>): () => void {
  const pool = store.pool;
  const original = pool.query;
  const wrapped = (config: unknown, ...rest: unknown[]): unknown => {
    const run: Run = () => (original as (...args: unknown[]) => Promise<unknown>).call(pool, config, ...rest);
    return (config as { name?: string } | null)?.name === name ? around(run) : run();
  };
  pool.query = wrapped as typeof pool.query;
  return () => {
    pool.query = original;
  };
}

const ADMIT = 'pricekeep_admit_tokens';
const ADJUST = 'pricekeep_adjust_tokens';

/** Yields to I/O until `done()` or the bound; false when the bound was hit. */
async function until(done: () => boolean, rounds = 400): Promise<boolean> {
  for (let i = 0; i < rounds && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  return done();
}

describe.each(testEngines())('token leases on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;

  beforeAll(async () => {
    harness = await apiHarness(engine);
    app = await harness.server();
    await feedState(harness.store.changes, 'live');
  });
  afterAll(async () => harness?.close());

  const product = async (key: string): Promise<Outcome> => {
    const response = await app.inject({ method: 'GET', url: url('/product', { key, ...PARAMS }) });
    return { ...response.json(), status: response.statusCode };
  };

  it('runs exactly the balance\u2019s worth of requests, each seeing its own balance, the rest 429 uncharged', async () => {
    const key = await createKey(harness.store, 'drain', RATE, harness.clock.ms);
    const leases = tokenLeasesOf(app.pricekeep, silentLogger);
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
    const leases = tokenLeasesOf(app.pricekeep, silentLogger);
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
    expect(tokenLeasesOf(app.pricekeep, silentLogger).outstanding(hashApiKey(key))).toBeGreaterThan(0);
    expect(await revokeApiKey(harness.store.db, 'revoked')).not.toBeNull();
    const response = await app.inject({ method: 'GET', url: url('/product', { key, ...PARAMS }) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.type).toBe('invalidKey');
  });

  it('runs a key\u2019s plain admissions (no lease to take) concurrently, not one statement at a time', async () => {
    const key = await createKey(harness.store, 'plain', 1, harness.clock.ms); // capacity 60: below any lease
    expect((await product(key)).status).toBe(200); // refused even the first lease
    expect(tokenLeasesOf(app.pricekeep, silentLogger).outstanding(hashApiKey(key))).toBe(0);
    let entered = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const undo = intercept(harness.store, ADMIT, async (run) => {
      entered++;
      await gate;
      return run();
    });
    try {
      const outcomes = Promise.all([product(key), product(key), product(key)]);
      const allInFlight = await until(() => entered === 3);
      open();
      expect(allInFlight).toBe(true); // serialised: the 2nd and 3rd would wait for the 1st
      expect((await outcomes).map((o) => o.status)).toEqual([200, 200, 200]);
    } finally {
      open();
      undo();
    }
    expect(await bucketRow(harness.store, key)).toBe(60 - 4);
  });

  it('keeps a lease whose give-back failed, and returns it with the key\u2019s next statement', async () => {
    const key = await createKey(harness.store, 'blip', RATE, harness.clock.ms);
    const leases = tokenLeasesOf(app.pricekeep, silentLogger);
    await product(key);
    const held = leases.outstanding(hashApiKey(key));
    expect(held).toBeGreaterThan(0);
    harness.clock.advance(1_000);
    const undo = intercept(harness.store, ADJUST, async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    try {
      await leases.giveBackExpired();
    } finally {
      undo();
    }
    expect(leases.outstanding(hashApiKey(key))).toBe(held); // still owed, not lost
    expect(await bucketRow(harness.store, key)).toBe(CAPACITY - 1 - held);
    expect((await product(key)).tokensLeft).toBe(CAPACITY - 2); // given back in the statement
    harness.clock.advance(1_000);
    await leases.giveBackExpired();
    expect(await bucketRow(harness.store, key)).toBe(CAPACITY - 2);
  });

  it('does not restore a lease whose renewal failed after it committed (no double credit)', async () => {
    const key = await createKey(harness.store, 'committed', RATE, harness.clock.ms);
    const leases = tokenLeasesOf(app.pricekeep, silentLogger);
    await product(key);
    expect(leases.outstanding(hashApiKey(key))).toBeGreaterThan(0);
    harness.clock.advance(1_000); // expired: the next request renews, returning it
    const undo = intercept(harness.store, ADMIT, async (run) => {
      await run();
      throw new Error('Connection terminated unexpectedly');
    });
    try {
      expect((await product(key)).status).toBeGreaterThanOrEqual(500); // the request fails (a 503)
    } finally {
      undo();
    }
    expect(leases.outstanding(hashApiKey(key))).toBe(0);
    const committed = await bucketRow(harness.store, key);
    await leases.giveBackExpired();
    expect(await bucketRow(harness.store, key)).toBe(committed); // nothing credited twice
    expect(committed).toBeLessThanOrEqual(CAPACITY - 2);
  });

  it('gives back a lease taken while the key was being revoked, instead of spending it', async () => {
    const key = await createKey(harness.store, 'revoked-meanwhile', RATE, harness.clock.ms);
    const leases = tokenLeasesOf(app.pricekeep, silentLogger);
    const undo = intercept(harness.store, ADMIT, async (run) => {
      const result = await run();
      undo(); // once
      expect(await revokeApiKey(harness.store.db, 'revoked-meanwhile')).not.toBeNull();
      return result;
    });
    try {
      expect((await product(key)).status).toBe(200); // admitted before the revocation committed
    } finally {
      undo();
    }
    expect(leases.outstanding(hashApiKey(key))).toBe(0);
    expect(await bucketRow(harness.store, key)).toBe(CAPACITY - 1);
    const response = await app.inject({ method: 'GET', url: url('/product', { key, ...PARAMS }) });
    expect(response.statusCode).toBe(400);
  });

  it('gives every lease back on store.close(), before the connections end', async () => {
    const database = await engine.create();
    try {
      const store = await database.open();
      const key = await createKey(store, 'closing', RATE, harness.clock.ms);
      await feedState(store.changes, 'live');
      const leases = tokenLeasesOf({ store, clock: harness.clock.now }, silentLogger);
      expect((await leases.admit(hashApiKey(key), 1))?.admitted).toBe(true);
      const held = leases.outstanding(hashApiKey(key));
      expect(held).toBeGreaterThan(0);
      // a slow give-back: without waiting for it, close would end the pool under it
      intercept(store, ADJUST, async (run) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return run();
      });
      await store.close();
      expect(leases.outstanding(hashApiKey(key))).toBe(0);
      const again = await database.open();
      try {
        expect(await bucketRow(again, key)).toBe(CAPACITY - 1);
      } finally {
        await again.close();
      }
    } finally {
      await database.drop();
    }
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
      await feedState(store.changes, 'live');
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
    for (const app of apps) await tokenLeasesOf(app.pricekeep, silentLogger).giveBackExpired();
    expect(await bucketRow(harness.store, key)).toBe(CAPACITY - admitted.length);
    expect(admitted.length).toBeGreaterThan(CAPACITY / 2);
  });
});
