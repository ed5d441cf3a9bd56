// ASA batches: created with their items in one transaction, read back for polling and
// the webhook, worked through as a lease queue (FOR UPDATE SKIP LOCKED, like
// src/store/tracking.ts claims) by any number of worker processes. An item's result is
// recorded once, by the worker that holds its lease; its charge goes through asa_settle
// with the item's own charge id, so a re-run can never bill twice.
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { AsaEndpoint } from '../asa/params.js';
import { usageDay } from './asa-admission.js';
import type { Database } from './db-types.js';

type Db = Kysely<Database>;

export type BatchStatus = 'pending' | 'running' | 'complete' | 'failed';
export type WebhookStatus = 'pending' | 'delivered' | 'failed';

export interface NewBatch {
  readonly id: string;
  readonly workspaceId: number;
  readonly keyId: number;
  readonly endpoint: AsaEndpoint;
  /** Each item's parameters as the client sent them (echoed back as `input`). */
  readonly items: readonly Record<string, unknown>[];
  readonly webhookUrl: string | null;
  readonly webhookSecret: string;
  readonly createdAt: Date;
}

export async function createBatch(db: Db, batch: NewBatch): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`
      INSERT INTO asa_batches (id, workspace_id, key_id, endpoint, total_count, created_at, webhook_url, webhook_secret)
      VALUES (${batch.id}, ${batch.workspaceId}, ${batch.keyId}, ${batch.endpoint}, ${batch.items.length},
              ${batch.createdAt}, ${batch.webhookUrl}, ${batch.webhookSecret})`.execute(trx);
    await sql`
      INSERT INTO asa_batch_items (batch_id, idx, input)
      SELECT ${batch.id}::uuid, (o.n - 1)::int, o.item
      FROM jsonb_array_elements(${JSON.stringify(batch.items)}::jsonb) WITH ORDINALITY AS o(item, n)`.execute(trx);
  });
}

export interface BatchRow {
  readonly id: string;
  readonly workspaceId: number;
  readonly keyId: number;
  readonly endpoint: AsaEndpoint;
  readonly status: BatchStatus;
  readonly totalCount: number;
  readonly processedCount: number;
  readonly successCount: number;
  readonly failureCount: number;
  readonly creditsCharged: number;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
  readonly webhookUrl: string | null;
  readonly webhookSecret: string;
  readonly webhookDeliveryStatus: WebhookStatus | null;
  readonly webhookAttempts: number;
  readonly webhookLastError: string | null;
  readonly webhookDeliveredAt: Date | null;
}

export interface BatchItemRow {
  readonly idx: number;
  readonly input: Record<string, unknown>;
  readonly status: 'pending' | 'ok' | 'error';
  readonly httpStatus: number | null;
  readonly data: Record<string, unknown> | null;
  readonly error: { code: string; message: string } | null;
  readonly durationMs: number | null;
  readonly creditsCharged: number;
  readonly claims: number;
}

interface BatchSql {
  id: string; workspace_id: number; key_id: number; endpoint: AsaEndpoint; status: BatchStatus; total_count: number;
  processed_count: number; success_count: number; failure_count: number; credits_charged: number; created_at: Date;
  started_at: Date | null; completed_at: Date | null; webhook_url: string | null; webhook_secret: string;
  webhook_delivery_status: WebhookStatus | null; webhook_attempts: number; webhook_last_error: string | null;
  webhook_delivered_at: Date | null;
}

const batchFromRow = (r: BatchSql): BatchRow => ({
  id: r.id, workspaceId: r.workspace_id, keyId: r.key_id, endpoint: r.endpoint, status: r.status, totalCount: r.total_count,
  processedCount: r.processed_count, successCount: r.success_count, failureCount: r.failure_count,
  creditsCharged: Number(r.credits_charged), createdAt: r.created_at, startedAt: r.started_at, completedAt: r.completed_at,
  webhookUrl: r.webhook_url, webhookSecret: r.webhook_secret, webhookDeliveryStatus: r.webhook_delivery_status,
  webhookAttempts: r.webhook_attempts, webhookLastError: r.webhook_last_error, webhookDeliveredAt: r.webhook_delivered_at,
});

