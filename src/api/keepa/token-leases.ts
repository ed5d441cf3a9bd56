// Token leases: a process charges a busy key from tokens it took out of the key's bucket
// beforehand, so most requests cost no database round trip, and the bucket stays exact.
//
// - A lease is taken in the same statement that admits a request (token-buckets.ts): the
//   leased tokens leave the bucket there, so no process can spend them twice and the
//   bucket is never overdrawn by anything but Keepa's own rule (the request that runs
//   while the balance is positive is charged in full).
// - A request is charged locally only while the lease holds at least its cost (so the
//   true balance, which includes the lease, was positive: Keepa admits it). Otherwise it
//   goes to the database, giving the rest of the lease back in the same statement; a 429
//   is always decided there.
// - Leases come only out of plenty (the balance keeps 4× the lease after the charge):
//   near empty, every request is charged in the database one by one, as before.
// - A lease lives at most `lifetimeMs` and never past the bucket's next refill tick; the
//   unspent rest goes back then (or with the next statement, or on close). A key changed
//   or revoked in any process drops its lease (the change feed), and without a live feed
//   nothing is leased: revocation still takes effect on the next request.
// - The envelope reports the balance as of the lease's statement less what this process
//   spent since (other processes' spending shows at the next statement, ≤ lifetimeMs).
import type { Store } from '../../store/index.js';
import { adjustTokens, leaseTokens, type BucketRow } from '../../store/token-buckets.js';
import type { KeyBucket } from './state.js';
import { REFILL_INTERVAL_MS } from '../../keepa/envelope.js';

export interface LeaseOptions {
  /** Longest a lease is held (default 1 s): bounds how stale other processes' spending looks. */
  readonly lifetimeMs?: number;
  /** First lease of a key, in requests' worth (default 16); it doubles while used up in time. */
  readonly firstRequests?: number;
  readonly maxLease?: number;
}

interface Lease {
  keyHash: string;
  /** The bucket as the lease's statement left it (without the lease). */
  bucket: KeyBucket;
  remaining: number;
  expiresAt: number;
}

export interface Admission {
  readonly admitted: boolean;
  /** The key's bucket for the envelope: the balance includes this process's unspent lease. */
  readonly bucket: KeyBucket;
}

function bucketOf(row: BucketRow): KeyBucket {
  return { keyId: row.keyId, keyName: row.keyName, tokensLeft: row.tokens, refilledAt: row.refilledAt, refillRate: row.refillRate, flowReduction: row.flowReduction };
}

