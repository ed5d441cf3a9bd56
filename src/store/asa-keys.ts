// ASA keys and their workspaces: created (with the key's full rate bucket and any opening
// credits, in one transaction), listed, revoked. Only hashes are stored; the key format
// lives in src/asa/key-format.ts.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AsaPlanName, RateLimits } from '../asa/plans.js';
import { MAX_LIVE_KEYS_PER_WORKSPACE } from '../asa/plans.js';
import type { Database } from './db-types.js';

type Db = Kysely<Database>;

export interface NewAsaKey {
  readonly workspace: string;
  readonly name: string;
  readonly keyHash: string;
  readonly keyPrefix: string;
  readonly plan: AsaPlanName;
  readonly limits: RateLimits;
  /** Credits granted to the workspace with the key (0 for none). */
  readonly credits: number;
  /** Unix ms: the bucket starts full at this instant. */
  readonly nowMs: number;
  /** Marketplaces (TLDs) the key may scrape; null or absent: all (schema/023). */
  readonly marketplaces?: readonly string[] | null;
}

export type CreateAsaKeyResult =
  | { readonly created: true; readonly id: number; readonly workspaceId: number; readonly balance: number }
  | { readonly created: false; readonly reason: 'name_taken' | 'too_many_keys' };

async function workspaceFor(trx: Transaction<Database>, name: string): Promise<{ id: number; balance: number }> {
  await sql`INSERT INTO asa_workspaces (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING`.execute(trx);
  // The row lock serialises key creation per workspace, so the live-key count holds.
  const { rows } = await sql<{ id: number; balance: number }>`
    SELECT id, balance FROM asa_workspaces WHERE name = ${name} FOR UPDATE`.execute(trx);
  return rows[0]!;
}

async function grant(trx: Transaction<Database>, workspaceId: number, credits: number, note: string): Promise<number> {
  await sql`
    INSERT INTO asa_credit_ledger (workspace_id, kind, delta, note)
    VALUES (${workspaceId}, 'grant', ${credits}::bigint, ${note})`.execute(trx);
  const { rows } = await sql<{ balance: number }>`
    UPDATE asa_workspaces SET balance = balance + ${credits}::bigint WHERE id = ${workspaceId}
    RETURNING balance`.execute(trx);
  return Number(rows[0]!.balance);
}

export async function createAsaKey(db: Db, key: NewAsaKey): Promise<CreateAsaKeyResult> {
  return db.transaction().execute(async (trx) => {
    const workspace = await workspaceFor(trx, key.workspace);
    const { rows: live } = await sql<{ n: number; taken: boolean }>`
      SELECT count(*)::int AS n, coalesce(bool_or(name = ${key.name}), false) AS taken
      FROM asa_keys WHERE workspace_id = ${workspace.id} AND revoked_at IS NULL`.execute(trx);
    if (live[0]!.taken) return { created: false, reason: 'name_taken' } as const;
    if (live[0]!.n >= MAX_LIVE_KEYS_PER_WORKSPACE) return { created: false, reason: 'too_many_keys' } as const;
    const { limits } = key;
    const { rows } = await sql<{ id: number }>`
      INSERT INTO asa_keys (workspace_id, name, key_hash, key_prefix, plan, concurrency, rps, burst, marketplaces)
      VALUES (${workspace.id}, ${key.name}, ${key.keyHash}, ${key.keyPrefix}, ${key.plan},
              ${limits.concurrency}, ${limits.rps}, ${limits.burst}, ${key.marketplaces ? [...key.marketplaces] : null}::text[])
      RETURNING id`.execute(trx);
    const id = rows[0]!.id;
    const capacityMilli = (limits.rps + (limits.burst - limits.rps) * 3) * 1000;
    await sql`
      INSERT INTO asa_rate_state (key_id, tokens_milli, refilled_at_ms)
      VALUES (${id}, ${capacityMilli}::bigint, ${Math.floor(key.nowMs)}::bigint)`.execute(trx);
    const balance = key.credits > 0 ? await grant(trx, workspace.id, key.credits, `with key ${key.name}`) : Number(workspace.balance);
    return { created: true, id, workspaceId: workspace.id, balance } as const;
  });
}