/** The batch and its items in order; `workspaceId` scopes it to its owner (null: any). */
export async function readBatch(db: Db, id: string, workspaceId: number | null): Promise<{ batch: BatchRow; items: BatchItemRow[] } | null> {
  const { rows } = await sql<BatchSql>`
    SELECT * FROM asa_batches
    WHERE id = ${id}::uuid AND (${workspaceId}::int IS NULL OR workspace_id = ${workspaceId}::int)`.execute(db);
  if (rows.length === 0) return null;
  const items = await sql<{
    idx: number; input: Record<string, unknown>; status: BatchItemRow['status']; http_status: number | null;
    data: Record<string, unknown> | null; error: BatchItemRow['error']; duration_ms: number | null; credits_charged: number; claims: number;
  }>`
    SELECT idx, input, status, http_status, data, error, duration_ms, credits_charged, claims
    FROM asa_batch_items WHERE batch_id = ${id}::uuid ORDER BY idx`.execute(db);
  return {
    batch: batchFromRow(rows[0]!),
    items: items.rows.map((i) => ({
      idx: i.idx, input: i.input, status: i.status, httpStatus: i.http_status, data: i.data, error: i.error,
      durationMs: i.duration_ms, creditsCharged: Number(i.credits_charged), claims: i.claims,
    })),
  };
}

export interface ClaimedItem {
  readonly batchId: string;
  readonly idx: number;
  readonly endpoint: AsaEndpoint;
  readonly input: Record<string, unknown>;
  readonly keyId: number;
  readonly workspaceId: number;
}

/** Leases up to `limit` pending items (oldest batch first) to `worker` until nowMs + leaseMs. */
export async function claimBatchItems(
  pool: pg.Pool,
  options: { worker: string; limit: number; leaseMs: number; nowMs: number },
): Promise<ClaimedItem[]> {
  const now = Math.floor(options.nowMs);
  const { rows } = await pool.query<{ batch_id: string; idx: number; endpoint: AsaEndpoint; input: Record<string, unknown>; key_id: number; workspace_id: number }>(
    `WITH due AS (
       SELECT i.batch_id, i.idx FROM asa_batch_items i JOIN asa_batches b ON b.id = i.batch_id
       WHERE i.status = 'pending' AND (i.lease_until_ms IS NULL OR i.lease_until_ms <= $3)
       ORDER BY b.created_at, i.batch_id, i.idx
       LIMIT $2
       FOR UPDATE OF i SKIP LOCKED
     ), claimed AS (
       UPDATE asa_batch_items i SET lease_owner = $1, lease_until_ms = $3 + $4, claims = i.claims + 1
       FROM due WHERE i.batch_id = due.batch_id AND i.idx = due.idx
       RETURNING i.batch_id, i.idx, i.input
     ), started AS (
       UPDATE asa_batches b SET status = 'running', started_at = to_timestamp($3 / 1000.0)
       WHERE b.id IN (SELECT batch_id FROM claimed) AND b.status = 'pending'
     )
     SELECT c.batch_id, c.idx, b.endpoint, c.input, b.key_id, b.workspace_id
     FROM claimed c JOIN asa_batches b ON b.id = c.batch_id ORDER BY b.created_at, c.batch_id, c.idx`,
    [options.worker, options.limit, now, Math.ceil(options.leaseMs)],
  );
  return rows.map((r) => ({ batchId: r.batch_id, idx: r.idx, endpoint: r.endpoint, input: r.input, keyId: r.key_id, workspaceId: r.workspace_id }));
}

/**
 * Reserves `cost` credits of the item's workspace until nowMs + leaseMs (or its settlement):
 * false when the workspace cannot pay for it with what requests in flight already hold.
 */
export async function reserveItemCredits(pool: pg.Pool, item: ClaimedItem, cost: number, nowMs: number, leaseMs: number): Promise<boolean> {
  const { rows } = await pool.query<{ ok: boolean }>('SELECT asa_reserve($1, $2, $3, $4, $5) AS ok', [
    itemChargeId(item.batchId, item.idx), item.keyId, cost, Math.floor(nowMs), Math.ceil(leaseMs),
  ]);
  return rows[0]!.ok;
}

export interface ItemResult {
  readonly ok: boolean;
  readonly httpStatus: number;
  readonly data: Record<string, unknown> | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly durationMs: number;
  /** Credits owed for a success. */
  readonly charge: number;
}

export interface FinishedItem {
  /** False when the lease was lost (the item was taken over or finished by another worker). */
  readonly recorded: boolean;
  /** The batch's last item: the batch is complete now. */
  readonly completedBatch: boolean;
  readonly charged: number;
}

/** The charge id of a batch item in the credits ledger. */
export const itemChargeId = (batchId: string, idx: number) => `batch:${batchId}:${idx}`;

