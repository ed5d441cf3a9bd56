// Keepa's response envelope and token-bucket arithmetic, as pure functions.
//
// The bucket: `refillRate` tokens are added once a minute (ticks every 60 000 ms after the
// last one); tokens older than 60 minutes expire, so a balance never exceeds 60 refills.
// A request runs while the balance (after refill) is positive and is charged in full, so
// the balance may go negative; at zero or below the request is refused (429) uncharged.
// src/store/token-buckets.ts applies exactly these rules in one atomic UPDATE; the tests
// hold the two against each other over a simulated clock.

export const REFILL_INTERVAL_MS = 60_000;
/** Unused tokens expire after this many minutes. */
export const TOKEN_LIFETIME_MINUTES = 60;

export interface BucketState {
  /** Balance; negative after a request that cost more than was left. */
  readonly tokens: number;
  /** Unix ms of the last refill tick. */
  readonly refilledAt: number;
}

/** The most a bucket can hold: one hour of refills (older tokens have expired). */
export function bucketCapacity(refillRate: number): number {
  return refillRate * TOKEN_LIFETIME_MINUTES;
}

/** A new key starts with a full bucket whose ticks count from its creation. */
export function newBucket(refillRate: number, nowMs: number): BucketState {
  return { tokens: bucketCapacity(refillRate), refilledAt: nowMs };
}

/** Applies every refill tick due by `nowMs`. A clock behind `refilledAt` adds nothing. */
export function refillBucket(state: BucketState, refillRate: number, nowMs: number): BucketState {
  const ticks = Math.max(0, Math.floor((nowMs - state.refilledAt) / REFILL_INTERVAL_MS));
  if (ticks === 0) return state;
  return {
    tokens: Math.min(state.tokens + ticks * refillRate, bucketCapacity(refillRate)),
    refilledAt: state.refilledAt + ticks * REFILL_INTERVAL_MS,
  };
}

export interface Admission {
  /** False when the balance after refill was not positive: the request must get 429. */
  readonly admitted: boolean;
  /** The bucket after refill and, when admitted, after the charge. */
  readonly state: BucketState;
  readonly consumed: number;
}

/** Refills, then charges `cost` if the balance is positive (it may go negative). */
export function admitRequest(state: BucketState, refillRate: number, nowMs: number, cost: number): Admission {
  const refilled = refillBucket(state, refillRate, nowMs);
  if (refilled.tokens <= 0) return { admitted: false, state: refilled, consumed: 0 };
  return { admitted: true, state: { ...refilled, tokens: refilled.tokens - cost }, consumed: cost };
}

/**
 * Charges `delta` more tokens to an admitted request (negative = refund). A refund never
 * lifts the balance above capacity: those tokens would have expired.
 */
export function adjustBucket(state: BucketState, refillRate: number, delta: number): BucketState {
  const ceiling = Math.max(state.tokens, bucketCapacity(refillRate));
  return { ...state, tokens: Math.min(state.tokens - delta, ceiling) };
}

/** Milliseconds until the next refill tick (0 < refillIn ≤ 60 000). */
export function refillInMs(refilledAt: number, nowMs: number): number {
  const left = refilledAt + REFILL_INTERVAL_MS - nowMs;
  return Math.min(REFILL_INTERVAL_MS, Math.max(1, left));
}

/**
 * How long a client should wait before its next request may run: until the next tick,
 * plus the minutes needed to climb back above zero when the balance is negative. Null
 * when nothing refills the bucket (trackings take the whole rate): waiting will not help.
 */
export function retryAfterMs(tokensLeft: number, refillRate: number, refilledAt: number, nowMs: number): number | null {
  const next = refillInMs(refilledAt, nowMs);
  if (tokensLeft > 0) return 0;
  if (refillRate <= 0) return null;
  const extraTicks = Math.floor(-tokensLeft / refillRate);
  return next + extraTicks * REFILL_INTERVAL_MS;
}

export interface KeepaError {
  readonly type: string;
  readonly message: string;
  readonly details: string | null;
}

/** The fields Keepa puts on every response, errors included. */
export interface KeepaEnvelope {
  timestamp: number;
  tokensLeft: number;
  refillIn: number;
  refillRate: number;
  tokenFlowReduction: number;
  tokensConsumed: number;
  processingTimeInMs: number;
  error?: KeepaError;
}

/** A key's bucket as a response reports it. */
export interface TokenSnapshot {
  readonly tokensLeft: number;
  readonly refilledAt: number;
  /** The key's own rate; its trackings take `flowReduction` (rounded) of it each minute. */
  readonly refillRate: number;
  readonly flowReduction: number;
}

/**
 * The envelope of a response sent at `nowMs`. Without a snapshot (no valid key) the token
 * fields are zero, as Keepa answers a bad key.
 */
export function keepaEnvelope(
  snapshot: TokenSnapshot | null,
  tokensConsumed: number,
  nowMs: number,
  processingTimeInMs: number,
  error?: KeepaError,
): KeepaEnvelope {
  const envelope: KeepaEnvelope = {
    timestamp: nowMs,
    tokensLeft: snapshot ? snapshot.tokensLeft : 0,
    refillIn: snapshot ? refillInMs(snapshot.refilledAt, nowMs) : 0,
    refillRate: snapshot ? snapshot.refillRate : 0,
    tokenFlowReduction: snapshot ? snapshot.flowReduction : 0,
    tokensConsumed: snapshot ? tokensConsumed : 0,
    processingTimeInMs: Math.max(0, Math.round(processingTimeInMs)),
  };
  if (error) envelope.error = error;
  return envelope;
}

// ---- costs of GET /product (documented in the README; the only place they are set) ----

export const COST_PER_PRODUCT = 1;
export const COST_BUYBOX = 2;
export const COST_RATING = 1;
export const COST_LIVE_UPDATE = 1;
export const COST_PER_OFFER_PAGE = 6;
export const OFFERS_PER_PAGE = 10;

export interface ProductCostOptions {
  readonly buybox: boolean;
  readonly rating: boolean;
  /** `update=0` and a scraper is configured: every product is scraped live. */
  readonly liveUpdate: boolean;
}

/** Tokens per product of a request: 1, +2 buybox, +1 rating, +1 live update. `stats` is free. */
export function perProductCost(options: ProductCostOptions): number {
  return (
    COST_PER_PRODUCT +
    (options.buybox ? COST_BUYBOX : 0) +
    (options.rating ? COST_RATING : 0) +
    (options.liveUpdate ? COST_LIVE_UPDATE : 0)
  );
}

/** `offers`: 6 tokens for every page of up to 10 offers actually returned. */
export function offerPagesCost(offersReturned: number): number {
  return COST_PER_OFFER_PAGE * Math.ceil(offersReturned / OFFERS_PER_PAGE);
}
