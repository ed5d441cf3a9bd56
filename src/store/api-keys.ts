// API keys: created with a full token bucket, listed, revoked. Only hashes are stored;
// hashing and key generation live in src/api/api-key.ts.
import { sql, type Kysely } from 'kysely';
import { caughtUpAfter } from './change-feed.js';
import type { Database } from './db-types.js';

type Db = Kysely<Database>;

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
export async function insertApiKey(db: Db, key: NewApiKey): Promise<CreateKeyResult> {
  try {
    const result = await sql<{ id: number }>`
      WITH k AS (
        INSERT INTO api_keys (name, key_hash, key_prefix, refill_rate)
        VALUES (${key.name}, ${key.keyHash}, ${key.keyPrefix}, ${key.refillRate})
        RETURNING id)
      INSERT INTO token_buckets (key_id, tokens, refilled_at)
      SELECT id, ${key.tokens}::bigint, ${Math.floor(key.refilledAt)}::bigint FROM k
      RETURNING key_id AS id`.execute(db);
    return { created: true, id: result.rows[0]!.id };
  } catch (error) {
    // 23505: unique_violation on api_keys_live_name
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'api_keys_live_name') {
      return { created: false, reason: 'name_taken' };
    }
    throw error;
  }
}

export async function listApiKeys(db: Db, options: { includeRevoked?: boolean } = {}): Promise<ApiKeyRow[]> {
  const result = await sql<{
    id: number; name: string; key_prefix: string; refill_rate: number;
    created_at: Date; revoked_at: Date | null; tokens: number; refilled_at: number;
  }>`
    SELECT k.id, k.name, k.key_prefix, k.refill_rate, k.created_at, k.revoked_at, b.tokens, b.refilled_at
    FROM api_keys k JOIN token_buckets b ON b.key_id = k.id
    WHERE ${options.includeRevoked === true} OR k.revoked_at IS NULL
    ORDER BY k.id`.execute(db);
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
export async function revokeApiKey(db: Db, idOrName: string): Promise<{ id: number; name: string } | null> {
  const id = /^\d{1,9}$/.test(idOrName) ? Number(idOrName) : null;
  const result = await sql<{ id: number; name: string }>`
    UPDATE api_keys SET revoked_at = now()
    WHERE revoked_at IS NULL AND (id = ${id}::int OR (${id}::int IS NULL AND name = ${idOrName}))
    RETURNING id, name`.execute(db);
  // A process leasing the key's tokens drops the lease on the notification (in this
  // process before the revocation returns), and gives back one its statement under way
  // takes, instead of spending it (token-leases.ts).
  await caughtUpAfter(db);
  return result.rows[0] ?? null;
}
