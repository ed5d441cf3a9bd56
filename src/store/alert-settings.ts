// Per-key delivery settings: webhook URL and signing secret, e-mail address, feed token.
// The row is created on first use with a fresh secret and feed token.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { generateWebhookSecret } from '../net/signature.js';
import type { Database } from './db-types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AlertSettings {
  readonly keyId: number;
  readonly webhookUrl: string | null;
  readonly webhookSecret: string;
  readonly emailTo: string | null;
  readonly feedToken: string;
}

interface Row { key_id: number; webhook_url: string | null; webhook_secret: string; email_to: string | null; feed_token: string }

const fromRow = (r: Row): AlertSettings => ({ keyId: r.key_id, webhookUrl: r.webhook_url, webhookSecret: r.webhook_secret, emailTo: r.email_to, feedToken: r.feed_token });

/** A feed token: 24 random bytes, base64url (unguessable, URL-safe, not the API key). */
function newFeedToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function alertSettings(db: Db, keyId: number): Promise<AlertSettings> {
  await sql`
    INSERT INTO key_alert_settings (key_id, webhook_secret, feed_token)
    VALUES (${keyId}, ${generateWebhookSecret()}, ${newFeedToken()}) ON CONFLICT (key_id) DO NOTHING`.execute(db);
  const { rows } = await sql<Row>`SELECT * FROM key_alert_settings WHERE key_id = ${keyId}`.execute(db);
  return fromRow(rows[0]!);
}

export async function updateAlertSettings(
  db: Db,
  keyId: number,
  change: { webhookUrl?: string | null; emailTo?: string | null; rotateSecret?: boolean; rotateFeedToken?: boolean },
): Promise<AlertSettings> {
  await alertSettings(db, keyId);
  const { rows } = await sql<Row>`
    UPDATE key_alert_settings SET
      webhook_url = CASE WHEN ${change.webhookUrl !== undefined} THEN ${change.webhookUrl ?? null}::text ELSE webhook_url END,
      email_to = CASE WHEN ${change.emailTo !== undefined} THEN ${change.emailTo ?? null}::text ELSE email_to END,
      webhook_secret = CASE WHEN ${change.rotateSecret === true} THEN ${generateWebhookSecret()} ELSE webhook_secret END,
      feed_token = CASE WHEN ${change.rotateFeedToken === true} THEN ${newFeedToken()} ELSE feed_token END,
      updated_at = now()
    WHERE key_id = ${keyId} RETURNING *`.execute(db);
  return fromRow(rows[0]!);
}

/** The live key a feed token belongs to. */
export async function keyForFeedToken(db: Db, token: string): Promise<number | null> {
  const { rows } = await sql<{ key_id: number }>`
    SELECT s.key_id FROM key_alert_settings s JOIN api_keys k ON k.id = s.key_id
    WHERE s.feed_token = ${token} AND k.revoked_at IS NULL`.execute(db);
  return rows[0]?.key_id ?? null;
}
