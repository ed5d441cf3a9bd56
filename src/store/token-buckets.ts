// Token buckets of API keys, moved only by single atomic statements so that any number of
// API processes on the same database share one bucket per key without double-spending.
// The arithmetic is the one of src/keepa/envelope.ts (refill per elapsed minute, capped
// at 60 minutes' worth; charge only while the balance is positive).
import type pg from 'pg';
import { REFILL_INTERVAL_MS, TOKEN_LIFETIME_MINUTES } from '../keepa/envelope.js';
import { FLOW_REFRESH_MS } from '../alerts/token-flow.js';

export interface BucketRow {
  readonly keyId: number;
  readonly keyName: string;
  /** The key's own rate (its subscription): what the envelope reports as refillRate. */
  readonly refillRate: number;
  /** Tokens a minute the key's trackings take from it (Keepa's tokenFlowReduction). */
  readonly flowReduction: number;
  /** Balance after this statement. */
  readonly tokens: number;
  readonly refilledAt: number;
  /** The balance after refill was positive, so the cost was charged. */
  readonly admitted: boolean;
  /** Tokens leased out to the caller besides the cost (already off `tokens`). */
  readonly leased: number;
}

type AdmitRow = [keyId: number, name: string, refillRate: number, flow: number, tokens: number, refilledAt: number, admitted: boolean, leased: number];

// The refill rate left to a key is its own rate less its trackings' token flow, rounded
// (src/alerts/token-flow.ts effectiveRefillRate: the same arithmetic in SQL).
const EFFECTIVE_RATE = (rate: string, flow: string) => `greatest(0, ${rate} - round(${flow}))::bigint`;

// The CTE locks the bucket row (FOR UPDATE re-reads the newest version after waiting for a
// concurrent writer), so the refill and the charge are computed from the value this
// statement replaces: two processes charging at once serialise on the row lock. The
// trackings' token flow is re-summed only when the stored figure is 5 minutes old (the
// sub-select runs only in that branch), so a request usually reads one row.
const ADMIT_SQL = `
  WITH cur AS (
    SELECT b.key_id, k.name, k.refill_rate, b.tokens, b.refilled_at,
           greatest(0, ($2::bigint - b.refilled_at) / ${REFILL_INTERVAL_MS}) AS ticks,
           $2::bigint - b.flow_computed_at >= ${FLOW_REFRESH_MS} AS flow_stale,
           CASE WHEN $2::bigint - b.flow_computed_at >= ${FLOW_REFRESH_MS}
                THEN (SELECT coalesce(sum(t.flow_cost_per_update / (t.update_interval * 60.0)), 0)
                      FROM key_trackings t WHERE t.key_id = b.key_id AND t.is_active)
                ELSE b.flow_reduction END AS flow
    FROM api_keys k JOIN token_buckets b ON b.key_id = k.id
    WHERE k.key_hash = $1 AND k.revoked_at IS NULL
    FOR UPDATE OF b
  ), rated AS (
    SELECT *, ${EFFECTIVE_RATE('refill_rate', 'flow')} AS rate FROM cur
  ), refilled AS (
    SELECT key_id, name, refill_rate, flow, flow_stale, rate,
           CASE WHEN ticks = 0 THEN tokens
                ELSE least(tokens + ticks * rate, rate * ${TOKEN_LIFETIME_MINUTES}) END AS tokens,
           refilled_at + ticks * ${REFILL_INTERVAL_MS} AS refilled_at
    FROM rated
  ), returned AS (
    -- an unspent lease comes back, never above capacity (those tokens would have expired)
    SELECT *, least(tokens + $4::bigint, greatest(tokens, rate * ${TOKEN_LIFETIME_MINUTES})) AS balance
    FROM refilled
  ), leased AS (
    -- a lease only out of plenty: near empty, every request is charged here, one at a time
    SELECT *, CASE WHEN balance > 0 AND balance - $3::bigint >= 4 * $5::bigint THEN $5::bigint ELSE 0 END AS lease
    FROM returned
  )
  UPDATE token_buckets b
  SET tokens = CASE WHEN r.balance > 0 THEN r.balance - $3::bigint - r.lease ELSE r.balance END,
      refilled_at = r.refilled_at,
      flow_reduction = r.flow,
      flow_computed_at = CASE WHEN r.flow_stale THEN $2::bigint ELSE b.flow_computed_at END
  FROM leased r
  WHERE b.key_id = r.key_id
  RETURNING b.key_id, r.name, r.refill_rate, r.flow, b.tokens, b.refilled_at, r.balance > 0, r.lease`;

export interface LeaseRequest {
  /** Unspent tokens of the caller's previous lease, given back first. */
  readonly returned: number;
  /** Tokens to lease besides the cost: granted in full when the balance keeps 4× that after the charge, else none. */
  readonly want: number;
}

/**
 * Authenticates a key by its hash and, in the same statement, refills its bucket, takes
 * back an old lease, charges `cost` when the balance is positive and hands out a new
 * lease (`{ returned: 0, want: 0 }`: a plain admission). `cost` 0 reads the bucket
 * (refill applied). Returns null for an unknown or revoked key.
 */
export async function leaseTokens(pool: pg.Pool, keyHash: string, nowMs: number, cost: number, lease: LeaseRequest): Promise<BucketRow | null> {
  const result = await pool.query<AdmitRow>({
    name: 'pricekeep_admit_tokens',
    text: ADMIT_SQL,
    values: [keyHash, Math.floor(nowMs), cost, lease.returned, lease.want],
    rowMode: 'array',
  });
  const row = result.rows[0];
  if (!row) return null;
  const [keyId, keyName, refillRate, flow, tokens, refilledAt, admitted, leased] = row;
  return { keyId, keyName, refillRate, flowReduction: Number(flow), tokens: Number(tokens), refilledAt: Number(refilledAt), admitted, leased: Number(leased) };
}

type AdjustRow = [tokens: number, refilledAt: number];

/**
 * Charges `delta` more tokens (a negative delta refunds) without the positivity check: the
 * request was already admitted. A refund never lifts the balance above the bucket's
 * capacity (tokens expire after 60 minutes). Returns null if the key no longer exists.
 */
export async function adjustTokens(
  pool: pg.Pool,
  keyId: number,
  delta: number,
): Promise<{ tokens: number; refilledAt: number } | null> {
  const result = await pool.query<AdjustRow>({
    name: 'pricekeep_adjust_tokens',
    text: `
      UPDATE token_buckets b
      SET tokens = least(b.tokens - $2::bigint, greatest(b.tokens, ${EFFECTIVE_RATE('k.refill_rate', 'b.flow_reduction')} * ${TOKEN_LIFETIME_MINUTES}))
      FROM api_keys k
      WHERE b.key_id = $1 AND k.id = b.key_id
      RETURNING b.tokens, b.refilled_at`,
    values: [keyId, delta],
    rowMode: 'array',
  });
  const row = result.rows[0];
  return row ? { tokens: Number(row[0]), refilledAt: Number(row[1]) } : null;
}
