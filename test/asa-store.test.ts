// The ASA store on every engine: keys (hashed, ≤ 20 live per workspace, revocable),
// admission (credits reserved, concurrency leases with expiry, RPS bucket with burst, all
// on an injected clock) and settlement (charged once per request id).
import { describe, expect, it } from 'vitest';
import { asaKeyShortPrefix, generateAsaKey, hashAsaKey } from '../src/asa/key-format.js';
import { ASA_PLANS, type AsaPlanName, type RateLimits } from '../src/asa/plans.js';
import { admitAsaRequest, asaAccount, settleAsaRequest } from '../src/store/asa-admission.js';
import { createAsaKey, grantCredits, listAsaKeys, revokeAsaKey } from '../src/store/asa-keys.js';
import type { Store } from '../src/store/index.js';
import { testEngines, useTestStore } from './helpers/engines.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

async function newKey(store: Store, workspace: string, name: string, credits: number, plan: AsaPlanName = 'free', limits: RateLimits = ASA_PLANS[plan]) {
  const key = generateAsaKey();
  const result = await createAsaKey(store.db, {
    workspace, name, keyHash: hashAsaKey(key), keyPrefix: asaKeyShortPrefix(key), plan, limits, credits, nowMs: T0,
  });
  if (!result.created) throw new Error(result.reason);
  return { key, hash: hashAsaKey(key), id: result.id };
}

let seq = 0;
const rid = () => `req_test${++seq}`;

