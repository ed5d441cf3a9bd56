import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../src/auth/api-key.js';
import {
  adjustBucket,
  admitRequest,
  bucketCapacity,
  keepaEnvelope,
  newBucket,
  refillBucket,
  refillInMs,
  retryAfterMs,
  type BucketState,
} from '../src/keepa/envelope.js';
import { revokeApiKey } from '../src/store/api-keys.js';
import type { Store } from '../src/store/index.js';
import { adjustTokens, leaseTokens } from '../src/store/token-buckets.js';
import { createKey } from './helpers/api-server.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';

const T0 = Date.UTC(2026, 4, 10, 4, 0, 0);
const MINUTE = 60_000;
/** An admission without a lease. */
const PLAIN = { returned: 0, want: 0 };

describe('token bucket arithmetic', () => {
  it('starts a new key with a full bucket: 60 minutes of refills', () => {
    expect(newBucket(20, T0)).toEqual({ tokens: 1200, refilledAt: T0 });
    expect(bucketCapacity(5)).toBe(300);
  });

  it('adds refillRate tokens per whole minute since the last tick and keeps the tick phase', () => {
    const state: BucketState = { tokens: 10, refilledAt: T0 };
    expect(refillBucket(state, 20, T0 + MINUTE - 1)).toEqual(state);
    expect(refillBucket(state, 20, T0 + MINUTE)).toEqual({ tokens: 30, refilledAt: T0 + MINUTE });
    expect(refillBucket(state, 20, T0 + 3 * MINUTE + 59_999)).toEqual({ tokens: 70, refilledAt: T0 + 3 * MINUTE });
  });

  it('expires tokens older than 60 minutes: the balance never exceeds 60 refills', () => {
    expect(refillBucket({ tokens: 1190, refilledAt: T0 }, 20, T0 + 5 * MINUTE).tokens).toBe(1200);
    expect(refillBucket({ tokens: -500, refilledAt: T0 }, 20, T0 + 24 * 60 * MINUTE).tokens).toBe(1200);
  });

  it('climbs out of a negative balance one refill per minute', () => {
    expect(refillBucket({ tokens: -45, refilledAt: T0 }, 20, T0 + 2 * MINUTE).tokens).toBe(-5);
  });

  it('adds nothing when the clock is behind the last tick (another process ticked first)', () => {
    expect(refillBucket({ tokens: 3, refilledAt: T0 }, 20, T0 - 5 * MINUTE)).toEqual({ tokens: 3, refilledAt: T0 });
  });

  it('charges the full cost while the balance is positive, even into the negative', () => {
    expect(admitRequest({ tokens: 1, refilledAt: T0 }, 20, T0, 100)).toEqual({
      admitted: true,
      consumed: 100,
      state: { tokens: -99, refilledAt: T0 },
    });
  });

  it('refuses, charging nothing, when the balance after refill is zero or below', () => {
    expect(admitRequest({ tokens: 0, refilledAt: T0 }, 20, T0 + 59_000, 1)).toEqual({
      admitted: false,
      consumed: 0,
      state: { tokens: 0, refilledAt: T0 },
    });
    // …and admits again once a tick lifts it above zero
    expect(admitRequest({ tokens: 0, refilledAt: T0 }, 20, T0 + MINUTE, 1).admitted).toBe(true);
    expect(admitRequest({ tokens: -20, refilledAt: T0 }, 20, T0 + MINUTE, 1).admitted).toBe(false);
  });

  it('reports refillIn as the milliseconds to the next tick', () => {
    expect(refillInMs(T0, T0)).toBe(60_000);
    expect(refillInMs(T0, T0 + 45_500)).toBe(14_500);
    expect(refillInMs(T0, T0 + 59_999)).toBe(1);
  });

  it('tells a client with a negative balance to wait the extra minutes it needs', () => {
    expect(retryAfterMs(5, 20, T0, T0 + 10_000)).toBe(0);
    expect(retryAfterMs(0, 20, T0, T0 + 10_000)).toBe(50_000);
    expect(retryAfterMs(-45, 20, T0, T0 + 10_000)).toBe(50_000 + 2 * MINUTE);
  });

  it('refunds without lifting the balance above capacity', () => {
    expect(adjustBucket({ tokens: 1150, refilledAt: T0 }, 20, -100).tokens).toBe(1200);
    expect(adjustBucket({ tokens: 5, refilledAt: T0 }, 20, 8).tokens).toBe(-3);
  });

  it('builds the envelope, zeroing the token fields without a key', () => {
    expect(keepaEnvelope({ tokensLeft: 7, refilledAt: T0, refillRate: 20 , flowReduction: 0}, 3, T0 + 15_000, 4.4)).toEqual({
      timestamp: T0 + 15_000,
      tokensLeft: 7,
      refillIn: 45_000,
      refillRate: 20,
      tokenFlowReduction: 0,
      tokensConsumed: 3,
      processingTimeInMs: 4,
    });
    const error = { type: 'invalidKey', message: 'Invalid API key.', details: null };
    expect(keepaEnvelope(null, 3, T0, 1, error)).toEqual({
      timestamp: T0, tokensLeft: 0, refillIn: 0, refillRate: 0, tokenFlowReduction: 0, tokensConsumed: 0, processingTimeInMs: 1, error,
    });
  });
});

/** Deterministic pseudo-random numbers (LCG), so a failing walk can be replayed. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

describe.each(testEngines())('token bucket in the database on $name', (engine) => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await engine.create();
    store = await database.open();
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('follows the pure arithmetic step by step over a simulated clock', async () => {
    const rate = 7;
    let now = T0;
    const key = await createKey(store, 'walk', rate, now);
    const hash = hashApiKey(key);
    let model = newBucket(rate, now);
    const random = lcg(20260510);
    let admitted = 0;
    let refused = 0;
    for (let step = 0; step < 250; step++) {
      now += random(4) === 0 ? random(90 * MINUTE) : random(150_000);
      const cost = random(5) === 0 ? random(400) : random(25);
      const expected = admitRequest(model, rate, now, cost);
      const row = await leaseTokens(store.pool, hash, now, cost, PLAIN);
      expect(row, `step ${step}`).not.toBeNull();
      expect([row!.admitted, row!.tokens, row!.refilledAt], `step ${step}`).toEqual([
        expected.admitted, expected.state.tokens, expected.state.refilledAt,
      ]);
      model = expected.state;
      if (expected.admitted) admitted++;
      else refused++;
      if (random(6) === 0) {
        const delta = random(60) - 30;
        const after = adjustBucket(model, rate, delta);
        const adjusted = await adjustTokens(store.pool, row!.keyId, delta);
        expect(adjusted, `adjust at step ${step}`).toEqual({ tokens: after.tokens, refilledAt: after.refilledAt });
        model = after;
      }
    }
    // the walk visited both sides of zero
    expect(admitted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(10);
  });

  it('admits nothing for an unknown or a revoked key', async () => {
    const key = await createKey(store, 'to-revoke', 20, T0);
    expect(await leaseTokens(store.pool, hashApiKey(key), T0, 1, PLAIN)).not.toBeNull();
    expect(await leaseTokens(store.pool, hashApiKey('x'.repeat(64)), T0, 1, PLAIN)).toBeNull();
    expect(await revokeApiKey(store.db, 'to-revoke')).toMatchObject({ name: 'to-revoke' });
    expect(await leaseTokens(store.pool, hashApiKey(key), T0, 1, PLAIN)).toBeNull();
    expect(await revokeApiKey(store.db, 'to-revoke')).toBeNull();
  });
});
