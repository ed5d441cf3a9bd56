// API keys: created with a full token bucket, listed, revoked. Only hashes are stored;
// hashing and key generation live in src/api/api-key.ts.
import type pg from 'pg';

export interface NewApiKey {
  readonly name: string;
  readonly keyHash: string;
  readonly keyPrefix: string;
  readonly refillRate: number;
  /** Opening balance and refill origin of the bucket (from src/keepa/envelope.ts newBucket). */
  readonly tokens: number;
  readonly refilledAt: number;
}

export interface ApiKeyRow {
  readonly id: number;
  readonly name: string;
  readonly keyPrefix: string;
  readonly refillRate: number;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  /** Stored balance (refills are applied when the key is next used). */
  readonly tokens: number;
  readonly refilledAt: number;
}

export type CreateKeyResult = { readonly created: true; readonly id: number } | { readonly created: false; readonly reason: 'name_taken' };

/** Inserts a key and its bucket in one statement. A live key with the same name wins. */
export async function insertApiKey(pool: pg.Pool, key: NewApiKey): Promise<CreateKeyResult> {
  try {
    const result = await pool.query<{ id: number }>(
      `WITH k AS (
         INSERT INTO api_keys (name, key_hash, key_prefix, refill_rate)
         VALUES ($1, $2, $3, $4)
         RETURNING id)
       INSERT INTO token_buckets (key_id, tokens, refilled_at)
       SELECT id, $5, $6 FROM k
       RETURNING key_id AS id`,
      [key.name, key.keyHash, key.keyPrefix, key.refillRate, key.tokens, Math.floor(key.refilledAt)],
    );
    return { created: true, id: result.rows[0]!.id };
  } catch (error) {
    // 23505: unique_violation on api_keys_live_name
    if ((error as { code?: string }).code === '23505' && /api_keys_live_name/.test((error as Error).message)) {
      return { created: false, reason: 'name_taken' };
    }
    throw error;
  }
}

export async function listApiKeys(pool: pg.Pool, options: { includeRevoked?: boolean } = {}): Promise<ApiKeyRow[]> {
  const result = await pool.query<{
    id: number; name: string; key_prefix: string; refill_rate: number;
    created_at: Date; revoked_at: Date | null; tokens: number; refilled_at: number;
  }>(
    `SELECT k.id, k.name, k.key_prefix, k.refill_rate, k.created_at, k.revoked_at, b.tokens, b.refilled_at
     FROM api_keys k JOIN token_buckets b ON b.key_id = k.id
     WHERE $1 OR k.revoked_at IS NULL
     ORDER BY k.id`,
    [options.includeRevoked === true],
  );
  return result.rows.map((r) => ({
    id: r.id,
    name: r.name,
    keyPrefix: r.key_prefix,
    refillRate: r.refill_rate,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    tokens: Number(r.tokens),
    refilledAt: Number(r.refilled_at),
  }));
}

/** Revokes the live key with this id (digits) or name; returns what was revoked. */
export async function revokeApiKey(pool: pg.Pool, idOrName: string): Promise<{ id: number; name: string } | null> {
  const id = /^\d{1,9}$/.test(idOrName) ? Number(idOrName) : null;
  const result = await pool.query<{ id: number; name: string }>(
    `UPDATE api_keys SET revoked_at = now()
     WHERE revoked_at IS NULL AND (id = $1 OR ($1 IS NULL AND name = $2))
     RETURNING id, name`,
    [id, idOrName],
  );
  return result.rows[0] ?? null;
}