describe.each(testEngines())('ASA store on $name', (engine) => {
  const db = useTestStore(engine);

  it('creates keys shown once (only the hash stored) and caps a workspace at 20 live keys', async () => {
    const { store } = db;
    const first = await newKey(store, 'cap', 'k0', 100);
    expect(first.key).toMatch(/^asa_live_[A-Za-z0-9]{32}$/);
    const { rows } = await store.pool.query('SELECT key_hash, key_prefix FROM asa_keys WHERE id = $1', [first.id]);
    expect(rows[0]).toEqual({ key_hash: first.hash, key_prefix: first.key.slice(0, 21) });
    for (let i = 1; i < 20; i++) await newKey(store, 'cap', `k${i}`, 0);
    const key = generateAsaKey();
    const over = await createAsaKey(store.db, {
      workspace: 'cap', name: 'k20', keyHash: hashAsaKey(key), keyPrefix: asaKeyShortPrefix(key), plan: 'free', limits: ASA_PLANS.free, credits: 0, nowMs: T0,
    });
    expect(over).toEqual({ created: false, reason: 'too_many_keys' });
    expect(await revokeAsaKey(store.db, 'k3', 'cap')).toMatchObject({ revoked: true, name: 'k3' });
    await newKey(store, 'cap', 'k20', 0);
    const dup = await createAsaKey(store.db, {
      workspace: 'cap', name: 'k20', keyHash: hashAsaKey(generateAsaKey()), keyPrefix: 'x', plan: 'free', limits: ASA_PLANS.free, credits: 0, nowMs: T0,
    });
    expect(dup).toEqual({ created: false, reason: 'name_taken' });
    expect((await listAsaKeys(store.db, { includeRevoked: false })).filter((k) => k.workspace === 'cap')).toHaveLength(20);
  });

  it('admits while credits last, reserving the price of requests in flight', async () => {
    const { store } = db;
    const k = await newKey(store, 'credits', 'only', 12);
    const a = await admitAsaRequest(store.pool, { keyHash: k.hash, requestId: rid(), nowMs: T0, cost: 5, leaseMs: 60_000 });
    const b = await admitAsaRequest(store.pool, { keyHash: k.hash, requestId: rid(), nowMs: T0, cost: 5, leaseMs: 60_000 });
    const c = await admitAsaRequest(store.pool, { keyHash: k.hash, requestId: rid(), nowMs: T0, cost: 5, leaseMs: 60_000 });
    expect([a.outcome, b.outcome, c.outcome]).toEqual(['admitted', 'admitted', 'insufficient_credits']);
    expect(a.available).toBe(7);
    expect(await settleAsaRequest(store.pool, { requestId: `req_test${seq - 2}`, keyId: k.id, charge: 5, ok: true, nowMs: T0 })).toBe(5);
    // the same request id again charges nothing
    expect(await settleAsaRequest(store.pool, { requestId: `req_test${seq - 2}`, keyId: k.id, charge: 5, ok: true, nowMs: T0 })).toBe(0);
    // a failure frees its reservation without a charge
    expect(await settleAsaRequest(store.pool, { requestId: `req_test${seq - 1}`, keyId: k.id, charge: 0, ok: false, nowMs: T0 })).toBe(0);
    const account = await asaAccount(store.pool, a.workspaceId!, T0);
    expect(account).toMatchObject({ workspace: 'credits', balance: 7, reserved: 0 });
    expect(account!.usage).toEqual([{ keyId: k.id, day: '2026-12-01', requests: 3, successes: 2, refused: 1, credits: 5 }]);
    expect(await grantCredits(store.db, 'credits', 100)).toBe(107);
    expect(await grantCredits(store.db, 'nobody', 100)).toBeNull();
  });

  it('holds at most `concurrency` leases per key; an expired lease frees its slot', async () => {
    const { store } = db;
    const k = await newKey(store, 'conc', 'c', 10_000, 'custom', { concurrency: 3, rps: 1000, burst: 1000 });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await admitAsaRequest(store.pool, { keyHash: k.hash, requestId: rid(), nowMs: T0, cost: 5, leaseMs: 1000 }));
    expect(outcomes.map((o) => [o.outcome, o.inFlight])).toEqual([['admitted', 1], ['admitted', 2], ['admitted', 3], ['concurrency', 3]]);
    expect(outcomes[3]!.retryAfter).toBe(1);
    const later = await admitAsaRequest(store.pool, { keyHash: k.hash, requestId: rid(), nowMs: T0 + 1000, cost: 5, leaseMs: 1000 });
    expect([later.outcome, later.inFlight]).toEqual(['admitted', 1]);
  });

  it('lets a free key burst to rps + (burst - rps) × 3 requests, then refills at rps per second', async () => {
    const { store } = db;
    const k = await newKey(store, 'rps', 'r', 1_000_000, 'free'); // 2 rps, burst 10: bucket of 26
    let admitted = 0;
    let refusal = null;
    for (let i = 0; i < 30; i++) {
      const o = await admitAsaRequest(store.pool, { keyHash: k.hash, requestId: rid(), nowMs: T0, cost: 5, leaseMs: 0 });
      if (o.outcome === 'admitted') admitted++;
      else refusal ??= o;
    }
    expect(admitted).toBe(26);
    expect(refusal).toMatchObject({ outcome: 'rps', retryAfter: 1, rps: 2 });
    const half = await admitAsaRequest(store.pool, { keyHash: k.hash, requestId: rid(), nowMs: T0 + 499, cost: 5, leaseMs: 0 });
    expect(half.outcome).toBe('rps');
    const one = await admitAsaRequest(store.pool, { keyHash: k.hash, requestId: rid(), nowMs: T0 + 500, cost: 5, leaseMs: 0 });
    expect([one.outcome, one.rpsNow]).toEqual(['admitted', 27]);
    const nextSecond = await admitAsaRequest(store.pool, { keyHash: k.hash, requestId: rid(), nowMs: T0 + 1000, cost: 5, leaseMs: 0 });
    expect([nextSecond.outcome, nextSecond.rpsNow]).toEqual(['admitted', 1]);
  });

  it('answers revoked and unknown keys', async () => {
    const { store } = db;
    const k = await newKey(store, 'rev', 'gone', 100);
    expect(await revokeAsaKey(store.db, k.key.slice(0, 21))).toMatchObject({ revoked: true });
    expect((await admitAsaRequest(store.pool, { keyHash: k.hash, requestId: rid(), nowMs: T0, cost: 5, leaseMs: 0 })).outcome).toBe('revoked');
    expect((await admitAsaRequest(store.pool, { keyHash: hashAsaKey('asa_live_nope'), requestId: rid(), nowMs: T0, cost: 5, leaseMs: 0 })).outcome).toBe('unauthorized');
  });
});
