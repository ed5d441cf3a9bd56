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
//   near empty (or without a live feed), every request is charged in the database, the
//   key's requests concurrently as before leases existed.
// - A lease lives at most LEASE_LIFETIME_MS and never past the bucket's next refill tick; the
//   unspent rest goes back then (or with the next statement, or on close). A key changed
//   or revoked in any process drops its lease (the change feed), and without a live feed
//   nothing is leased: revocation still takes effect on the next request.
// - The envelope reports the balance as of the lease's statement less what this process
//   spent since (other processes' spending shows at the next statement, ≤ LEASE_LIFETIME_MS).
import { createLogger, type Logger } from '../../logger.js';
import type { Store } from '../../store/index.js';
import { adjustTokens, leaseTokens, type BucketRow } from '../../store/token-buckets.js';
import type { KeyBucket } from './state.js';
import { REFILL_INTERVAL_MS } from '../../keepa/envelope.js';

/** Longest a lease is held: bounds how stale other processes' spending looks. */
export const LEASE_LIFETIME_MS = 1000;
/** A key's first lease, in requests' worth; it doubles while used up in time. */
const FIRST_LEASE_REQUESTS = 16;
const MAX_LEASE = 1_000_000;

type WarnLog = Pick<Logger, 'warn'>;

interface Lease {
  keyHash: string;
  /** The bucket as the lease's statement left it (without the lease). */
  bucket: KeyBucket;
  remaining: number;
  /** 0: owed, not spendable (a give-back failed): the next statement or sweep returns it. */
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

// Connection-level SQLSTATE classes (08 connection exception, 57 operator intervention,
// XX internal): the statement may have committed before the error reached us.
const UNSURE_SQLSTATE = /^(08|57|XX)/;
// Raised while opening a connection, before anything was sent.
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** The database said the statement failed, or it was never sent: it changed nothing. */
function statementDidNotRun(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (CONNECT_ERRORS.has(code)) return true;
  return /^[0-9A-Z]{5}$/.test(code) && !UNSURE_SQLSTATE.test(code);
}

export class TokenLeases {
  private readonly leases = new Map<string, Lease>();
  private readonly hashes = new Map<number, string>();
  /** Per key hash, the lease statement under way: requests arriving meanwhile wait for its lease. */
  private readonly pending = new Map<string, Promise<unknown>>();
  /** Per key hash, the size of the next lease. */
  private readonly sizes = new Map<string, number>();
  /** Per key hash, until when (the bucket's next refill tick) a lease was refused: plain admissions till then. */
  private readonly refusedUntil = new Map<string, number>();
  /** Bumped on every key change or revocation ('k ID') and on a lost feed. */
  private epoch = 0;
  /** Per key id, the epoch of its last change: a lease taken before it is not installed. */
  private readonly changedAt = new Map<number, number>();
  private lostAt = 0;
  /** Give-back statements under way (close waits for them before the pool ends). */
  private readonly givingBack = new Set<Promise<void>>();
  private live = false;
  /** Runs while the feed is live (and leases can exist): a closed store's registry holds no timer. */
  private sweeper: NodeJS.Timeout | null = null;
  /** Requests charged from a lease (no database round trip). */
  localCharges = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
    private readonly log: WarnLog,
  ) {
    // for the store's life: a closed feed tells `lost` and calls nothing after
    store.changes.subscribe({
      changed: (payload) => {
        if (!payload.startsWith('k ')) return;
        const keyId = Number(payload.slice(2));
        this.changedAt.set(keyId, ++this.epoch);
        void this.giveBack(this.hashes.get(keyId));
      },
      live: () => {
        this.live = true;
        this.sweeper ??= setInterval(() => void this.giveBackExpired(), LEASE_LIFETIME_MS);
        this.sweeper.unref();
      },
      lost: () => {
        this.live = false;
        this.lostAt = ++this.epoch;
        if (this.sweeper) clearInterval(this.sweeper);
        this.sweeper = null;
        void this.release();
      },
    });
    // the feed's close tells `lost` first; the give-backs then finish before the pool ends
    store.beforeClose(() => this.release());
  }