/** Records an item's result, charges it (once), and completes the batch with its last item. */
export async function finishBatchItem(db: Db, worker: string, item: ClaimedItem, result: ItemResult, nowMs: number): Promise<FinishedItem> {
  return db.transaction().execute(async (trx) => {
    const updated = await sql<{ idx: number }>`
      UPDATE asa_batch_items SET status = ${result.ok ? 'ok' : 'error'}, http_status = ${result.httpStatus},
        data = ${result.data === null ? null : JSON.stringify(result.data)}::jsonb,
        error = ${result.error === null ? null : JSON.stringify(result.error)}::jsonb,
        duration_ms = ${Math.round(result.durationMs)}, finished_at = to_timestamp(${nowMs} / 1000.0),
        lease_owner = NULL, lease_until_ms = NULL
      WHERE batch_id = ${item.batchId}::uuid AND idx = ${item.idx} AND status = 'pending' AND lease_owner = ${worker}
      RETURNING idx`.execute(trx);
    if (updated.rows.length === 0) return { recorded: false, completedBatch: false, charged: 0 };
    const settled = await sql<{ charged: number }>`
      SELECT asa_settle(${itemChargeId(item.batchId, item.idx)}, ${item.keyId}, ${result.ok ? result.charge : 0}::bigint,
                        ${result.ok}, ${usageDay(nowMs)}::date, ${`batch ${item.batchId}`}) AS charged`.execute(trx);
    const charged = Number(settled.rows[0]!.charged);
    if (charged > 0) await sql`UPDATE asa_batch_items SET credits_charged = ${charged} WHERE batch_id = ${item.batchId}::uuid AND idx = ${item.idx}`.execute(trx);
    const batch = await sql<{ done: boolean }>`
      UPDATE asa_batches SET processed_count = processed_count + 1,
        success_count = success_count + ${result.ok ? 1 : 0}, failure_count = failure_count + ${result.ok ? 0 : 1},
        credits_charged = credits_charged + ${charged}::bigint,
        status = CASE WHEN processed_count + 1 < total_count THEN status
                      WHEN success_count + ${result.ok ? 1 : 0} > 0 THEN 'complete' ELSE 'failed' END,
        completed_at = CASE WHEN processed_count + 1 = total_count THEN to_timestamp(${nowMs} / 1000.0) END,
        webhook_delivery_status = CASE WHEN processed_count + 1 = total_count AND webhook_url IS NOT NULL THEN 'pending' END,
        webhook_next_at_ms = CASE WHEN processed_count + 1 = total_count AND webhook_url IS NOT NULL THEN ${Math.floor(nowMs)}::bigint END
      WHERE id = ${item.batchId}::uuid
      RETURNING processed_count = total_count AS done`.execute(trx);
    return { recorded: true, completedBatch: batch.rows[0]!.done, charged };
  });
}

export interface DueWebhook {
  readonly batchId: string;
  readonly url: string;
  readonly secret: string;
  /** Delivery attempts made before this one. */
  readonly attempts: number;
}

/** Leases batches whose completion webhook is due (first send or a scheduled retry). */
export async function claimDueWebhooks(pool: pg.Pool, options: { limit: number; leaseMs: number; nowMs: number }): Promise<DueWebhook[]> {
  const now = Math.floor(options.nowMs);
  const { rows } = await pool.query<{ id: string; webhook_url: string; webhook_secret: string; webhook_attempts: number }>(
    `UPDATE asa_batches b SET webhook_lease_until_ms = $2 + $3
     FROM (SELECT id FROM asa_batches
           WHERE webhook_delivery_status = 'pending' AND webhook_next_at_ms <= $2
             AND (webhook_lease_until_ms IS NULL OR webhook_lease_until_ms <= $2)
           ORDER BY webhook_next_at_ms LIMIT $1 FOR UPDATE SKIP LOCKED) due
     WHERE b.id = due.id
     RETURNING b.id, b.webhook_url, b.webhook_secret, b.webhook_attempts`,
    [options.limit, now, Math.ceil(options.leaseMs)],
  );
  return rows.map((r) => ({ batchId: r.id, url: r.webhook_url, secret: r.webhook_secret, attempts: r.webhook_attempts }));
}

/**
 * Records a delivery attempt: delivered, or retried at nowMs + retryInMs, or (retryInMs
 * null) failed for good with the last error.
 */
export async function finishWebhook(
  pool: pg.Pool,
  batchId: string,
  outcome: { delivered: boolean; error: string | null; retryInMs: number | null; nowMs: number },
): Promise<void> {
  const now = Math.floor(outcome.nowMs);
  await pool.query(
    `UPDATE asa_batches SET webhook_attempts = webhook_attempts + 1, webhook_lease_until_ms = NULL,
       webhook_delivery_status = CASE WHEN $2 THEN 'delivered' WHEN $4::bigint IS NULL THEN 'failed' ELSE 'pending' END,
       webhook_delivered_at = CASE WHEN $2 THEN to_timestamp($5 / 1000.0) END,
       webhook_last_error = CASE WHEN $2 THEN webhook_last_error ELSE $3 END,
       webhook_next_at_ms = CASE WHEN $2 OR $4::bigint IS NULL THEN NULL ELSE $5 + $4::bigint END
     WHERE id = $1 AND webhook_delivery_status = 'pending'`,
    [batchId, outcome.delivered, outcome.error, outcome.retryInMs, now],
  );
}