/** Adds credits to a workspace; null if there is no such workspace. Returns the new balance. */
export async function grantCredits(db: Db, workspace: string, credits: number, note = 'top-up'): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: number }>`SELECT id FROM asa_workspaces WHERE name = ${workspace} FOR UPDATE`.execute(trx);
    if (rows.length === 0) return null;
    return grant(trx, rows[0]!.id, credits, note);
  });
}

export interface AsaKeyRow {
  readonly id: number;
  readonly workspace: string;
  readonly workspaceId: number;
  readonly name: string;
  readonly keyPrefix: string;
  readonly plan: AsaPlanName;
  readonly limits: RateLimits;
  /** null: every marketplace. */
  readonly marketplaces: readonly string[] | null;
  readonly balance: number;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

interface KeyRowSql {
  id: number; workspace: string; workspace_id: number; name: string; key_prefix: string; plan: AsaPlanName;
  concurrency: number; rps: number; burst: number; marketplaces: string[] | null; balance: number; created_at: Date; revoked_at: Date | null;
}

const fromRow = (r: KeyRowSql): AsaKeyRow => ({
  id: r.id,
  workspace: r.workspace,
  workspaceId: r.workspace_id,
  name: r.name,
  keyPrefix: r.key_prefix,
  plan: r.plan,
  limits: { concurrency: r.concurrency, rps: r.rps, burst: r.burst },
  marketplaces: r.marketplaces,
  balance: Number(r.balance),
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export async function listAsaKeys(db: Db, options: { includeRevoked?: boolean; workspaceId?: number } = {}): Promise<AsaKeyRow[]> {
  const { rows } = await sql<KeyRowSql>`
    SELECT k.id, w.name AS workspace, w.id AS workspace_id, k.name, k.key_prefix, k.plan, k.concurrency, k.rps, k.burst,
           k.marketplaces, w.balance, k.created_at, k.revoked_at
    FROM asa_keys k JOIN asa_workspaces w ON w.id = k.workspace_id
    WHERE (${options.includeRevoked === true} OR k.revoked_at IS NULL)
      AND (${options.workspaceId ?? null}::int IS NULL OR w.id = ${options.workspaceId ?? null}::int)
    ORDER BY w.name, k.id`.execute(db);
  return rows.map(fromRow);
}

export type RevokeResult =
  | { readonly revoked: true; readonly id: number; readonly name: string; readonly workspace: string }
  | { readonly revoked: false; readonly reason: 'not_found' | 'ambiguous'; readonly matches: number };

/**
 * Revokes one live key named by its id (digits), its shown prefix (`asa_live_…`) or its
 * name (which must then be unique among live keys of all workspaces, or of `workspace`).
 */
export async function revokeAsaKey(db: Db, which: string, workspace?: string): Promise<RevokeResult> {
  const id = /^\d{1,9}$/.test(which) ? Number(which) : null;
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: number; name: string; workspace: string }>`
      SELECT k.id, k.name, w.name AS workspace FROM asa_keys k JOIN asa_workspaces w ON w.id = k.workspace_id
      WHERE k.revoked_at IS NULL
        AND (${workspace ?? null}::text IS NULL OR w.name = ${workspace ?? null}::text)
        AND (k.id = ${id}::int OR (${id}::int IS NULL AND (k.name = ${which} OR k.key_prefix = ${which})))
      FOR UPDATE OF k`.execute(trx);
    if (rows.length !== 1) return { revoked: false, reason: rows.length === 0 ? 'not_found' : 'ambiguous', matches: rows.length } as const;
    await sql`UPDATE asa_keys SET revoked_at = now() WHERE id = ${rows[0]!.id}`.execute(trx);
    return { revoked: true, ...rows[0]! } as const;
  });
}

/** A key by hash, live or revoked (null: unknown), for answering requests that never reach admission. */
export async function findAsaKey(db: Db, keyHash: string): Promise<{ id: number; revoked: boolean; keyPrefix: string } | null> {
  const { rows } = await sql<{ id: number; revoked: boolean; key_prefix: string }>`
    SELECT id, revoked_at IS NOT NULL AS revoked, key_prefix FROM asa_keys WHERE key_hash = ${keyHash}`.execute(db);
  const row = rows[0];
  return row ? { id: row.id, revoked: row.revoked, keyPrefix: row.key_prefix } : null;
}