  /** Authenticates `keyHash` and charges `cost`; null for an unknown or revoked key. */
  async admit(keyHash: string, cost: number): Promise<Admission | null> {
    // One lease statement per key at a time (the row lock would serialise them anyway):
    // two would each take a lease, and the one stored second would drop the first.
    for (;;) {
      const local = this.fromLease(keyHash, cost);
      if (local) return local;
      const pending = this.pending.get(keyHash);
      if (!pending) break;
      await pending.catch(() => {});
    }
    // Nothing to give back and no lease to take (no feed, or too little left till the next
    // tick): a plain admission, concurrent with the key's others as before leases existed.
    if (!this.leases.has(keyHash) && (!this.live || this.clock() < (this.refusedUntil.get(keyHash) ?? 0))) {
      return this.plain(keyHash, cost);
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

  private firstLease(cost: number): number {
    return FIRST_LEASE_REQUESTS * Math.max(1, cost);
  }

  private async plain(keyHash: string, cost: number): Promise<Admission | null> {
    const row = await leaseTokens(this.store.pool, keyHash, this.clock(), cost, { returned: 0, want: 0 });
    if (!row) return null;
    this.hashes.set(row.keyId, keyHash);
    // plenty again (a refund, another process's give-back): the next request may lease
    if (row.tokens >= 4 * this.firstLease(cost)) this.refusedUntil.delete(keyHash);
    const held = this.leases.get(keyHash)?.remaining ?? 0;
    return { admitted: row.admitted, bucket: { ...bucketOf(row), tokensLeft: row.tokens + held } };
  }

  private async renew(keyHash: string, cost: number): Promise<Admission | null> {
    const now = this.clock();
    const started = this.epoch;
    const old = this.leases.get(keyHash);
    this.leases.delete(keyHash);
    const returned = old?.remaining ?? 0;
    const first = this.firstLease(cost);
    let want = this.sizes.get(keyHash) ?? first;
    // used up before it expired: the key is busy, lease more; left over: less
    if (old) want = now < old.expiresAt ? want * 2 : Math.max(first, Math.floor(want / 2));
    want = Math.min(want, MAX_LEASE);
    const asked = this.live ? want : 0;
    let row: BucketRow | null;
    try {
      row = await leaseTokens(this.store.pool, keyHash, now, cost, { returned, want: asked });
    } catch (error) {
      if (returned > 0) {
        // the lease is still ours only if the statement changed nothing; when unsure, it
        // counts as returned (a lost lease costs tokens, a restored one would credit twice)
        if (statementDidNotRun(error)) this.leases.set(keyHash, old!);
        else this.log.warn({ err: error, keyId: old!.bucket.keyId, tokens: returned }, 'token lease: renewal failed after it may have run; its tokens count as returned');
      }
      throw error;
    }
    if (!row) return null;
    this.hashes.set(row.keyId, keyHash);
    const bucket = bucketOf(row);
    if (row.leased > 0 && (this.changedAt.get(row.keyId) ?? 0) <= started && this.lostAt <= started) {
      this.sizes.set(keyHash, want);
      this.refusedUntil.delete(keyHash);
      const expiresAt = Math.min(now + LEASE_LIFETIME_MS, row.refilledAt + REFILL_INTERVAL_MS);
      this.leases.set(keyHash, { keyHash, bucket, remaining: row.leased, expiresAt });
    } else if (row.leased > 0) {
      // the key changed (or the feed was lost) while the statement ran: its notification may
      // have come before this lease existed, so the lease goes back instead of being spent
      this.leases.set(keyHash, { keyHash, bucket, remaining: row.leased, expiresAt: 0 });
      await this.giveBack(keyHash);
    } else {
      this.sizes.set(keyHash, first); // refused (too little left): start small again
      // even the smallest lease refused: plain admissions till the refill (or plenty again)
      if (asked > 0 && want <= first) this.refusedUntil.set(keyHash, row.refilledAt + REFILL_INTERVAL_MS);
    }
    return { admitted: row.admitted, bucket: { ...bucket, tokensLeft: row.tokens + row.leased } };
  }

  /** Returns a key's unspent lease to its bucket; never throws. */
  private giveBack(keyHash: string | undefined): Promise<void> {
    if (keyHash === undefined) return Promise.resolve();
    const lease = this.leases.get(keyHash);
    if (!lease) return Promise.resolve();
    this.leases.delete(keyHash);
    if (lease.remaining <= 0) return Promise.resolve();
    const work = this.returnTokens(lease).finally(() => this.givingBack.delete(work));
    this.givingBack.add(work);
    return work;
  }

  private async returnTokens(lease: Lease): Promise<void> {
    try {
      await adjustTokens(this.store.pool, lease.bucket.keyId, -lease.remaining);
    } catch (error) {
      const retry = statementDidNotRun(error);
      // still out of the bucket: owed (not spendable), so the key's next statement returns
      // it, or the next sweep; or part of a lease taken meanwhile, going back with it
      const current = this.leases.get(lease.keyHash);
      if (retry && current) current.remaining += lease.remaining;
      else if (retry) this.leases.set(lease.keyHash, { ...lease, expiresAt: 0 });
      this.log.warn(
        { err: error, keyId: lease.bucket.keyId, tokens: lease.remaining },
        retry ? 'token lease: give-back failed; retried with the next statement' : 'token lease: give-back failed after it may have run; its tokens count as returned',
      );
    }
  }

  /** Returns every lease past its end (none is spent from then on). */
  async giveBackExpired(): Promise<void> {
    const now = this.clock();
    const expired = [...this.leases.values()].filter((lease) => now >= lease.expiresAt && !this.pending.has(lease.keyHash));
    await Promise.all(expired.map((lease) => this.giveBack(lease.keyHash)));
  }

  /** Gives back every lease (they are taken again as requests come) and waits for give-backs under way. */
  async release(): Promise<void> {
    await Promise.all([...this.pending.values()].map((p) => p.catch(() => {})));
    await Promise.all([...this.leases.keys()].map((hash) => this.giveBack(hash)));
    await Promise.all([...this.givingBack]);
  }

  /** Unspent tokens held (or owed) for the key with this hash (tests). */
  outstanding(keyHash: string): number {
    return this.leases.get(keyHash)?.remaining ?? 0;
  }
}

// One registry per opened database (its change feed), not per server: two servers of one
// process on one store (an API next to the admin CLI, tests) see one lease per key, so
// each reports the balance the other's lease is part of.
const byFeed = new WeakMap<object, TokenLeases>();

/** The leases of the process's connection to `context.store`'s database. */
export function tokenLeasesOf(context: { readonly store: Store; readonly clock: () => number }, log?: WarnLog): TokenLeases {
  let leases = byFeed.get(context.store.changes);
  if (!leases) byFeed.set(context.store.changes, (leases = new TokenLeases(context.store, context.clock, log ?? createLogger())));
  return leases;
}

/** Gives back what the leases on `context.store` hold (a server's onClose), if any. */
export async function releaseTokenLeases(context: { readonly store: Store }): Promise<void> {
  await byFeed.get(context.store.changes)?.release();
}
