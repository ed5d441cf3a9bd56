// The dashboard's admin password hash and browser sessions (schema/040_web_auth.sql).
// Times come from the caller's clock, so session expiry is testable without waiting.
import { sql } from 'kysely';
import type { Store } from './database.js';

export async function setAdminPasswordHash(store: Store, hash: string): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await sql`INSERT INTO web_admin (id, password_hash) VALUES (1, ${hash})
              ON CONFLICT (id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`.execute(trx);
    // A new password ends every session opened with the old one.
    await sql`DELETE FROM web_sessions`.execute(trx);
  });
}

export async function adminPasswordHash(store: Store): Promise<string | null> {
  const { rows } = await sql<{ password_hash: string }>`SELECT password_hash FROM web_admin WHERE id = 1`.execute(store.db);
  return rows[0]?.password_hash ?? null;
}

export interface WebSession {
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export async function insertWebSession(store: Store, tokenHash: string, csrfToken: string, now: Date, expiresAt: Date): Promise<void> {
  await sql`DELETE FROM web_sessions WHERE expires_at <= ${now}`.execute(store.db);
  await sql`INSERT INTO web_sessions (token_hash, csrf_token, created_at, expires_at)
            VALUES (${tokenHash}, ${csrfToken}, ${now}, ${expiresAt})`.execute(store.db);
}

/** The live session of this token hash at `now`, else null. */
export async function findWebSession(store: Store, tokenHash: string, now: Date): Promise<WebSession | null> {
  const { rows } = await sql<{ csrf_token: string; expires_at: Date }>`
    SELECT csrf_token, expires_at FROM web_sessions WHERE token_hash = ${tokenHash} AND expires_at > ${now}`.execute(store.db);
  const row = rows[0];
  return row ? { csrfToken: row.csrf_token, expiresAt: row.expires_at } : null;
}

export async function deleteWebSession(store: Store, tokenHash: string): Promise<void> {
  await sql`DELETE FROM web_sessions WHERE token_hash = ${tokenHash}`.execute(store.db);
}