export class TokenLeases {
  private readonly leases = new Map<string, Lease>();
  private readonly hashes = new Map<number, string>();
  /** Per key hash, the statement under way: requests arriving meanwhile wait for its lease. */
  private readonly pending = new Map<string, Promise<unknown>>();
  /** Per key hash, the size of the next lease. */
  private readonly sizes = new Map<string, number>();
  private readonly lifetimeMs: number;
  private readonly firstRequests: number;
  private readonly maxLease: number;
  private live = false;
  /** Runs while the feed is live (and leases can exist): a closed store's registry holds no timer. */
  private sweeper: NodeJS.Timeout | null = null;
  /** Requests charged from a lease (no database round trip). */
  localCharges = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
    options: LeaseOptions = {},
  ) {
    this.lifetimeMs = options.lifetimeMs ?? 1000;
    this.firstRequests = options.firstRequests ?? 16;
    this.maxLease = options.maxLease ?? 1_000_000;
    // for the store's life: a closed feed tells `lost` and calls nothing after
    store.changes.subscribe({
      changed: (payload) => {
        if (payload.startsWith('k ')) void this.giveBack(this.hashes.get(Number(payload.slice(2))));
      },
      live: () => {
        this.live = true;
        this.sweeper ??= setInterval(() => void this.giveBackExpired(), this.lifetimeMs);
        this.sweeper.unref();
      },
      lost: () => {
        this.live = false;
        if (this.sweeper) clearInterval(this.sweeper);
        this.sweeper = null;
        void this.release();
      },
    });
  }

  /** Authenticates `keyHash` and charges `cost`; null for an unknown or revoked key. */
  async admit(keyHash: string, cost: number): Promise<Admission | null> {
    // One statement per key at a time (the row lock would serialise them anyway): two
    // would each take a lease, and the one stored second would drop the first.
    for (;;) {
      const local = this.fromLease(keyHash, cost);
      if (local) return local;
      const pending = this.pending.get(keyHash);
      if (!pending) break;
      await pending.catch(() => {});
    }
    const statement = this.renew(keyHash, cost);
    this.pending.set(keyHash, statement);
    try {
      return await statement;
    } finally {
      this.pending.delete(keyHash);
    }
  }

  /** Charges `delta` more to an admitted request (negative: a refund); the bucket after it. */
  async adjust(keyId: number, delta: number): Promise<{ tokensLeft: number; refilledAt: number } | null> {
    const hash = this.hashes.get(keyId);
    const lease = hash === undefined ? undefined : this.leases.get(hash);
    if (lease && this.clock() < lease.expiresAt && lease.remaining >= delta) {
      lease.remaining -= delta;
      return { tokensLeft: lease.bucket.tokensLeft + lease.remaining, refilledAt: lease.bucket.refilledAt };
    }
    const row = await adjustTokens(this.store.pool, keyId, delta);
    if (!row) return null;
    const current = hash === undefined ? undefined : this.leases.get(hash);
    if (current) current.bucket = { ...current.bucket, tokensLeft: row.tokens, refilledAt: row.refilledAt };
    return { tokensLeft: row.tokens + (current?.remaining ?? 0), refilledAt: row.refilledAt };
  }

  private fromLease(keyHash: string, cost: number): Admission | null {
    const lease = this.leases.get(keyHash);
    if (!lease || !this.live || this.clock() >= lease.expiresAt || lease.remaining <= 0 || lease.remaining < cost) return null;
    lease.remaining -= cost;
    this.localCharges++;
    return { admitted: true, bucket: { ...lease.bucket, tokensLeft: lease.bucket.tokensLeft + lease.remaining } };
  }

  private async renew(keyHash: string, cost: number): Promise<Admission | null> {
    const now = this.clock();
    const old = this.leases.get(keyHash);
    this.leases.delete(keyHash);
    const returned = old?.remaining ?? 0;
    const first = this.firstRequests * Math.max(1, cost);
    let want = this.sizes.get(keyHash) ?? first;
    // used up before it expired: the key is busy, lease more; left over: less
    if (old) want = now < old.expiresAt ? want * 2 : Math.max(first, Math.floor(want / 2));
    want = Math.min(want, this.maxLease);
    let row: BucketRow | null;
    try {
      row = await leaseTokens(this.store.pool, keyHash, now, cost, { returned, want: this.live ? want : 0 });
    } catch (error) {
      if (old && returned > 0) this.leases.set(keyHash, old); // the statement did not run: the lease is still ours
      throw error;
    }
    if (!row) return null;
    this.hashes.set(row.keyId, keyHash);
    const bucket = bucketOf(row);
    if (row.leased > 0) {
      this.sizes.set(keyHash, want);
      const expiresAt = Math.min(now + this.lifetimeMs, row.refilledAt + REFILL_INTERVAL_MS);
      this.leases.set(keyHash, { keyHash, bucket, remaining: row.leased, expiresAt });
    } else {
      this.sizes.set(keyHash, first); // refused (too little left): start small again
    }
    return { admitted: row.admitted, bucket: { ...bucket, tokensLeft: row.tokens + row.leased } };
  }

  /** Returns a key's unspent lease to its bucket. */
  private async giveBack(keyHash: string | undefined): Promise<void> {
    if (keyHash === undefined) return;
    const lease = this.leases.get(keyHash);
    if (!lease) return;
    this.leases.delete(keyHash);
    if (lease.remaining > 0) await adjustTokens(this.store.pool, lease.bucket.keyId, -lease.remaining).catch(() => {});
  }

  /** Returns every lease past its end (none is spent from then on). */
  async giveBackExpired(): Promise<void> {
    const now = this.clock();
    const expired = [...this.leases.values()].filter((lease) => now >= lease.expiresAt && !this.pending.has(lease.keyHash));
    await Promise.all(expired.map((lease) => this.giveBack(lease.keyHash)));
  }

  /** Gives back every lease (they are taken again as requests come). */
  async release(): Promise<void> {
    await Promise.all([...this.pending.values()].map((p) => p.catch(() => {})));
    await Promise.all([...this.leases.keys()].map((hash) => this.giveBack(hash)));
  }

  /** Unspent tokens held for the key with this hash (tests). */
  outstanding(keyHash: string): number {
    return this.leases.get(keyHash)?.remaining ?? 0;
  }

}

// One registry per opened database (its change feed), not per server: two servers of one
// process on one store (an API next to the admin CLI, tests) see one lease per key, so
// each reports the balance the other's lease is part of.
const byFeed = new WeakMap<object, TokenLeases>();

/** The leases of the process's connection to `context.store`'s database. */
export function tokenLeasesOf(context: { readonly store: Store; readonly clock: () => number }): TokenLeases {
  let leases = byFeed.get(context.store.changes);
  if (!leases) byFeed.set(context.store.changes, (leases = new TokenLeases(context.store, context.clock)));
  return leases;
}

/** Gives back what the leases on `context.store` hold (a server's onClose), if any. */
export async function releaseTokenLeases(context: { readonly store: Store }): Promise<void> {
  await byFeed.get(context.store.changes)?.release();
}
